#pragma once
// Rules for integrating a figure over the customer's multiplier m ~ Gamma(shape 1/h², scale h²),
// E[g(m)] ~= sum_i weight[i] * g(multiplier[i]): how the exact solver handles heterogeneity.
#include <vector>

namespace cxsim {

struct MultiplierQuadrature {
  std::vector<double> multiplier, weight;
};

// Generalized Gauss-Laguerre (Golub-Welsch), weights normalised to sum to 1. Requires h > 0 and
// nodes >= 1. Converges fast while g varies on the scale of h² or coarser.
MultiplierQuadrature multiplier_quadrature(double heterogeneity, int nodes);

// The tanh-sinh (double exponential) rule in the multiplier's quantile: E[g(m)] = integral over
// u in (0,1) of g(Q(u)), with step 2^-level. Slower than Gauss-Laguerre for small h, but it
// converges where Gauss-Laguerre cannot: g varying on a scale much finer than h². Points whose
// density is below 1e-18 are left out (the same at every level, so the levels nest).
MultiplierQuadrature multiplier_tanh_sinh(double heterogeneity, int level);

// The same rule's points with unnormalised weights (step x density): all of them, or with
// `new_only` only those a level adds to the one before (odd multiples of the step), so that
// refining reuses every point already solved.
MultiplierQuadrature tanh_sinh_points(double heterogeneity, int level, bool new_only);

}  // namespace cxsim
