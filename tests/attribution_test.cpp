// Every defection has one touchpoint and one cause: hand-derived blames on tiny journeys, for
// the exact solver (to 1e-12) and the Monte Carlo engine (within 5 binomial standard errors at a
// fixed seed), and the bookkeeping that makes blames add up to the defection count per customer.
#include <numeric>
#include <cmath>

#include "sim/exact_solver.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;
constexpr std::uint64_t N = 400000;

Figures exact(const Journey& j, const Population& p) {
  return solve_exact(j, p).figures;
}

TEST(Attribution, RoutedDefectionIsBlamedOnTheVisitThatRoutedIt) {
  // A fails 30% of the time and sends failures to cancel; nobody abandons (a = 0).
  Journey j({touchpoint("A", 0.7), retained("done"), defected("cancel")},
            {{0, 1, 1.0, When::ok}, {0, 2, 1.0, When::fail}}, 0);
  const Figures f = exact(j, Population({segment(0.0)}));
  EXPECT_NEAR(f.touchpoints[0][fig_routed], 0.3, 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_cause + 0], 0.3, 1e-12) << "a failed visit routes through reliability";
  EXPECT_NEAR(f.touchpoints[0][fig_cause + route_cause], 0.0, 1e-12);
  EXPECT_EQ(f.touchpoints[2][fig_routed], 0.0) << "the defected ending itself is never blamed";
  EXPECT_EQ(f.touchpoints[2].defections(), 0.0);
}

// Model v1.3: a 30-minute visit and an effort sensitivity of 0.4 per hour: friction 0.2 at every
// visit, whatever else happens; abandonment 1 - e^-0.2, all of it blamed on effort. The survivors
// carry load 0.2 into `done` and churn silently with 1 - e^-(lambda 0.2), the last straw the visit.
TEST(Attribution, EffortIsFrictionPricedPerHourAndBlamedOnEffort) {
  Touchpoint wait = touchpoint("wait");
  wait.effort_minutes = 30.0;
  Journey j({wait, retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  Segment s = segment(0.0, 0, 0, 0, /*lambda=*/0.5);
  s.effort_sensitivity = 0.4;
  const Population p({s});
  const double quit = 1 - std::exp(-0.2), silent = std::exp(-0.2) * (1 - std::exp(-0.5 * 0.2));
  const Figures f = exact(j, p);
  EXPECT_NEAR(f.outcome(Ending::abandoned), quit, 1e-12);
  EXPECT_NEAR(f.outcome(Ending::silent_churn), silent, 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_abandoned_by + static_cast<int>(Friction::effort)], quit, 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_cause + static_cast<int>(Friction::effort)], quit + silent, 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_friction + static_cast<int>(Friction::effort)], 0.2, 1e-12);
  const Figures mc = figures_of(simulate(j, p, N));
  expect_share_near(mc.touchpoints[0][fig_cause + static_cast<int>(Friction::effort)], quit + silent, N,
                    "effort cause");
  expect_share_near(mc.outcome(Ending::abandoned), quit, N, "abandoned");
}

TEST(Attribution, WithoutAnEffortSensitivityMinutesChangeNothing) {
  Touchpoint wait = touchpoint("wait", 0.7);
  wait.effort_minutes = 90.0;
  const Population p({segment(0.5, 0, 0, 0, 0.3)});
  const Figures with = exact(Journey({wait, retained("done")}, {{0, 1, 1.0, When::any}}, 0), p);
  const Figures without = exact(Journey({touchpoint("wait", 0.7), retained("done")}, {{0, 1, 1.0, When::any}}, 0), p);
  EXPECT_EQ(with.defection_rate(), without.defection_rate());
  EXPECT_EQ(with.touchpoints[0][fig_cause + static_cast<int>(Friction::effort)], 0.0);
}

