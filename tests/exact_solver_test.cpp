// The exact solver against answers derived by hand from the model (MODEL.md), to 1e-12.
#include "sim/exact_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "random_journeys.hpp"
#include "sim/segment_chain.hpp"

namespace cxsim {
namespace {

constexpr double tight = 1e-12;

Touchpoint touchpoint(std::string id, double reliability = 1.0) {
  Touchpoint t;
  t.id = std::move(id);
  t.reliability = reliability;
  return t;
}

Touchpoint terminal(std::string id, Outcome outcome = Outcome::retained) {
  Touchpoint t;
  t.id = std::move(id);
  t.outcome = outcome;
  return t;
}

Transition edge(std::size_t from, std::size_t to, double p = 1.0, When when = When::any) {
  return Transition{from, to, p, when};
}

// A segment that feels only what the test sets.
Segment calm(std::string name = "everyone") {
  Segment s;
  s.name = std::move(name);
  s.value_expectation = 0.0;
  return s;
}

Segment failing_hurts(double a) {
  Segment s = calm();
  s.reliability_sensitivity = a;
  return s;
}

double outcome(const ExactSolution& x, Ending e) {
  return x.figures.outcome(e);
}

TEST(ExactSolver, ChainOfTwoTouchpointsMultipliesSurvival) {
  const Journey j({touchpoint("a", 0.9), touchpoint("b", 0.8), terminal("done")}, {edge(0, 1), edge(1, 2)}, 0);
  const auto x = solve_exact(j, Population({failing_hurts(0.5)}));
  const double hurt = 1.0 - std::exp(-0.5);
  const double at_b = 1.0 - 0.1 * hurt;
  const double done = at_b * (1.0 - 0.2 * hurt);
  const auto& t = x.figures.touchpoints;
  EXPECT_NEAR(t[0][fig_visits], 1.0, tight);
  EXPECT_NEAR(t[0][fig_failures], 0.1, tight);
  EXPECT_NEAR(t[0][fig_abandoned], 0.1 * hurt, tight);
  EXPECT_NEAR(t[1][fig_visits], at_b, tight);
  EXPECT_NEAR(t[1][fig_failures], 0.2 * at_b, tight);
  EXPECT_NEAR(t[1][fig_abandoned], 0.2 * hurt * at_b, tight);
  EXPECT_NEAR(t[2][fig_visits], done, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), done, tight);
  EXPECT_NEAR(outcome(x, Ending::abandoned), 1.0 - done, tight);
  EXPECT_NEAR(x.figures.defection_rate(), 1.0 - done, tight);
  EXPECT_EQ(outcome(x, Ending::unfinished), 0.0);
  EXPECT_FALSE(x.quadrature);
  EXPECT_LE(x.residual, 1e-12);
}

TEST(ExactSolver, OneUnreliableTouchpointAbandonsOnItsFailures) {
  const Journey j({touchpoint("a", 0.8), terminal("done")}, {edge(0, 1)}, 0);
  const auto x = solve_exact(j, Population({failing_hurts(0.5)}));
  const double abandoned = 0.2 * (1.0 - std::exp(-0.5));
  EXPECT_NEAR(x.figures.touchpoints[0][fig_abandoned], abandoned, tight);
  EXPECT_NEAR(x.figures.touchpoints[0][fig_abandoned_by + 0], abandoned, tight);
  EXPECT_NEAR(x.figures.touchpoints[0][fig_abandoned_by + 1], 0.0, tight);
  EXPECT_NEAR(x.figures.touchpoints[0][fig_friction + 0], 0.2 * 0.5, tight);
  EXPECT_NEAR(outcome(x, Ending::abandoned), abandoned, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), 1.0 - abandoned, tight);
}

