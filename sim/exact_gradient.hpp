#pragma once
// The exact derivative of the defection rate with respect to every touchpoint attribute and
// every segment parameter, all at once by the adjoint method (sim/segment_gradient.cpp). What
// `cxsim sensitivity` ranks. See docs/model.md, "What to fix first".
#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "sim/attributes.hpp"
#include "sim/exact_solver.hpp"
#include "sim/figure_weights.hpp"

namespace cxsim {

struct DefectionGradient {
  double defection_rate = 0.0;
  // d(defection rate) / d(attribute), by touchpoint. Empty (no derivative) for endings, for
  // recovery where the touchpoint is no recovery point (forgiveness jumps from 0 to 15% there),
  // and for reliability where a failure (or a success) the attribute now rules out would have
  // no transition to take.
  std::vector<std::array<std::optional<double>, touchpoint_attribute_count>> touchpoint;
  // d(defection rate) / d(parameter), by segment.
  std::vector<std::array<double, segment_parameter_count>> segment;
  double residual = 0.0;  // largest relative residual of the linear solves
};

// A weighted sum of expected figures, with per segment the weights on one customer's figures
// (not scaled by the segment's share), and its exact derivatives.
struct FiguresGradient {
  double value = 0.0;
  // By touchpoint; empty where DefectionGradient's are.
  std::vector<std::array<std::optional<double>, touchpoint_attribute_count>> touchpoint;
  std::vector<std::array<double, segment_parameter_count>> segment;  // by segment
  double residual = 0.0;
};
FiguresGradient figures_gradient(const Journey& journey, const Population& population, const ExactSolution& at,
                                 const std::vector<FigureWeights>& weights);

// figures_gradient again and again for nearby numbers (the steps of a fit): each segment's chain
// is kept, one per multiplier node, while the numbers keep the chain's states and pattern
// (sim/chain_pattern.hpp), so only the values are assembled and factorised again. Numbers of
// another pattern are differentiated on a new chain, which takes the old one's place when
// `adopt_new_pattern` (a fit walking on from there); else it is not kept, and the figures of given
// numbers depend only on the numbers first differentiated, never on the calls between. Either
// way, not on the threads. Not thread-safe: one per thread.
class PreparedGradient {
 public:
  explicit PreparedGradient(bool adopt_new_pattern);
  ~PreparedGradient();
  PreparedGradient(const PreparedGradient&) = delete;
  PreparedGradient& operator=(const PreparedGradient&) = delete;
  FiguresGradient gradient(const Journey& journey, const Population& population, const ExactSolution& at,
                           const std::vector<FigureWeights>& weights);

 private:
  struct Node;
  bool adopt_new_pattern_;
  std::vector<std::vector<std::unique_ptr<Node>>> nodes_;  // by segment, by multiplier node
};

// Differentiates at the solution `at` of the same journey and population, with the same
// multiplier rule per segment. Throws SolverError when a system cannot be solved.
DefectionGradient defection_gradient(const Journey& journey, const Population& population, const ExactSolution& at);

}  // namespace cxsim
