// The exact derivatives of the defection rate (adjoint method) against finite differences of the
// exact solver, on hand-made and generated journeys, with and without heterogeneity.
#include <gtest/gtest.h>

#include <cmath>

#include "random_journeys.hpp"
#include "sim/exact_gradient.hpp"
#include "sim/segment_chain.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using test::touchpoint;

// The defection rate on fixed multiplier rules (those of `at`), so that a finite difference sees
// no change of quadrature.
double defection_on_rules(const Journey& j, const Population& p, const ExactSolution& at) {
  double share_sum = 0.0, rate = 0.0;
  for (const auto& s : p.segments()) share_sum += s.share;
  for (std::size_t s = 0; s < p.size(); ++s) {
    SegmentChain chain(j, s, p.segment(s));
    const auto& rule = at.multiplier_rules[s];
    double residual = 0.0, d = 0.0;
    for (std::size_t i = 0; i < rule.weight.size(); ++i)
      d += rule.weight[i] * chain.solve(rule.multiplier[i], residual).defection_rate();
    rate += p.segment(s).share / share_sum * d;
  }
  return rate;
}

constexpr double step = 1e-5;

double central_attribute(const Journey& j, const Population& p, const ExactSolution& at, std::size_t k,
                         TouchpointAttribute a) {
  const double v = attribute_of(j.touchpoint(k), a);
  return (defection_on_rules(with_attribute(j, k, a, v + step), p, at) -
          defection_on_rules(with_attribute(j, k, a, v - step), p, at)) /
         (2 * step);
}

double central_parameter(const Journey& j, const Population& p, const ExactSolution& at, std::size_t s,
                         SegmentParameter q) {
  const double v = parameter_of(p.segment(s), q);
  return (defection_on_rules(j, with_parameter(p, s, q, v + step), at) -
          defection_on_rules(j, with_parameter(p, s, q, v - step), at)) /
         (2 * step);
}

// Relative 1e-5, or 1e-9 absolute for derivatives near 0 (finite differences carry about 1e-10).
void expect_derivative(double adjoint, double fd, const std::string& what) {
  EXPECT_NEAR(adjoint, fd, 1e-5 * std::fabs(fd) + 1e-9) << what;
}

bool inside(double v) {
  return v > 2 * step && v < 1.0 - 2 * step;
}

TEST(DefectionGradient, MatchesCentralDifferencesOnGeneratedJourneys) {
  int checked = 0, with_heterogeneity = 0;
  const auto all = test::scenarios();
  for (std::size_t n = 0; n < 40; ++n) {
    const auto& [j, p] = all[n];
    const ExactSolution sol = solve_exact(j, p);
    const DefectionGradient g = defection_gradient(j, p, sol);
    ASSERT_NEAR(g.defection_rate, sol.figures.defection_rate(), 1e-12) << "journey " << n;
    with_heterogeneity += sol.quadrature;
    for (std::size_t k = 0; k < j.size(); ++k) {
      if (j.is_terminal(k)) continue;
      for (int a = 0; a < touchpoint_attribute_count; ++a) {
        const auto attribute = static_cast<TouchpointAttribute>(a);
        const double v = attribute_of(j.touchpoint(k), attribute);
        bool near_kink = false;  // value at a segment's expectation: one-sided derivatives differ
        for (const auto& s : p.segments()) near_kink = near_kink || std::fabs(s.value_expectation - v) < 2 * step;
        if (!inside(v) || (attribute == TouchpointAttribute::value && near_kink)) continue;
        ASSERT_TRUE(g.touchpoint[k][static_cast<std::size_t>(a)].has_value());
        expect_derivative(*g.touchpoint[k][static_cast<std::size_t>(a)], central_attribute(j, p, sol, k, attribute),
                          "journey " + std::to_string(n) + " touchpoint " + j.touchpoint(k).id + " " +
                              touchpoint_attribute_names[static_cast<std::size_t>(a)]);
        ++checked;
      }
    }
    for (std::size_t s = 0; s < p.size(); ++s)
      for (int q = 0; q < segment_parameter_count; ++q) {
        const auto parameter = static_cast<SegmentParameter>(q);
        const double v = parameter_of(p.segment(s), parameter);
        if (!(v > 2 * step)) continue;
        expect_derivative(g.segment[s][static_cast<std::size_t>(q)], central_parameter(j, p, sol, s, parameter),
                          "journey " + std::to_string(n) + " segment " + p.segment(s).name + " " +
                              segment_parameter_names[static_cast<std::size_t>(q)]);
        ++checked;
      }
  }
  EXPECT_GT(checked, 1000);
  EXPECT_GT(with_heterogeneity, 5);
}
// One-sided second-order differences, for attributes at the end of their range.
double one_sided_attribute(const Journey& j, const Population& p, const ExactSolution& at, std::size_t k,
                           TouchpointAttribute a, double direction) {
  const double v = attribute_of(j.touchpoint(k), a), h = direction * step;
  const auto f = [&](double x) { return defection_on_rules(with_attribute(j, k, a, x), p, at); };
  return (-3 * f(v) + 4 * f(v + h) - f(v + 2 * h)) / (2 * h);
}