TEST(ExactSolver, AbandonmentIsSplitByFrictionParts) {
  Touchpoint a = touchpoint("a", 0.0);
  a.value = 0.2;
  const Journey j({a, terminal("done")}, {edge(0, 1)}, 0);
  Segment s = failing_hurts(0.3);
  s.value_expectation = 0.6;
  s.value_sensitivity = 0.5;  // value part 0.5 * 0.4 = 0.2
  const auto x = solve_exact(j, Population({s}));
  const double quit = 1.0 - std::exp(-0.5);
  const auto& t = x.figures.touchpoints[0];
  EXPECT_NEAR(t[fig_abandoned], quit, tight);
  EXPECT_NEAR(t[fig_abandoned_by + 0], quit * 0.3 / 0.5, tight);
  EXPECT_NEAR(t[fig_abandoned_by + 2], quit * 0.2 / 0.5, tight);
  EXPECT_NEAR(t[fig_friction + 2], 0.2, tight);
}

TEST(ExactSolver, RetryLoopGivesGeometricVisitsAndRepeatsFromTheSecondVisit) {
  // a: fail -> a again, ok -> done. Repeating oneself costs nothing here (b = 0).
  Touchpoint a = touchpoint("a", 0.6);
  a.relevance = 0.25;
  const Journey j({a, terminal("done")}, {edge(0, 0, 1.0, When::fail), edge(0, 1, 1.0, When::ok)}, 0);
  const auto x = solve_exact(j, Population({failing_hurts(0.5)}));
  const double visits = 1.0 / (1.0 - 0.4 * std::exp(-0.5));
  const auto& t = x.figures.touchpoints[0];
  EXPECT_NEAR(t[fig_visits], visits, tight);
  EXPECT_NEAR(t[fig_failures], 0.4 * visits, tight);
  EXPECT_NEAR(t[fig_repeats], 0.75 * (visits - 1.0), tight);
  EXPECT_NEAR(t[fig_abandoned], 0.4 * (1.0 - std::exp(-0.5)) * visits, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), 0.6 * visits, tight);
  EXPECT_NEAR(x.figures.touchpoints[1][fig_visits], 0.6 * visits, tight);
}

TEST(ExactSolver, GuardAvertsExactlyOneFailure) {
  // a sets the guard for sure; b always fails and the guard averts it (so b takes its ok edge);
  // c always fails again, now unguarded.
  Touchpoint a = touchpoint("a");
  a.trust = 1.0;
  const Journey j(
      {a, touchpoint("b", 0.0), touchpoint("c", 0.0), terminal("done"), terminal("lost", Outcome::defected)},
      {edge(0, 1), edge(1, 2, 1.0, When::ok), edge(1, 4, 1.0, When::fail), edge(2, 3)}, 0);
  const auto x = solve_exact(j, Population({calm()}));
  const auto& t = x.figures.touchpoints;
  EXPECT_NEAR(t[1][fig_averted], 1.0, tight);
  EXPECT_NEAR(t[1][fig_failures], 0.0, tight);
  EXPECT_NEAR(t[2][fig_averted], 0.0, tight);
  EXPECT_NEAR(t[2][fig_failures], 1.0, tight);
  EXPECT_NEAR(t[4][fig_visits], 0.0, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), 1.0, tight);
}

// a adds friction 0.5 (a value gap); r may forgive it; done churns silently with lambda = 1.
Journey recovery_journey(double quality, double a_value = 0.0) {
  Touchpoint a = touchpoint("a");
  a.value = a_value;
  Touchpoint r = touchpoint("r");
  r.recovery = quality;
  return Journey({a, r, terminal("done")}, {edge(0, 1), edge(1, 2)}, 0);
}

Segment gap_hurts() {
  Segment s = calm();
  s.value_expectation = 0.5;
  s.value_sensitivity = 1.0;
  s.silent_churn = 1.0;
  return s;
}

TEST(ExactSolver, SilentChurnWithoutForgivenessFollowsTheLoad) {
  const auto x = solve_exact(recovery_journey(0.0), Population({gap_hurts()}));
  const double go_on = std::exp(-0.5);
  EXPECT_NEAR(outcome(x, Ending::abandoned), 1.0 - go_on, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), go_on * std::exp(-0.5), tight);
  EXPECT_NEAR(outcome(x, Ending::silent_churn), go_on * (1.0 - std::exp(-0.5)), tight);
  EXPECT_NEAR(x.figures.touchpoints[1][fig_recoveries], 0.0, tight);
}

