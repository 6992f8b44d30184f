#include "sim/exact_solver.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <memory>
#include <stdexcept>

#include "sim/multiplier_integral.hpp"

namespace cxsim {

SegmentSolution solve_segment_cold(const Journey& journey, std::size_t s, const Segment& seg, double& residual) {
  SegmentSolution out;
  if (!(seg.heterogeneity > 0.0)) {
    SegmentChain chain(journey, s, seg);
    out.figures = chain.solve(1.0, residual);
    return out;
  }
  // One chain (and factorisation) per thread, built on first use.
  tbb::enumerable_thread_specific<std::unique_ptr<SegmentChain>> chains;
  const NodeChains here{[&]() -> SegmentChain& {
                          auto& mine = chains.local();
                          if (!mine) mine = std::make_unique<SegmentChain>(journey, s, seg);
                          return *mine;
                        },
                        true};
  MultiplierRules rules;
  return integrate_over_multiplier(journey, seg, here, rules, residual);
}

ExactSolution solve_exact(const Journey& journey, const Population& population) {
  if (!journey.fits(population.size()))
    throw std::invalid_argument("the journey's segment routes name more segments than the population has");
  return solution_from_segments(journey, population, [&](std::size_t s, double& residual) {
    return solve_segment_cold(journey, s, population.segment(s), residual);
  });
}

}  // namespace cxsim
