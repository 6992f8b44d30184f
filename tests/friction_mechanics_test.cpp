// The model's mechanics on tiny journeys whose answers follow by hand. Monte Carlo at fixed
// seeds; shares must lie within 5 binomial standard errors of the derived value.
#include <cmath>

#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;
constexpr std::uint64_t N = 200000;

TEST(FrictionMechanics, FailedVisitAbandonsWithOneMinusExpOfSensitivity) {
  // r = 0.8, a = 0.5: abandonment 0.2 (1 - e^-0.5) at the one touchpoint.
  Journey j({touchpoint("visit", 0.8), retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  Population p({segment(0.5)});
  const Figures f = figures_of(simulate(j, p, N));
  const double expected = 0.2 * (1.0 - std::exp(-0.5));
  expect_share_near(f.outcome(Ending::abandoned), expected, N, "abandoned");
  expect_share_near(f.touchpoints[0][fig_failures], 0.2, N, "failures");
  EXPECT_NEAR(f.touchpoints[0][fig_abandoned_by + 0], f.touchpoints[0][fig_abandoned], 1e-12)
      << "all of it is reliability friction";
}

TEST(FrictionMechanics, GuardAvertsExactlyOneFailure) {
  // A arms the guard for sure; B and C always fail. B's failure is averted, C's is not.
  Journey j({touchpoint("A", 1, 1, 1, 1.0), touchpoint("B", 0.0), touchpoint("C", 0.0), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}, {2, 3, 1.0, When::any}}, 0);
  Population p({segment(0.0)});
  const Tally t = simulate(j, p, 1000);
  EXPECT_EQ(t.touchpoints[1][fig_averted], 1000u);
  EXPECT_EQ(t.touchpoints[1][fig_failures], 0u);
  EXPECT_EQ(t.touchpoints[2][fig_averted], 0u);
  EXPECT_EQ(t.touchpoints[2][fig_failures], 1000u);
}

TEST(FrictionMechanics, AvertedFailureTakesTheOkTransitions) {
  // B always fails, but the guard from A averts it: every customer leaves B on the ok edge.
  Journey j({touchpoint("A", 1, 1, 1, 1.0), touchpoint("B", 0.0), retained("good"), defected("bad")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::ok}, {1, 3, 1.0, When::fail}}, 0);
  const Tally t = simulate(j, Population({segment(0.0)}), 1000);
  EXPECT_EQ(t.touchpoints[2][fig_visits], 1000u);
  EXPECT_EQ(t.touchpoints[3][fig_visits], 0u);
}