TEST(ExactSolver, RecoveryWipesTheLoad) {
  const auto x = solve_exact(recovery_journey(1.0), Population({gap_hurts()}));
  const double go_on = std::exp(-0.5);
  const double f = 0.82;
  EXPECT_NEAR(x.figures.touchpoints[1][fig_recoveries], go_on * f, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), go_on * (f + (1.0 - f) * std::exp(-0.5)), tight);
  EXPECT_NEAR(outcome(x, Ending::silent_churn), go_on * (1.0 - f) * (1.0 - std::exp(-0.5)), tight);
  EXPECT_NEAR(x.figures.defection_rate(), 1.0 - go_on * (f + (1.0 - f) * std::exp(-0.5)), tight);
}

TEST(ExactSolver, RecoveryIsCountedOnlyWhereThereWasLoad) {
  const auto x = solve_exact(recovery_journey(1.0, 1.0), Population({gap_hurts()}));
  EXPECT_NEAR(x.figures.touchpoints[1][fig_recoveries], 0.0, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), 1.0, tight);
}

TEST(ExactSolver, RecoveriesInALoopCountOnlyVisitsThatCarryLoad) {
  // a fails half the time (friction d); r forgives w.p. f; then back to a or done, half each.
  // Visits u0, u1 to a and r0, r1 to r, with zero / positive load:
  //   r0 = u0 / 2, r1 = c1 u1 + c0 u0 (c1 = (1 + e^-d) / 2, c0 = e^-d / 2),
  //   u1 = (1 - f) r1 / 2, u0 = 1 + (r0 + f r1) / 2; recoveries = f r1.
  const double d = 0.8, f = FrictionModel::forgiveness_probability(0.5, false);
  Touchpoint r = touchpoint("r");
  r.recovery = 0.5;
  const Journey j({touchpoint("a", 0.5), r, terminal("done")}, {edge(0, 1), edge(1, 0, 0.5), edge(1, 2, 0.5)}, 0);
  const auto x = solve_exact(j, Population({failing_hurts(d)}));
  const double c1 = (1.0 + std::exp(-d)) / 2.0, c0 = std::exp(-d) / 2.0;
  const double D = 1.0 - (1.0 - f) * c1 / 2.0;
  const double u0 = 1.0 / (1.0 - 0.25 - f * c0 / (2.0 * D));
  const double r1 = u0 * c0 / D, r0 = u0 / 2.0, u1 = (1.0 - f) * r1 / 2.0;
  EXPECT_NEAR(x.figures.touchpoints[0][fig_visits], u0 + u1, tight);
  EXPECT_NEAR(x.figures.touchpoints[1][fig_visits], r0 + r1, tight);
  EXPECT_NEAR(x.figures.touchpoints[1][fig_recoveries], f * r1, tight);
}

TEST(ExactSolver, FrictionAfterTheLastRecoveryStillChurns) {
  // a (0.5) -> r (forgives w.p. 0.82) -> c (0.5) -> done: the load at done is 0.5 after a
  // forgiveness, 1.0 without.
  Touchpoint a = touchpoint("a");
  a.value = 0.0;
  Touchpoint r = touchpoint("r");
  r.recovery = 1.0;
  Touchpoint c = touchpoint("c");
  c.value = 0.0;
  const Journey j({a, r, c, terminal("done")}, {edge(0, 1), edge(1, 2), edge(2, 3)}, 0);
  Segment s = gap_hurts();
  s.silent_churn = 2.0;
  const auto x = solve_exact(j, Population({s}));
  const double reach = std::exp(-1.0);
  const double kept = reach * (0.82 * std::exp(-2.0 * 0.5) + 0.18 * std::exp(-2.0 * 1.0));
  EXPECT_NEAR(outcome(x, Ending::retained), kept, tight);
  EXPECT_NEAR(outcome(x, Ending::silent_churn), reach - kept, tight);
}

