// The customer multiplier: Gamma(1/h², h²) by Marsaglia–Tsang from counter-based uniforms.
// Moments are compared with their exact values within 5 standard errors (fixed seeds).
#include <gtest/gtest.h>

#include <cmath>

#include "models/multiplier.hpp"
#include "sim/random_stream.hpp"

namespace cxsim {
namespace {

struct Moments {
  double mean = 0, var = 0, laplace = 0, laplace_var = 0;  // laplace = E[e^-m]
};

Moments sample(double h, int n) {
  double s = 0, s2 = 0, l = 0, l2 = 0;
  for (int i = 0; i < n; ++i) {
    const CustomerStream rng(3, static_cast<std::uint64_t>(i));
    const double m = sample_multiplier(h, [&](std::uint64_t a) { return rng.customer(a).multiplier; });
    s += m;
    s2 += m * m;
    l += std::exp(-m);
    l2 += std::exp(-2 * m);
  }
  Moments out;
  out.mean = s / n;
  out.var = s2 / n - out.mean * out.mean;
  out.laplace = l / n;
  out.laplace_var = l2 / n - out.laplace * out.laplace;
  return out;
}

class Multiplier : public ::testing::TestWithParam<double> {};

TEST_P(Multiplier, HasMeanOneAndTheGammaLaplaceTransform) {
  const double h = GetParam();
  const int n = 200000;
  const Moments m = sample(h, n);
  EXPECT_LE(std::fabs(m.mean - 1.0), 5.0 * h / std::sqrt(n)) << "mean " << m.mean;
  // E[e^{-m}] = (1 + h²)^(-1/h²) for m ~ Gamma(1/h², h²).
  const double exact = std::pow(1.0 + h * h, -1.0 / (h * h));
  EXPECT_LE(std::fabs(m.laplace - exact), 5.0 * std::sqrt(m.laplace_var / n)) << m.laplace << " vs " << exact;
  EXPECT_NEAR(std::sqrt(m.var), h, 0.05 * h) << "coefficient of variation";
}

INSTANTIATE_TEST_SUITE_P(Heterogeneities, Multiplier, ::testing::Values(0.05, 0.3, 1.0, 1.7));

TEST(MultiplierZero, IsExactlyOne) {
  const CustomerStream rng(1, 1);
  EXPECT_EQ(sample_multiplier(0.0, [&](std::uint64_t a) { return rng.customer(a).multiplier; }), 1.0);
}

TEST(MultiplierKeying, DependsOnlyOnSeedAndCustomer) {
  auto draw = [](std::uint64_t seed, std::uint64_t c) {
    const CustomerStream rng(seed, c);
    return sample_multiplier(0.5, [&](std::uint64_t a) { return rng.customer(a).multiplier; });
  };
  EXPECT_EQ(draw(1, 2), draw(1, 2));
  EXPECT_NE(draw(1, 2), draw(1, 3));
  EXPECT_NE(draw(1, 2), draw(2, 2));
}

}  // namespace
}  // namespace cxsim
