// The Monte Carlo engine and the exact solver against each other on randomly generated journeys.
//
// Tolerances: every figure must agree within 5 standard errors of the Monte Carlo estimate
// (binomial for shares, batch means for per-customer means, each with a floor of 1/n), at fixed
// seeds (journey generator and Monte Carlo), so the test is deterministic.
#include "sim/engine_agreement.hpp"

#include "random_journeys.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <bit>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace cxsim {
namespace {

// Deliberately wrong models, each breaking one rule of a visit.
struct RelevanceOnFirstVisit : FrictionModel {
  static constexpr bool can_repeat(bool) { return true; }
};
struct GuardNeverAverts : FrictionModel {
  static constexpr ReliabilityOutcome reliability(bool fail_draw, bool guard) { return {fail_draw, false, guard}; }
};
struct GuardIsNotUsedUp : FrictionModel {
  static constexpr ReliabilityOutcome reliability(bool fail_draw, bool guard) {
    return fail_draw && guard ? ReliabilityOutcome{false, true, true} : ReliabilityOutcome{fail_draw, false, guard};
  }
};
struct ValueGapBothWays : FrictionModel {
  static double value_gap(double expectation, double value) { return std::fabs(expectation - value); }
};
struct MultiplierIgnored : FrictionModel {
  static FrictionParts friction(const Segment& s, double, bool failed, bool repeated, double gap, double effort) {
    return FrictionModel::friction(s, 1.0, failed, repeated, gap, effort);
  }
};
struct EffortPerMinuteNotPerHour : FrictionModel {
  static FrictionParts friction(const Segment& s, double m, bool failed, bool repeated, double gap, double effort) {
    return FrictionModel::friction(s, m, failed, repeated, gap, effort * 60.0);
  }
};
struct EffortBlamedOnValue : FrictionModel {
  static FrictionParts friction(const Segment& s, double m, bool failed, bool repeated, double gap, double effort) {
    FrictionParts f = FrictionModel::friction(s, m, failed, repeated, gap, effort);
    f.part[2] += f.part[3];
    f.part[3] = 0.0;
    return f;
  }
};
struct AbandonTwiceAsOften : FrictionModel {
  static double abandonment_probability(double delta) { return -std::expm1(-2.0 * delta); }
  static constexpr bool probabilities_below_hazard = false;  // 1 - e^-2x can exceed x
};
struct ForgiveAfterFailures : FrictionModel {
  static double forgiveness_probability(double q, bool) { return FrictionModel::forgiveness_probability(q, false); }
};
struct TrustReplacesTheGuard : FrictionModel {
  static constexpr bool guard_after_trust(bool, bool trust_draw) { return trust_draw; }
};
struct FailuresTakeTheOkRoute : FrictionModel {
  static constexpr bool takes_fail_route(bool) { return false; }
};
struct HalfTheSilentChurn : FrictionModel {
  static double silent_churn_probability(double lambda, double load) {
    return FrictionModel::silent_churn_probability(lambda / 2.0, load);
  }
};
struct EveryRoutedDefectionIsTheRoute : FrictionModel {
  static constexpr int routed_cause(bool) { return route_cause; }
};

using test::Dice;
using test::random_scenario;
using test::RandomScenario;
using test::scenarios;

std::string describe(const Agreement& a) {
  std::ostringstream out;
  if (const FigureCheck* w = a.worst())
    out << "worst: " << w->figure << " monte carlo " << w->monte_carlo << " exact " << w->exact << " se "
        << w->standard_error << " z " << w->z;
  return out.str();
}

TEST(EngineAgreement, RandomJourneysAgreeWithinFiveStandardErrors) {
  const auto all = scenarios();
  WalkSettings settings;
  settings.seed = 7;
  std::size_t figures = 0;
  bool heterogeneous = false;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& sc = all[i];
    const ExactSolution exact = solve_exact(sc.journey, sc.population);
    heterogeneous = heterogeneous || exact.quadrature;
    const Agreement a = compare_engines(sc.journey, sc.population, settings, 20000, exact);
    figures += a.checks.size();
    EXPECT_TRUE(a.agrees(5.0)) << "journey " << i << ": " << describe(a);
  }
  EXPECT_TRUE(heterogeneous);
  EXPECT_GT(figures, 100u * 10u);
  const auto routed =
      std::count_if(all.begin(), all.end(), [](const RandomScenario& sc) { return sc.journey.has_segment_routes(); });
  EXPECT_GE(routed, 15) << "segment routes are part of the property test";
}

