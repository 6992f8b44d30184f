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
    if (segments_[s]) {
      const ChainPattern now = chain_pattern(journey, s, population.segment(s), segments_[s]->chain->states());
      if (now != segments_[s]->pattern) {
        if (!options_.adopt_new_pattern) {
          ++cold_;
          return solve_segment_cold(journey, s, population.segment(s), residual);
        }
        segments_[s].reset();
      }
    }
    return solve_segment(segments_[s], journey, s, population.segment(s), residual);
  });
}

SegmentSolution PreparedJourney::solve_segment(std::unique_ptr<Segment>& slot, const Journey& journey, std::size_t s,
                                               const cxsim::Segment& numbers, double& residual) {
  if (slot) {
    ++warm_;
    slot->chain->renumber(journey, numbers);
  } else {
    ++cold_;
    auto fresh = std::make_unique<Segment>();
    fresh->chain = std::make_unique<SegmentChain>(journey, s, numbers);
    fresh->pattern = chain_pattern(journey, s, numbers, fresh->chain->states());
    slot = std::move(fresh);
  }
  Segment& prepared = *slot;
  if (!(numbers.heterogeneity > 0.0)) {
    SegmentSolution out;
    out.figures = prepared.chain->solve(1.0, residual);
    return out;
  }
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