TEST(ExactSolver, SilentChurnTerminalChargesTheLoadOfFailures) {
  const Journey j({touchpoint("a", 0.8), terminal("done")}, {edge(0, 1)}, 0);
  Segment s = failing_hurts(0.5);
  s.silent_churn = 2.0;
  const auto x = solve_exact(j, Population({s}));
  const double failed_on = 0.2 * std::exp(-0.5);
  EXPECT_NEAR(outcome(x, Ending::silent_churn), failed_on * (1.0 - std::exp(-1.0)), tight);
  EXPECT_NEAR(outcome(x, Ending::retained), 0.8 + failed_on * std::exp(-1.0), tight);
  EXPECT_NEAR(x.figures.touchpoints[1][fig_visits], 0.8 + failed_on, tight);
}

TEST(ExactSolver, DefectedTerminalIsRoutedDefection) {
  const Journey j({touchpoint("a"), terminal("cancel", Outcome::defected), terminal("done")},
                  {edge(0, 1, 0.3), edge(0, 2, 0.7)}, 0);
  const auto x = solve_exact(j, Population({calm()}));
  EXPECT_NEAR(outcome(x, Ending::routed_defection), 0.3, tight);
  EXPECT_NEAR(outcome(x, Ending::retained), 0.7, tight);
  EXPECT_NEAR(x.figures.touchpoints[1][fig_visits], 0.3, tight);
  EXPECT_NEAR(x.figures.defection_rate(), 0.3, tight);
}

TEST(ExactSolver, StartAtATerminalEndsThere) {
  const Journey j({terminal("done")}, {}, 0);
  const auto x = solve_exact(j, Population({calm()}));
  EXPECT_NEAR(outcome(x, Ending::retained), 1.0, tight);
  EXPECT_NEAR(x.figures.touchpoints[0][fig_visits], 1.0, tight);
}

TEST(ExactSolver, TwoSegmentsAreWeightedByNormalisedShares) {
  const Journey j({touchpoint("a", 0.8), terminal("done")}, {edge(0, 1)}, 0);
  Segment one = failing_hurts(0.5);
  one.name = "one";
  one.share = 3.0;
  Segment two = failing_hurts(2.0);
  two.name = "two";
  two.share = 1.0;
  const auto x = solve_exact(j, Population({one, two}));
  const double d1 = 0.2 * (1.0 - std::exp(-0.5)), d2 = 0.2 * (1.0 - std::exp(-2.0));
  ASSERT_EQ(x.figures.segments.size(), 2u);
  EXPECT_NEAR(x.figures.segments[0].share, 0.75, tight);
  EXPECT_NEAR(x.figures.segments[1].share, 0.25, tight);
  EXPECT_NEAR(x.figures.segments[0].defection_rate, d1, tight);
  EXPECT_NEAR(x.figures.segments[1].defection_rate, d2, tight);
  EXPECT_NEAR(x.figures.defection_rate(), 0.75 * d1 + 0.25 * d2, tight);
  EXPECT_NEAR(x.figures.touchpoints[0][fig_friction + 0], 0.2 * (0.75 * 0.5 + 0.25 * 2.0), tight);
}

// E[1 - exp(-m D)] for m ~ Gamma(1/h^2, h^2): 1 - (1 + D h^2)^(-1/h^2).
double gamma_abandonment(double delta, double h) {
  return 1.0 - std::pow(1.0 + delta * h * h, -1.0 / (h * h));
}

class Heterogeneity : public ::testing::TestWithParam<double> {};

TEST_P(Heterogeneity, AlwaysFailingTouchpointMatchesTheGammaClosedForm) {
  const double h = GetParam(), delta = 0.7, lambda = 1.5;
  const Journey j({touchpoint("a", 0.0), terminal("done")}, {edge(0, 1)}, 0);
  Segment s = failing_hurts(delta);
  s.heterogeneity = h;
  s.silent_churn = lambda;
  const auto x = solve_exact(j, Population({s}));
  const double k = 1.0 / (h * h);
  // Survivors carry load m D: retained with probability E[exp(-(1 + lambda) m D)].
  const double reach = std::pow(1.0 + delta * h * h, -k);
  const double kept = std::pow(1.0 + (1.0 + lambda) * delta * h * h, -k);
  EXPECT_TRUE(x.quadrature);
  EXPECT_GE(x.quadrature_nodes, 32);
  EXPECT_LT(x.quadrature_change, 1e-10);
  EXPECT_NEAR(outcome(x, Ending::abandoned), gamma_abandonment(delta, h), 1e-9);
  EXPECT_NEAR(outcome(x, Ending::retained), kept, 1e-9);
  EXPECT_NEAR(outcome(x, Ending::silent_churn), reach - kept, 1e-9);
  EXPECT_NEAR(x.figures.touchpoints[0][fig_friction + 0], delta, 1e-9);  // E[m] = 1
}

