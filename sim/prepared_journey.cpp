#include "sim/prepared_journey.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <stdexcept>
#include <thread>

#include "sim/multiplier_integral.hpp"

namespace cxsim {

// One segment as prepared: its chain (ordering and pivots inside), the pattern the chain was
// built for, and the quadrature rules of its heterogeneity.
struct PreparedJourney::Segment {
  std::unique_ptr<SegmentChain> chain;
  ChainPattern pattern;
  // With nodes in parallel, every other thread's own chain, built on its first node.
  tbb::enumerable_thread_specific<std::unique_ptr<SegmentChain>> node_chains;
  MultiplierRules rules;
};

PreparedJourney::PreparedJourney(const Journey& journey, const Population& population, Options options)
    : options_(options) {
  first_ = solve(journey, population);
}

PreparedJourney::~PreparedJourney() = default;

ExactSolution PreparedJourney::solve(const Journey& journey, const Population& population) {
  if (!journey.fits(population.size()))
    throw std::invalid_argument("the journey's segment routes name more segments than the population has");
  if (population.size() != segments_.size()) {  // segments added or removed
    if (!segments_.empty() && !options_.adopt_new_pattern) {
      cold_ += population.size();
      return solve_exact(journey, population);
    }
    segments_.clear();
    segments_.resize(population.size());
  }
  return solution_from_segments(journey, population, [&](std::size_t s, double& residual) {
    const cxsim::Segment& numbers = population.segment(s);
    auto& slot = segments_[s];
    // The chain's state index is laid out by touchpoint: another count is another journey.
    if (slot && slot->chain->states().index.size() == 4 * journey.size()) {
      slot->chain->renumber(journey, numbers);
      if (!(numbers.heterogeneity > 0.0)) {
        // One solve: the pattern is checked by the assembly itself.
        if (auto figures = slot->chain->solve_if_same_pattern(slot->pattern, residual)) {
          ++warm_;
          SegmentSolution out;
          out.figures = std::move(*figures);
          return out;
        }
      } else if (chain_pattern(journey, s, numbers, slot->chain->states()) == slot->pattern) {
        ++warm_;
        return integrate(*slot, journey, s, numbers, residual);
      }
    }
    ++cold_;
    if (slot && !options_.adopt_new_pattern) return solve_segment_cold(journey, s, numbers, residual);
    auto fresh = std::make_unique<Segment>();
    fresh->chain = std::make_unique<SegmentChain>(journey, s, numbers);
    fresh->pattern = chain_pattern(journey, s, numbers, fresh->chain->states());
    slot = std::move(fresh);
    if (!(numbers.heterogeneity > 0.0)) {
      SegmentSolution out;
      out.figures = slot->chain->solve(1.0, residual);
      return out;
    }
    return integrate(*slot, journey, s, numbers, residual);
  });
}

SegmentSolution PreparedJourney::integrate(Segment& prepared, const Journey& journey, std::size_t s,
                                           const cxsim::Segment& numbers, double& residual) {
  // The calling thread solves on the prepared chain; any other on one of its own.
  const auto caller = std::this_thread::get_id();
  const NodeChains chains{[&, caller]() -> SegmentChain& {
                            if (std::this_thread::get_id() == caller) return *prepared.chain;
                            auto& mine = prepared.node_chains.local();
                            if (!mine) mine = std::make_unique<SegmentChain>(journey, s, numbers);
                            mine->renumber(journey, numbers);
                            return *mine;
                          },
                          options_.nodes_in_parallel};
  return integrate_over_multiplier(journey, numbers, chains, prepared.rules, residual);
}

}  // namespace cxsim