TEST(FrictionMechanics, RelevanceOnlyFromTheSecondVisitOn) {
  // Relevance 0 everywhere: the first visit of the journey never repeats, every later one does.
  Journey j({touchpoint("A", 1, 0.0), touchpoint("B", 1, 0.0), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Tally t = simulate(j, Population({segment(0.0)}), 1000);
  EXPECT_EQ(t.touchpoints[0][fig_repeats], 0u);
  EXPECT_EQ(t.touchpoints[1][fig_repeats], 1000u);
}

TEST(FrictionMechanics, RepeatingOneselfAbandonsWithRelevanceSensitivity) {
  // Second visit repeats with probability 1 - l = 0.4, then abandons w.p. 1 - e^-b, b = 0.7.
  Journey j({touchpoint("A"), touchpoint("B", 1, 0.6), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Figures f = figures_of(simulate(j, Population({segment(0.0, 0.7)}), N));
  expect_share_near(f.outcome(Ending::abandoned), 0.4 * (1 - std::exp(-0.7)), N, "abandoned");
  expect_share_near(f.touchpoints[1][fig_repeats], 0.4, N, "repeats");
}

TEST(FrictionMechanics, ValueGapAgainstTheSegmentExpectation) {
  // gap = max(0, e - v) = 0.5; c = 0.8: abandonment 1 - e^-0.4 at A; B (value above e) is free.
  Journey j({touchpoint("A", 1, 1, 0.3), touchpoint("B", 1, 1, 0.95), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Figures f = figures_of(simulate(j, Population({segment(0.0, 0.0, 0.8, 0.8)}), N));
  expect_share_near(f.touchpoints[0][fig_abandoned], 1 - std::exp(-0.4), N, "abandoned at A");
  EXPECT_EQ(f.touchpoints[1][fig_abandoned], 0.0);
}

TEST(FrictionMechanics, AbandonmentIsSplitByShareOfFriction) {
  // Every visit to B fails (a = 0.3) and repeats (b = 0.1): 3/4 reliability, 1/4 relevance.
  Journey j({touchpoint("A"), touchpoint("B", 0.0, 0.0), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Figures f = figures_of(simulate(j, Population({segment(0.3, 0.1)}), 20000));
  const auto& b = f.touchpoints[1];
  ASSERT_GT(b[fig_abandoned], 0.0);
  EXPECT_NEAR(b[fig_abandoned_by + 0], 0.75 * b[fig_abandoned], 1e-12);
  EXPECT_NEAR(b[fig_abandoned_by + 1], 0.25 * b[fig_abandoned], 1e-12);
}

TEST(FrictionMechanics, SilentChurnAtARetainedTerminalFollowsTheLoad) {
  // Load 0.5 from A's value gap (if not abandoned); λ = 1.2: churn 1 - e^-0.6 of those who arrive.
  Journey j({touchpoint("A", 1, 1, 0.0), retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  const Figures f = figures_of(simulate(j, Population({segment(0, 0, 0.5, 1.0, 1.2)}), N));
  const double arrive = std::exp(-0.5);
  expect_share_near(f.outcome(Ending::silent_churn), arrive * (1 - std::exp(-0.6)), N, "silent churn");
  expect_share_near(f.outcome(Ending::retained), arrive * std::exp(-0.6), N, "retained");
}

TEST(FrictionMechanics, RecoveryWipesTheLoad) {
  // A adds load 0.5; R (q = 1) forgives w.p. 0.82 and then nothing is left to churn on.
  Journey j({touchpoint("A", 1, 1, 0.0), touchpoint("R", 1, 1, 1, 0, 1.0), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Figures f = figures_of(simulate(j, Population({segment(0, 0, 0.5, 1.0, 1.0)}), N));
  const double arrive = std::exp(-0.5);
  expect_share_near(f.outcome(Ending::silent_churn), arrive * 0.18 * (1 - std::exp(-0.5)), N, "churn");
  expect_share_near(f.touchpoints[1][fig_recoveries], arrive * 0.82, N, "recoveries");
}

TEST(FrictionMechanics, NoRecoveryCountedWithoutLoad) {
  // Nothing adds friction, so forgiveness has nothing to wipe: no recovery is counted.
  Journey j({touchpoint("A"), touchpoint("R", 1, 1, 1, 0, 1.0), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Tally t = simulate(j, Population({segment(0.5)}), 1000);
  EXPECT_EQ(t.touchpoints[1][fig_recoveries], 0u);
}

TEST(FrictionMechanics, FailedVisitAtARecoveryPointIsNotForgiven) {
  // R always fails (a = 0, so no abandonment): forgiveness needs a visit that worked.
  Journey j({touchpoint("A", 1, 1, 0.0), touchpoint("R", 0.0, 1, 1, 0, 1.0), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Tally t = simulate(j, Population({segment(0, 0, 0.5, 1.0, 1.0)}), 1000);
  EXPECT_EQ(t.touchpoints[1][fig_recoveries], 0u);
}

TEST(FrictionMechanics, FailEdgesRouteFailedVisits) {
  Journey j({touchpoint("A", 0.3), retained("good"), defected("bad")}, {{0, 1, 1.0, When::ok}, {0, 2, 1.0, When::fail}},
            0);
  const Figures f = figures_of(simulate(j, Population({segment(0.0)}), N));
  expect_share_near(f.outcome(Ending::routed_defection), 0.7, N, "routed defection");
  EXPECT_DOUBLE_EQ(f.touchpoints[2][fig_visits], f.outcome(Ending::routed_defection));
}

TEST(FrictionMechanics, WalksLongerThanMaxStepsAreUnfinished) {
  // A loops on itself forever: after max_steps visits every customer is unfinished.
  Journey j({touchpoint("A")}, {{0, 0, 1.0, When::any}}, 0);
  const Tally t = simulate(j, Population({segment(0.0)}), 100, 7, 10);
  EXPECT_EQ(t.endings[static_cast<int>(Ending::unfinished)], 100u);
  EXPECT_EQ(t.touchpoints[0][fig_visits], 1000u);
}

TEST(FrictionMechanics, TerminalArrivalIsNotCountedByMaxSteps) {
  // Exactly max_steps visits, then the terminal: the customer finishes.
  Journey j({touchpoint("A"), touchpoint("B"), retained("done")}, {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Tally t = simulate(j, Population({segment(0.0)}), 100, 7, 2);
  EXPECT_EQ(t.endings[static_cast<int>(Ending::retained)], 100u);
}

TEST(FrictionMechanics, HeterogeneousCustomersAbandonByTheGammaMixture) {
  // E[1 - e^{-mΔ}] for m ~ Gamma(1/h², h²) is 1 - (1 + Δh²)^(-1/h²).
  const double h = 0.8, delta = 0.9;
  Journey j({touchpoint("A", 0.0), retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  const Figures f = figures_of(simulate(j, Population({segment(delta, 0, 0, 0, 0, h)}), N));
  const double expected = 1.0 - std::pow(1.0 + delta * h * h, -1.0 / (h * h));
  expect_share_near(f.outcome(Ending::abandoned), expected, N, "abandoned");
}

TEST(FrictionMechanics, SegmentsGetTheirShareOfCustomers) {
  Journey j({touchpoint("A", 0.5), retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  Population p({segment(0.0, 0, 0, 0, 0, 0, 0.3, "calm"), segment(2.0, 0, 0, 0, 0, 0, 0.7, "touchy")});
  const Figures f = figures_of(simulate(j, p, N));
  expect_share_near(f.segments[0].share, 0.3, N, "share of calm");
  EXPECT_EQ(f.segments[0].defection_rate, 0.0);
  expect_share_near(f.segments[1].defection_rate, 0.5 * (1 - std::exp(-2.0)), static_cast<std::uint64_t>(0.7 * N),
                    "touchy defection");
}

}  // namespace
}  // namespace cxsim