INSTANTIATE_TEST_SUITE_P(ExactSolver, Heterogeneity, ::testing::Values(0.05, 0.3, 0.5, 1.0, 2.0, 4.0));

TEST(ExactSolver, MultiplierQuadratureHasMeanOneAndVarianceHSquared) {
  for (const double h : {0.05, 0.3, 1.0, 2.0}) {
    const auto q = multiplier_quadrature(h, 32);
    double w = 0.0, mean = 0.0, second = 0.0;
    for (std::size_t i = 0; i < q.weight.size(); ++i) {
      w += q.weight[i];
      mean += q.weight[i] * q.multiplier[i];
      second += q.weight[i] * q.multiplier[i] * q.multiplier[i];
    }
    EXPECT_NEAR(w, 1.0, 1e-12) << h;
    EXPECT_NEAR(mean, 1.0, 1e-10) << h;
    EXPECT_NEAR(second - mean * mean, h * h, 1e-10) << h;
  }
}

TEST(ExactSolver, TanhSinhRuleIntegratesFastChangingFunctionsOfTheMultiplier) {
  // E[e^{-b m}] = (1 + b h^2)^(-1/h^2); b h^2 = 81 defeats 128-node Gauss-Laguerre.
  for (const double h : {0.3, 1.0, 3.0}) {
    const auto q = multiplier_tanh_sinh(h, 6);
    for (const double b : {0.0, 1.0, 9.0}) {
      double sum = 0.0;
      for (std::size_t i = 0; i < q.weight.size(); ++i) sum += q.weight[i] * std::exp(-b * q.multiplier[i]);
      EXPECT_NEAR(sum, std::pow(1.0 + b * h * h, -1.0 / (h * h)), 1e-12) << "h " << h << " b " << b;
    }
  }
}

TEST(ExactSolver, LargeHeterogeneityFallsBackToTanhSinh) {
  const double h = 3.0, delta = 9.0;
  const Journey j({touchpoint("a", 0.0), terminal("done")}, {edge(0, 1)}, 0);
  Segment s = failing_hurts(delta);
  s.heterogeneity = h;
  const auto x = solve_exact(j, Population({s}));
  EXPECT_EQ(x.quadrature_rule, "tanh-sinh");
  EXPECT_LT(x.quadrature_change, 1e-10);
  EXPECT_NEAR(outcome(x, Ending::abandoned), gamma_abandonment(delta, h), 1e-9);
}

