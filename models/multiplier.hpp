#pragma once
// The customer's personal friction multiplier m ~ Gamma(shape 1/h^2, scale h^2): mean 1, cv h.

namespace cxsim {

// m for a uniform draw u in (0,1), by inverse CDF so the same u gives the same m on any platform
// that has the same Boost.Math. h = 0 gives exactly 1.
double multiplier_from_uniform(double heterogeneity, double u);

}  // namespace cxsim