TEST(Attribution, RoutedDefectionAfterAVisitThatWorkedIsTheRoutesFault) {
  Journey j({touchpoint("A"), retained("done"), defected("cancel")}, {{0, 1, 0.6, When::any}, {0, 2, 0.4, When::any}},
            0);
  const Figures f = exact(j, Population({segment(0.0)}));
  EXPECT_NEAR(f.touchpoints[0][fig_cause + route_cause], 0.4, 1e-12);
  const Figures mc = figures_of(simulate(j, Population({segment(0.0)}), N));
  expect_share_near(mc.touchpoints[0][fig_cause + route_cause], 0.4, N, "route cause");
  expect_share_near(mc.touchpoints[0][fig_routed], 0.4, N, "routed");
}

TEST(Attribution, AnAvertedFailureThatRoutesAwayIsTheRoutesFault) {
  // T arms the guard for sure; B would always fail, the guard averts it, and B's ok edge cancels.
  Journey j({touchpoint("T", 1, 1, 1, 1.0), touchpoint("B", 0.0), defected("cancel"), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::ok}, {1, 3, 1.0, When::fail}}, 0);
  const Figures f = exact(j, Population({segment(0.5)}));
  EXPECT_NEAR(f.touchpoints[1][fig_cause + route_cause], 1.0, 1e-12);
  EXPECT_NEAR(f.touchpoints[1][fig_cause + 0], 0.0, 1e-12);
}

// Two unreliable visits then a retained ending: the load is a per failure, patience T ~ Exp(lambda).
struct TwoFailures {
  double r = 0.5, a = 0.4, lambda = 1.0;
  Journey journey() const {
    return Journey({touchpoint("A", r), touchpoint("B", r), retained("done")},
                   {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  }
  Population population() const { return Population({segment(a, 0, 0, 0, lambda)}); }
  // A fails and the customer stays (load a), crossing T there; B cannot undo it.
  double blame_a() const {
    const double pf = 1 - r, stay = std::exp(-a);
    return pf * stay * (1 - std::exp(-lambda * a)) * (r + pf * stay);
  }
  // B fails and the customer stays, with T between the load before and after it.
  double blame_b() const {
    const double pf = 1 - r, stay = std::exp(-a), cross = 1 - std::exp(-lambda * a);
    return pf * stay * (r * cross + pf * stay * std::exp(-lambda * a) * cross);
  }
};

TEST(Attribution, SilentChurnIsBlamedOnTheLastStraw) {
  const TwoFailures c;
  const Figures f = exact(c.journey(), c.population());
  EXPECT_NEAR(f.touchpoints[0][fig_silent], c.blame_a(), 1e-12);
  EXPECT_NEAR(f.touchpoints[1][fig_silent], c.blame_b(), 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_silent] + f.touchpoints[1][fig_silent], f.outcome(Ending::silent_churn), 1e-12)
      << "the blames telescope to the silent churn";
  EXPECT_NEAR(f.touchpoints[0][fig_cause + 0], c.blame_a() + f.touchpoints[0][fig_abandoned], 1e-12)
      << "all of it reliability friction";
}

TEST(Attribution, MonteCarloBlamesTheLastStrawAsTheExactSolverDoes) {
  const TwoFailures c;
  const Figures f = figures_of(simulate(c.journey(), c.population(), N));
  expect_share_near(f.touchpoints[0][fig_silent], c.blame_a(), N, "A");
  expect_share_near(f.touchpoints[1][fig_silent], c.blame_b(), N, "B");
}

TEST(Attribution, AForgivenVisitIsNeverTheLastStraw) {
  // A fails (load a); R forgives with 0.82 (q = 1), starting a new episode; then B.
  const double r = 0.5, a = 0.4, lambda = 1.0, f = 0.82;
  Journey j({touchpoint("A", r), touchpoint("R", 1, 1, 1, 0, 1.0), touchpoint("B", r), retained("done")},
            {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}, {2, 3, 1.0, When::any}}, 0);
  const Population p({segment(a, 0, 0, 0, lambda)});
  const double pf = 1 - r, stay = std::exp(-a), cross = 1 - std::exp(-lambda * a);
  const double blame_a = pf * stay * cross * (1 - f) * (r + pf * stay);
  // B meets load 0 unless A failed, the customer stayed and R did not forgive.
  const double loaded = pf * stay * (1 - f), empty = 1 - pf + pf * stay * f;
  const double blame_b = pf * stay * (empty * cross + loaded * std::exp(-lambda * a) * cross);
  const Figures x = exact(j, p);
  EXPECT_NEAR(x.touchpoints[0][fig_silent], blame_a, 1e-12);
  EXPECT_EQ(x.touchpoints[1][fig_silent], 0.0);
  EXPECT_NEAR(x.touchpoints[2][fig_silent], blame_b, 1e-12);
  const Figures mc = figures_of(simulate(j, p, N));
  expect_share_near(mc.touchpoints[0][fig_silent], blame_a, N, "A");
  expect_share_near(mc.touchpoints[2][fig_silent], blame_b, N, "B");
  EXPECT_EQ(mc.touchpoints[1][fig_silent], 0.0);
}