TEST(ExactSolver, TanhSinhStoppedEarlyAgreesWithItsFinestRuleOnGeneratedJourneys) {
  // h = 2 skips Gauss-Laguerre, reuses every point across levels and stops on the extrapolated
  // error: the figures must still be those of the finest rule (level 7) to 1e-9.
  const auto all = test::scenarios();
  for (std::size_t n = 0; n < 12; ++n) {
    const Journey& j = all[n].journey;
    std::vector<Segment> segs(all[n].population.segments().begin(), all[n].population.segments().end());
    for (auto& g : segs) g.heterogeneity = 2.0;
    const Population p(segs);
    const ExactSolution x = solve_exact(j, p);
    EXPECT_EQ(x.quadrature_rule, "tanh-sinh");
    const auto finest = multiplier_tanh_sinh(2.0, 7);
    double share_sum = 0.0;
    for (const auto& g : segs) share_sum += g.share;
    Figures reference;
    reference.touchpoints.assign(j.size(), TouchpointFigures{});
    for (std::size_t s = 0; s < segs.size(); ++s) {
      SegmentChain chain(j, s, segs[s]);
      double residual = 0.0;
      for (std::size_t i = 0; i < finest.weight.size(); ++i) {
        const Figures f = chain.solve(finest.multiplier[i], residual);
        const double w = finest.weight[i] * segs[s].share / share_sum;
        for (int e = 0; e < ending_count; ++e) reference.outcomes[e] += w * f.outcomes[e];
        for (std::size_t k = 0; k < j.size(); ++k)
          for (int f2 = 0; f2 < touchpoint_figure_count; ++f2) reference.touchpoints[k][f2] += w * f.touchpoints[k][f2];
      }
    }
    for (int e = 0; e < ending_count; ++e) EXPECT_NEAR(x.figures.outcomes[e], reference.outcomes[e], 1e-9) << n;
    for (std::size_t k = 0; k < j.size(); ++k)
      for (int f = 0; f < touchpoint_figure_count; ++f)
        EXPECT_NEAR(x.figures.touchpoints[k][f], reference.touchpoints[k][f],
                    1e-9 * std::max(1.0, std::fabs(reference.touchpoints[k][f])))
            << "journey " << n << " touchpoint " << k << " " << figure_name(f);
  }
}

TEST(ExactSolver, ModerateHeterogeneityUsesGaussLaguerre) {
  const Journey j({touchpoint("a", 0.0), terminal("done")}, {edge(0, 1)}, 0);
  Segment s = failing_hurts(0.7);
  s.heterogeneity = 0.3;
  EXPECT_EQ(solve_exact(j, Population({s})).quadrature_rule, "gauss-laguerre");
}

TEST(ExactSolver, LoopWithoutFrictionOrExitThrows) {
  // a -> b (half) or done (half); b <-> c forever, frictionless.
  const Journey j({touchpoint("a"), touchpoint("b"), touchpoint("c"), terminal("done")},
                  {edge(0, 1, 0.5), edge(0, 3, 0.5), edge(1, 2), edge(2, 1)}, 0);
  EXPECT_THROW(solve_exact(j, Population({calm()})), SolverError);
  try {
    solve_exact(j, Population({calm()}));
  } catch (const SolverError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("loop customers can never leave"), std::string::npos) << what;
    EXPECT_NE(what.find("'b'"), std::string::npos) << what;
  }
}

TEST(ExactSolver, FrictionInALoopMakesItLeavable) {
  // The same loop, but c always fails and failing hurts: customers leave by abandoning.
  const Journey j({touchpoint("a"), touchpoint("b"), touchpoint("c", 0.0), terminal("done")},
                  {edge(0, 1, 0.5), edge(0, 3, 0.5), edge(1, 2), edge(2, 1)}, 0);
  const auto x = solve_exact(j, Population({failing_hurts(1.0)}));
  EXPECT_NEAR(outcome(x, Ending::abandoned), 0.5, tight);
  // visits to c: 0.5 * (1 + e^-1 + e^-2 + ...)
  EXPECT_NEAR(x.figures.touchpoints[2][fig_visits], 0.5 / (1.0 - std::exp(-1.0)), tight);
}

TEST(ExactSolver, TransitionFlowsAddUpToTheVisitsOfWhereTheyLead) {
  const auto all = test::scenarios();
  for (std::size_t n = 0; n < 30; ++n) {
    const auto& [j, p] = all[n];
    const ExactSolution x = solve_exact(j, p);
    ASSERT_EQ(x.figures.transitions.size(), j.transitions().size());
    std::vector<double> arriving(j.size(), 0.0);
    arriving[j.start()] = 1.0;
    for (std::size_t e = 0; e < j.transitions().size(); ++e) {
      EXPECT_GE(x.figures.transitions[e], 0.0);
      arriving[j.transitions()[e].to] += x.figures.transitions[e];
    }
    for (std::size_t k = 0; k < j.size(); ++k)
      EXPECT_NEAR(arriving[k], x.figures.touchpoints[k][fig_visits], 1e-10) << "journey " << n << " touchpoint " << k;
  }
}

}  // namespace
}  // namespace cxsim
