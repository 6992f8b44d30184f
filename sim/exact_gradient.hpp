#pragma once
// The exact derivative of the defection rate with respect to every touchpoint attribute and
// every segment parameter, all at once by the adjoint method (sim/segment_gradient.cpp). What
// `cxsim sensitivity` ranks. See docs/model.md, "What to fix first".
#include <array>
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

// Differentiates at the solution `at` of the same journey and population, with the same
// multiplier rule per segment. Throws SolverError when a system cannot be solved.
DefectionGradient defection_gradient(const Journey& journey, const Population& population, const ExactSolution& at);

}  // namespace cxsim