TEST(EngineAgreement, WrongModelIsCaughtOnEveryJourneyWhereRelevanceMatters) {
  const auto all = scenarios();
  WalkSettings settings;
  settings.seed = 7;
  int relevant = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& sc = all[i];
    // The wrong model differs only on the first visit, at the start: it matters where the start
    // can make customers repeat themselves.
    if (sc.journey.relevance()[sc.journey.start()] > 0.95) continue;
    ++relevant;
    const ExactSolution exact = solve_exact(sc.journey, sc.population);
    const Agreement a = compare_engines<RelevanceOnFirstVisit>(sc.journey, sc.population, settings, 20000, exact);
    EXPECT_FALSE(a.agrees(5.0)) << "journey " << i << " did not catch the wrong model: " << describe(a);
  }
  EXPECT_GE(relevant, 60);
}

// True when some generated journey tells the wrong model from the exact solver.
template <class Wrong>
bool caught(const std::vector<RandomScenario>& all, std::string& where) {
  WalkSettings settings;
  settings.seed = 11;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const ExactSolution exact = solve_exact(all[i].journey, all[i].population);
    const Agreement a = compare_engines<Wrong>(all[i].journey, all[i].population, settings, 20000, exact);
    if (!a.agrees(5.0)) {
      where = "journey " + std::to_string(i) + ": " + describe(a);
      return true;
    }
  }
  return false;
}

TEST(EngineAgreement, BreakingAnySingleRuleOfAVisitIsCaught) {
  const auto all = scenarios();
  std::string where;
  EXPECT_TRUE(caught<GuardNeverAverts>(all, where));
  EXPECT_TRUE(caught<GuardIsNotUsedUp>(all, where));
  EXPECT_TRUE(caught<ValueGapBothWays>(all, where));
  EXPECT_TRUE(caught<EffortPerMinuteNotPerHour>(all, where));
  EXPECT_TRUE(caught<EffortBlamedOnValue>(all, where));
  EXPECT_TRUE(caught<MultiplierIgnored>(all, where));
  EXPECT_TRUE(caught<AbandonTwiceAsOften>(all, where));
  EXPECT_TRUE(caught<ForgiveAfterFailures>(all, where));
  EXPECT_TRUE(caught<TrustReplacesTheGuard>(all, where));
  EXPECT_TRUE(caught<FailuresTakeTheOkRoute>(all, where));
  EXPECT_TRUE(caught<HalfTheSilentChurn>(all, where));
  EXPECT_TRUE(caught<EveryRoutedDefectionIsTheRoute>(all, where)) << "attribution is compared too";
}

TEST(EngineAgreement, MonteCarloTalliesAreBitIdenticalOnOneAndTwoThreads) {
  const auto all = scenarios();
  WalkSettings settings;
  settings.seed = 99;
  tbb::task_arena one(1), two(2);
  for (std::size_t i = 0; i < 5; ++i) {
    const auto& sc = all[i];
    Tally a, b;
    one.execute([&] { a = simulate_customers(sc.journey, sc.population, settings, 0, 30000); });
    two.execute([&] { b = simulate_customers(sc.journey, sc.population, settings, 0, 30000); });
    test::expect_identical(a, b);
  }
}

TEST(EngineAgreement, ChecksNameEveryFigure) {
  const auto all = scenarios();
  const auto& sc = all[0];
  const ExactSolution exact = solve_exact(sc.journey, sc.population);
  const Agreement a = compare_engines(sc.journey, sc.population, WalkSettings{}, 2000, exact, 10);
  std::vector<std::string> names;
  for (const auto& c : a.checks) names.push_back(c.figure);
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  EXPECT_TRUE(has("defection_rate"));
  EXPECT_TRUE(has("outcomes.retained"));
  EXPECT_TRUE(has("outcomes.silent_churn"));
  EXPECT_TRUE(has("abandonment_by_cause.value"));
  EXPECT_TRUE(has("defections_by_cause.route"));
  // Every figure of the field table, for every touchpoint, terminals included.
  for (const char* id : {"t0", "done"})
    for (int f = 0; f < touchpoint_figure_count; ++f)
      EXPECT_TRUE(has(std::string("touchpoints.") + id + "." + figure_name(f))) << id << " " << figure_name(f);
  EXPECT_TRUE(has("touchpoints.t0.friction.value"));
  EXPECT_TRUE(has("touchpoints.t0.silent"));
  EXPECT_TRUE(has("segments.s0.defection_rate"));
  for (const auto& c : a.checks) EXPECT_GT(c.standard_error, 0.0) << c.figure;
}

}  // namespace
}  // namespace cxsim
