#pragma once
// One segment's figures integrated over the customer's multiplier, and the whole population's
// solution from its segments': the part of the exact solver that a cold solve (solve_exact) and
// a prepared journey's warm re-solve (sim/prepared_journey.hpp) share. Internal to the solver.
#include <functional>
#include <map>
#include <string>

#include "sim/exact_solver.hpp"
#include "sim/segment_chain.hpp"

namespace cxsim {

struct SegmentSolution {
  Figures figures;
  std::string rule;  // empty without heterogeneity
  MultiplierQuadrature quadrature;
  int nodes = 0;
  int solves = 0;  // chain solves it took, over every refinement
  double change = 0.0;
};

// The quadrature rules of one heterogeneity, each computed on first use (a prepared journey
// keeps them from one solve to the next). A different heterogeneity starts afresh.
class MultiplierRules {
 public:
  const MultiplierQuadrature& gauss_laguerre(double h, int nodes);
  const MultiplierQuadrature& tanh_sinh_points(double h, int level, bool new_only);
  const MultiplierQuadrature& tanh_sinh(double h, int level);

 private:
  void use(double h);
  double h_ = 0.0;
  std::map<int, MultiplierQuadrature> gauss_laguerre_, new_points_, all_points_, tanh_sinh_;
};

// The chain the calling thread solves a node on, and whether nodes may be solved in parallel
// (each thread then gets its own chain).
struct NodeChains {
  std::function<SegmentChain&()> here;
  bool in_parallel = true;
};

// E over the multiplier of one segment's figures (h > 0); see exact_solver.cpp.
SegmentSolution integrate_over_multiplier(const Journey& journey, const Segment& segment, const NodeChains& chains,
                                          MultiplierRules& rules, double& residual);

// One segment solved from scratch: its chain built, and its nodes solved in parallel.
SegmentSolution solve_segment_cold(const Journey& journey, std::size_t segment_index, const Segment& segment,
                                   double& residual);

// The population's solution from each segment's: solve_segment(s, residual) gives segment s's
// (raising `residual` to its worst), segments in order.
ExactSolution solution_from_segments(const Journey& journey, const Population& population,
                                     const std::function<SegmentSolution(std::size_t, double&)>& solve_segment);

}  // namespace cxsim