// start -> middle -> done, with a failure route back to start; middle may route to `lost`.
struct Small {
  Journey journey;
  Population population;
};
Small small_journey(double r, double t, double lambda, std::vector<Transition> extra = {}) {
  std::vector<Touchpoint> tps{touchpoint("start", r, 0.7, 0.4, t), touchpoint("middle", 0.8, 0.6, 0.5, 0.3, 0.5),
                              test::retained("done"), test::defected("lost")};
  std::vector<Transition> edges{{0, 1, 1.0, When::ok},
                                {0, 0, 0.4, When::fail},
                                {0, 3, 0.6, When::fail},
                                {1, 2, 0.9, When::any},
                                {1, 3, 0.1, When::any}};
  edges.insert(edges.end(), extra.begin(), extra.end());
  return {Journey(std::move(tps), std::move(edges), 0), Population({test::segment(0.8, 0.5, 0.6, 0.6, lambda)})};
}

TEST(DefectionGradient, AtReliabilityOneIsTheDerivativeOfMakingItWorse) {
  const auto [j, p] = small_journey(1.0, 0.2, 0.5);
  const ExactSolution sol = solve_exact(j, p);
  const auto g = defection_gradient(j, p, sol);
  ASSERT_TRUE(g.touchpoint[0][0].has_value());
  EXPECT_NEAR(*g.touchpoint[0][0], one_sided_attribute(j, p, sol, 0, TouchpointAttribute::reliability, -1.0), 1e-6);
  EXPECT_LT(*g.touchpoint[0][0], 0.0);  // better reliability, fewer defections
}

TEST(DefectionGradient, AtTrustZeroIsTheDerivativeOfArmingAGuard) {
  const auto [j, p] = small_journey(0.7, 0.0, 0.5);
  const ExactSolution sol = solve_exact(j, p);
  const auto g = defection_gradient(j, p, sol);
  const double trust = *g.touchpoint[0][static_cast<int>(TouchpointAttribute::trust)];
  EXPECT_NEAR(trust, one_sided_attribute(j, p, sol, 0, TouchpointAttribute::trust, 1.0), 1e-6);
  EXPECT_LT(trust, 0.0);
}

TEST(DefectionGradient, AtSilentChurnZeroCountsTheLoadCustomersEndWith) {
  const auto [j, p] = small_journey(0.7, 0.2, 0.0);
  const ExactSolution sol = solve_exact(j, p);
  const auto g = defection_gradient(j, p, sol);
  const auto f = [&](double x) {
    return defection_on_rules(j, with_parameter(p, 0, SegmentParameter::silent_churn, x), sol);
  };
  const double forward = (-3 * f(0.0) + 4 * f(step) - f(2 * step)) / (2 * step);
  EXPECT_NEAR(g.segment[0][static_cast<int>(SegmentParameter::silent_churn)], forward, 1e-6);
  EXPECT_GT(forward, 0.0);
}

TEST(DefectionGradient, RecoveryHasNoDerivativeWhereThereIsNoRecoveryPoint) {
  const auto [j, p] = small_journey(0.7, 0.2, 0.5);
  const auto g = defection_gradient(j, p, solve_exact(j, p));
  EXPECT_FALSE(g.touchpoint[0][static_cast<int>(TouchpointAttribute::recovery)].has_value());
  EXPECT_TRUE(g.touchpoint[1][static_cast<int>(TouchpointAttribute::recovery)].has_value());
}

TEST(DefectionGradient, EndingsHaveNoDerivatives) {
  const auto [j, p] = small_journey(0.7, 0.2, 0.5);
  const auto g = defection_gradient(j, p, solve_exact(j, p));
  for (std::size_t k : {2u, 3u})
    for (const auto& d : g.touchpoint[k]) EXPECT_FALSE(d.has_value());
}

TEST(DefectionGradient, ReliabilityHasNoDerivativeWhenAFailureWouldHaveNowhereToGo) {
  // middle has only `ok` rows: at reliability 1 a failure there would be a dead end.
  std::vector<Touchpoint> tps{touchpoint("start", 1.0, 0.7, 0.4), test::retained("done")};
  const Journey j(std::move(tps), {{0, 1, 1.0, When::ok}}, 0);
  const Population p({test::segment(0.8, 0.5, 0.6, 0.6, 0.3)});
  const auto g = defection_gradient(j, p, solve_exact(j, p));
  EXPECT_FALSE(g.touchpoint[0][0].has_value());
  EXPECT_TRUE(g.touchpoint[0][static_cast<int>(TouchpointAttribute::value)].has_value());
}

}  // namespace
}  // namespace cxsim
