#pragma once
// Weights on one customer's expected figures: the derivatives of a weighted sum of figures (a
// defection rate, a log-likelihood) with respect to every touchpoint attribute and segment
// parameter come from one adjoint solve, whatever the weights (sim/segment_gradient.cpp).
#include <array>
#include <vector>

namespace cxsim {

// The per-touchpoint figures a weight can be put on.
enum WeightedFigure : int { weight_visits, weight_failures, weight_repeats, weight_abandoned };
inline constexpr int weighted_figure_count = 4;

struct FigureWeights {
  double stay = 0.0;  // on the probability of staying (outcome `retained`)
  // By touchpoint, on expected visits, failures, repeats and abandonments; empty: all 0. The
  // visits of an ending are the customers who reach it, so weights on outcomes other than
  // `retained` are weights here (see sim/calibration.cpp).
  std::vector<std::array<double, weighted_figure_count>> touchpoint;
};

}  // namespace cxsim
