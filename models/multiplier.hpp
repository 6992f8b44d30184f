#pragma once
// The customer's personal friction multiplier m ~ Gamma(shape 1/h², scale h²): mean 1, cv h.
//
// Sampled with Marsaglia & Tsang's squeeze method (ACM TOMS 26(3), 2000) from uniforms the
// caller supplies by attempt number, so the draws stay counter-based: the same (seed, customer)
// always gives the same m, in any order, on any thread. An inverse-CDF evaluation
// (boost::math::gamma_p_inv) was five times slower than a whole walk through the journey.
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace cxsim {

// The multiplier of one segment, its constants worked out once rather than per customer.
class MultiplierDistribution {
 public:
  explicit MultiplierDistribution(double heterogeneity = 0.0) : heterogeneity_(heterogeneity) {
    if (heterogeneity <= 0.0) return;
    variance_ = heterogeneity * heterogeneity;
    shape_ = 1.0 / variance_;
    // Shapes below 1 (h > 1): Gamma(a) = Gamma(a + 1) · U^(1/a).
    boost_shape_ = shape_ < 1.0;
    const double a = boost_shape_ ? shape_ + 1.0 : shape_;
    d_ = a - 1.0 / 3.0;
    c_ = 1.0 / std::sqrt(9.0 * d_);
  }

  // `uniforms(i)` returns the i-th block of four uniforms in (0,1); i = 0, 1, 2, ...
  template <class Uniforms>
  double sample(Uniforms&& uniforms) const {
    if (heterogeneity_ <= 0.0) return 1.0;
    for (std::uint64_t attempt = 0;; ++attempt) {
      const std::array<double, 4> u = uniforms(attempt);
      // Box–Muller from u[0], u[1]: one standard normal.
      const double x = std::sqrt(-2.0 * std::log(u[0])) * std::cos(2.0 * std::numbers::pi * u[1]);
      const double t = 1.0 + c_ * x;
      if (t <= 0.0) continue;
      const double v = t * t * t;
      const double x2 = x * x;
      if (u[2] < 1.0 - 0.0331 * x2 * x2 || std::log(u[2]) < 0.5 * x2 + d_ * (1.0 - v + std::log(v))) {
        double g = d_ * v;
        if (boost_shape_) g *= std::pow(u[3], 1.0 / shape_);
        return g * variance_;
      }
    }
  }

 private:
  double heterogeneity_ = 0.0, variance_ = 0.0, shape_ = 0.0, d_ = 0.0, c_ = 0.0;
  bool boost_shape_ = false;
};

template <class Uniforms>
double sample_multiplier(double heterogeneity, Uniforms&& uniforms) {
  return MultiplierDistribution(heterogeneity).sample(uniforms);
}

}  // namespace cxsim