TEST(Attribution, SilentChurnCausesFollowTheLastStrawsFrictionParts) {
  // One visit with a failure (a) and a value gap (c * gap): its silent churn splits a : c * gap.
  const double a = 0.3, c = 0.6, e = 0.9, v = 0.4, lambda = 2.0;
  Journey j({touchpoint("A", 0.0, 1, v), retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  const Figures f = exact(j, Population({segment(a, 0, c, e, lambda)}));
  const double delta = a + c * (e - v);
  const double silent = std::exp(-delta) * (1 - std::exp(-lambda * delta));
  EXPECT_NEAR(f.touchpoints[0][fig_silent], silent, 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_cause + 0], silent * a / delta + f.touchpoints[0][fig_abandoned_by + 0], 1e-12);
  EXPECT_NEAR(f.touchpoints[0][fig_cause + 2], silent * c * (e - v) / delta + f.touchpoints[0][fig_abandoned_by + 2],
              1e-12);
}

// A journey with every kind of ending: abandonment, routed defection and silent churn, with
// loops, trust and a recovery point.
Journey every_ending() {
  return Journey({touchpoint("A", 0.7, 0.5, 0.5, 0.3), touchpoint("B", 0.6, 0.4, 0.8, 0, 0.5), retained("done"),
                  defected("cancel")},
                 {{0, 1, 0.8, When::any},
                  {0, 0, 0.2, When::any},
                  {1, 2, 0.7, When::any},
                  {1, 3, 0.2, When::any},
                  {1, 0, 0.1, When::any}},
                 0);
}

TEST(Attribution, BlamesAddUpToTheDefectionCountForEveryCustomer) {
  const Journey j = every_ending();
  const Population p({segment(0.6, 0.4, 0.5, 0.7, 1.2, 0.5)});
  const Tally t = simulate(j, p, 50000);
  std::uint64_t blamed = 0;
  FixedUnits units = 0;
  for (const auto& k : t.touchpoints) {
    blamed += k[fig_abandoned] + k[fig_routed] + k[fig_silent];
    for (int c = 0; c < cause_count; ++c) units += k.real[fig_cause + c - touchpoint_count_figures].units();
  }
  EXPECT_GT(t.defections(), 1000u);
  EXPECT_EQ(blamed, t.defections());
  EXPECT_TRUE(units == static_cast<FixedUnits>(t.defections()) * fixed_one) << "causes share each defection exactly";
  EXPECT_EQ(t.touchpoints[2].total(fig_silent) + t.touchpoints[3].total(fig_routed), 0.0) << "endings get 0";
}

TEST(Attribution, ExactBlamesSumToTheDefectionRate) {
  const Journey j = every_ending();
  for (const double h : {0.0, 0.7}) {
    const Figures f = exact(j, Population({segment(0.6, 0.4, 0.5, 0.7, 1.2, h)}));
    double blamed = 0.0;
    for (const auto& t : f.touchpoints) blamed += t.defections();
    const auto causes = f.defections_by_cause();
    EXPECT_NEAR(blamed, f.defection_rate(), 1e-12) << "h = " << h;
    EXPECT_NEAR(std::accumulate(causes.begin(), causes.end(), 0.0), f.defection_rate(), 1e-12) << "h = " << h;
  }
}

}  // namespace
}  // namespace cxsim
