#pragma once
// A journey and its population prepared once for exact solves, then re-solved warm for new
// numbers: a slider moved in the studio, an assumption drawn, a value swept. Per segment it keeps
// the chain states, the matrices' patterns, the solver's ordering and pivots, and the multiplier
// quadrature rules; numbers that keep the chain's pattern (sim/chain_pattern.hpp) are solved on
// them, others (an attribute reaching 0 or 1, a transition added or removed, another segment
// count...) by a cold solve. Either way the figures are solve_exact's, to rounding (1e-12).
//
// Not thread-safe: one prepared journey per thread (its h > 0 nodes may still run in parallel).
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/chain_pattern.hpp"
#include "sim/exact_solver.hpp"

namespace cxsim {

struct SegmentSolution;

class PreparedJourney {
 public:
  struct Options {
    // Prepare again for numbers with a new pattern (a studio that keeps going from there), or
    // solve them cold and stay prepared for the first (parallel draws: then the figures of given
    // numbers never depend on what was solved before, whatever the threads).
    bool adopt_new_pattern = true;
    // Solve an integral's multiplier nodes in parallel (one chain per thread: figures then
    // differ with the thread count by rounding), or in turn (inside a parallel loop of draws).
    bool nodes_in_parallel = true;
  };
  // Prepares by solving `journey` and `population` once (throws SolverError as solve_exact).
  PreparedJourney(const Journey& journey, const Population& population, Options options);
  PreparedJourney(const Journey& journey, const Population& population)
      : PreparedJourney(journey, population, Options{}) {}
  ~PreparedJourney();
  PreparedJourney(const PreparedJourney&) = delete;
  PreparedJourney& operator=(const PreparedJourney&) = delete;

  // The figures of the prepared journey with the numbers of `journey` and `population`.
  ExactSolution solve(const Journey& journey, const Population& population);
  // The first solve's figures.
  const ExactSolution& prepared() const { return first_; }

  // Segment solves so far, warm (on the prepared chain) and cold (a new pattern).
  std::uint64_t warm_solves() const { return warm_; }
  std::uint64_t cold_solves() const { return cold_; }

 private:
  struct Segment;
  SegmentSolution integrate(Segment& prepared, const Journey& journey, std::size_t s, const cxsim::Segment& numbers,
                            double& residual);

  Options options_;
  std::vector<std::unique_ptr<Segment>> segments_;
  ExactSolution first_;
  std::uint64_t warm_ = 0, cold_ = 0;
};

}  // namespace cxsim
