// `compare`: a baseline and its redesigns walked on common random numbers. Statistical tests use
// fixed seeds and hold estimates to the exact differences within 5 standard errors; the coverage
// test allows the binomial spread of a coverage estimate.
#include <tbb/task_arena.h>

#include <cmath>

#include "analysis/compare_arms.hpp"
#include "io/comparison.hpp"
#include "random_journeys.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

ComparisonArm arm(std::string name, Journey j, Population p, std::optional<double> cost = std::nullopt) {
  ScenarioModel m;
  m.variant = name;
  m.journey = std::move(j);
  m.population = std::move(p);
  return ComparisonArm{std::move(name), "Test", std::move(m), cost};
}

Journey two_step(double r_first, double r_second) {
  return Journey({touchpoint("A", r_first, 0.7), touchpoint("B", r_second, 0.6), retained("done"), defected("cancel")},
                 {{0, 1, 0.9, When::any}, {0, 3, 0.1, When::any}, {1, 2, 1.0, When::any}}, 0);
}

Population people() {
  return Population({segment(0.6, 0.3, 0.0, 0.0, 0.8, 0.0, 0.6, "x"), segment(1.0, 0.1, 0.0, 0.0, 0.4, 0.0, 0.4, "y")});
}

ComparisonInput input(std::vector<ComparisonArm> arms, std::uint64_t customers, std::uint64_t seed = 3) {
  ComparisonInput in;
  in.arms = std::move(arms);
  in.settings.customers = customers;
  in.settings.walk.seed = seed;
  return in;
}

TEST(PairedComparison, IdenticalArmsDifferByExactlyZero) {
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
  arms.push_back(arm("same", two_step(0.8, 0.7), people()));
  const ComparisonResult r = compare_arms(input(std::move(arms), 20000));
  const auto& v = r.variants.at(0);
  EXPECT_EQ(v.defection.difference, 0.0);
  EXPECT_EQ(v.defection.ci95.lo, 0.0);
  EXPECT_EQ(v.defection.ci95.hi, 0.0);
  EXPECT_EQ(v.defection.p_value, 1.0);
  EXPECT_EQ(v.defection.discordant.baseline_only + v.defection.discordant.variant_only, 0u);
  for (const auto& t : v.touchpoints) EXPECT_EQ(t.difference.difference, 0.0) << t.id;
  EXPECT_EQ(v.verdict, "not distinguishable");
}

TEST(PairedComparison, ARedesignOnlyMovesTheCustomersItTouches) {
  // B changes; customers who leave at A (abandoning, or sent to cancel) never reach B, so they
  // leave at A in both arms, customer for customer.
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
  arms.push_back(arm("better_b", two_step(0.8, 0.95), people()));
  const ComparisonResult r = compare_arms(input(std::move(arms), 50000));
  const auto& v = r.variants.at(0);
  const TouchpointTally& before = r.reports[0].tally->touchpoints[0];
  const TouchpointTally& after = r.reports[1].tally->touchpoints[0];
  EXPECT_GT(before[fig_abandoned], 100u);
  EXPECT_EQ(before[fig_abandoned], after[fig_abandoned]);
  EXPECT_EQ(before[fig_routed], after[fig_routed]);
  EXPECT_EQ(before[fig_visits], after[fig_visits]);
  EXPECT_LT(v.defection.difference, 0.0);
  EXPECT_EQ(v.verdict, "better");
}

TEST(PairedComparison, SameFiguresOnOneAndTwoThreads) {
  std::vector<Arm> arms;
  const Journey a = two_step(0.8, 0.7), b = two_step(0.9, 0.7);
  const Population p = people();
  arms.push_back({&a, &p, {0, 1, 2, 3}});
  arms.push_back({&b, &p, {0, 1, 2, 3}});
  WalkSettings w;
  w.seed = 9;
  PairedTally one, two;
  tbb::task_arena(1).execute([&] { one = simulate_paired(arms, 4, w, 0, 30000); });
  tbb::task_arena(2).execute([&] { two = simulate_paired(arms, 4, w, 0, 30000); });
  EXPECT_TRUE(one == two);
}

TEST(PairedComparison, EachArmWalksAsItWouldAlone) {
  std::vector<Arm> arms;
  const Journey a = two_step(0.8, 0.7), b = two_step(0.9, 0.5);
  const Population p = people();
  arms.push_back({&a, &p, {0, 1, 2, 3}});
  arms.push_back({&b, &p, {0, 1, 2, 3}});
  WalkSettings w;
  w.seed = 4;
  const PairedTally t = simulate_paired(arms, 4, w, 0, 10000);
  expect_identical(t.arms[0], simulate_customers(a, p, w, 0, 10000));
  expect_identical(t.arms[1], simulate_customers(b, p, w, 0, 10000));
}

// A redesign of a generated journey: one touchpoint's attributes move, sometimes a segment's
// sensitivity too.
RandomScenario redesign(const RandomScenario& sc, Dice& dice) {
  std::vector<Touchpoint> tps(sc.journey.touchpoints().begin(), sc.journey.touchpoints().end());
  std::vector<Transition> edges(sc.journey.transitions().begin(), sc.journey.transitions().end());
  std::size_t k = dice.pick(0, tps.size() - 1);
  while (sc.journey.is_terminal(k)) k = (k + 1) % tps.size();
  tps[k].reliability = std::min(1.0, tps[k].reliability + dice.uniform(0.0, 0.3));
  tps[k].relevance = std::min(1.0, tps[k].relevance + dice.uniform(0.0, 0.3));
  tps[k].value = dice.uniform(0.0, 1.0);
  std::vector<Segment> segs(sc.population.segments().begin(), sc.population.segments().end());
  if (dice.chance(0.3)) segs[0].reliability_sensitivity *= 0.5;
  const std::size_t n = segs.size();
  return RandomScenario{Journey(std::move(tps), std::move(edges), 0, n), Population(std::move(segs))};
}

TEST(PairedComparison, DifferencesAgreeWithExactDifferencesOnGeneratedJourneys) {
  const auto all = scenarios();
  Dice dice(77);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < 50; ++i) {
    std::vector<ComparisonArm> arms;
    const RandomScenario changed = redesign(all[i], dice);
    arms.push_back(arm("baseline", all[i].journey, all[i].population));
    arms.push_back(arm("redesign", changed.journey, changed.population));
    const ComparisonResult r = compare_arms(input(std::move(arms), 20000, 100 + i));
    const auto& v = r.variants.at(0);
    ASSERT_TRUE(v.defection.exact) << "journey " << i;
    EXPECT_LE(std::fabs(v.defection.z_vs_exact), 5.0) << "journey " << i << " defection rate";
    for (int e = 0; e < ending_count; ++e)
      EXPECT_LE(std::fabs(v.outcomes[e].z_vs_exact), 5.0) << "journey " << i << " " << ending_names[e];
    for (const auto& t : v.touchpoints)
      EXPECT_LE(std::fabs(t.difference.z_vs_exact), 5.0) << "journey " << i << " " << t.id;
    for (const auto& s : v.segments) {
      if (s.customers > 0) {
        EXPECT_LE(std::fabs(s.difference.z_vs_exact), 5.0) << "journey " << i << " " << s.name;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 50u);
}

TEST(PairedComparison, IntervalCoversTheExactDifferenceAtTheNominalRate) {
  // 400 independent seeds; the share of 95% intervals that hold the exact difference has a
  // binomial standard error of sqrt(0.95 * 0.05 / 400) = 0.011: allow 4 of them.
  const int runs = 400;
  int covered = 0;
  double exact = 0.0;
  for (int seed = 0; seed < runs; ++seed) {
    std::vector<ComparisonArm> arms;
    arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
    arms.push_back(arm("redesign", two_step(0.85, 0.75), people()));
    const ComparisonResult r = compare_arms(input(std::move(arms), 4000, 1000 + static_cast<std::uint64_t>(seed)));
    const auto& d = r.variants.at(0).defection;
    exact = *d.exact;
    covered += d.ci95.lo <= exact && exact <= d.ci95.hi;
  }
  const double coverage = static_cast<double>(covered) / runs;
  EXPECT_NEAR(coverage, 0.95, 4 * std::sqrt(0.95 * 0.05 / runs)) << "exact difference " << exact;
}

TEST(PairedComparison, EconomicsTurnTheDifferenceIntoMoney) {
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
  arms.push_back(arm("redesign", two_step(0.95, 0.7), people(), 25000.0));
  ComparisonInput in = input(std::move(arms), 20000);
  in.economics = Economics{120000, 850, "EUR", {}};
  const ComparisonResult r = compare_arms(in);
  const auto& v = r.variants.at(0);
  ASSERT_TRUE(v.value);
  const double d = v.defection.difference, lo = v.defection.ci95.lo, hi = v.defection.ci95.hi;
  EXPECT_DOUBLE_EQ(v.value->defections_avoided, -d * 120000);
  EXPECT_DOUBLE_EQ(v.value->defections_avoided_ci95.lo, -hi * 120000);
  EXPECT_DOUBLE_EQ(v.value->value_kept, -d * 120000 * 850);
  EXPECT_DOUBLE_EQ(v.value->net_benefit, -d * 120000 * 850 - 25000);
  EXPECT_DOUBLE_EQ(v.value->net_benefit_ci95.hi, -lo * 120000 * 850 - 25000);
}

TEST(PairedComparison, NetPresentValueDiscountsEachYearAndTakesTheOneOffCost) {
  EXPECT_DOUBLE_EQ(annuity_factor(1, 0.08), 1.0);
  EXPECT_DOUBLE_EQ(annuity_factor(3, 0.0), 3.0);
  EXPECT_NEAR(annuity_factor(3, 0.1), 1.0 + 1.0 / 1.1 + 1.0 / 1.21, 1e-15);
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
  arms.push_back(arm("redesign", two_step(0.95, 0.7), people(), 25000.0));
  arms.back().one_off_cost = 400000.0;
  ComparisonInput in = input(std::move(arms), 20000);
  Economics e{120000, 850, "EUR", {}};
  e.horizon_years = 3;
  e.discount_rate = 0.1;
  in.economics = e;
  const ComparisonResult r = compare_arms(in);
  const RedesignValue& v = *r.variants.at(0).value;
  const double a = 1.0 + 1.0 / 1.1 + 1.0 / 1.21;
  ASSERT_TRUE(v.npv && v.npv_exact && v.net_benefit_exact);
  EXPECT_NEAR(*v.npv, a * v.net_benefit - 400000.0, 1e-6);
  EXPECT_NEAR(v.npv_ci95.lo, a * v.net_benefit_ci95.lo - 400000.0, 1e-6);
  // The exact money is the exact difference priced the same way.
  const double exact = *r.variants.at(0).defection.exact;
  EXPECT_NEAR(*v.net_benefit_exact, -exact * 120000 * 850 - 25000, 1e-6);
  EXPECT_NEAR(*v.npv_exact, a * *v.net_benefit_exact - 400000.0, 1e-6);
}

TEST(PairedComparison, TheMoneyVerdictIsItsOwnIntervals) {
  // One redesign that pays, one whose cost swamps it, one too small to tell at 2,000 customers.
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
  arms.push_back(arm("pays", two_step(0.99, 0.7), people(), 0.0));
  arms.push_back(arm("dear", two_step(0.99, 0.7), people(), 1e9));
  arms.push_back(arm("tiny", two_step(0.801, 0.7), people(), 0.0));
  ComparisonInput in = input(std::move(arms), 2000);
  in.economics = Economics{1000, 100, "", {}};
  const ComparisonResult r = compare_arms(in);
  for (const auto& v : r.variants) {
    const RedesignValue& m = *v.value;
    const std::string expected = m.net_benefit_ci95.lo > 0   ? "pays"
                                 : m.net_benefit_ci95.hi < 0 ? "does not pay"
                                                             : "cannot tell at this precision";
    EXPECT_EQ(m.verdict, expected) << v.name;
  }
  EXPECT_EQ(r.variants[0].value->verdict, "pays");
  EXPECT_EQ(r.variants[1].value->verdict, "does not pay");
  EXPECT_EQ(r.variants[1].verdict, "better") << "fewer defections, and still not worth it";
  EXPECT_EQ(r.variants[2].value->verdict, "cannot tell at this precision");
}

TEST(PairedComparison, RanksByNetBenefitWhenThereAreEconomics) {
  // The bigger improvement costs more than it is worth: it ranks second.
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", two_step(0.8, 0.7), people()));
  arms.push_back(arm("big_but_dear", two_step(0.99, 0.7), people(), 1e9));
  arms.push_back(arm("small_and_cheap", two_step(0.85, 0.7), people(), 0.0));
  ComparisonInput in = input(std::move(arms), 20000);
  in.economics = Economics{1000, 100, "", {}};
  const ComparisonResult r = compare_arms(in);
  EXPECT_EQ(r.variants[r.ranking[0]].name, "small_and_cheap");
  in.economics.reset();
  const ComparisonResult plain = compare_arms(in);
  EXPECT_EQ(plain.variants[plain.ranking[0]].name, "big_but_dear") << "without economics: by effect";
}

TEST(Statistics, PairedDifferenceFromDiscordantCounts) {
  const PairedDifference d = paired_difference(30, 10, 1000);
  EXPECT_DOUBLE_EQ(d.difference, -0.02);
  EXPECT_NEAR(d.standard_error, 0.006296001877353567, 1e-15);
  EXPECT_NEAR(d.p_value, 0.0022214337732293643, 1e-12) << "McNemar's exact test";
  EXPECT_NEAR(d.ci95.lo, -0.02 - z95 * 0.006296001877353567, 1e-15);
}

TEST(Statistics, HolmAndBonferroniMatchHandComputedValues) {
  const std::vector<double> p{0.01, 0.04, 0.03, 0.005};
  const auto holm = adjust_p_values(p, Adjustment::holm);
  // Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04, made monotone.
  EXPECT_DOUBLE_EQ(holm[3], 0.02);
  EXPECT_DOUBLE_EQ(holm[0], 0.03);
  EXPECT_DOUBLE_EQ(holm[2], 0.06);
  EXPECT_DOUBLE_EQ(holm[1], 0.06);
  const auto bonferroni = adjust_p_values(p, Adjustment::bonferroni);
  EXPECT_DOUBLE_EQ(bonferroni[0], 0.04);
  EXPECT_DOUBLE_EQ(bonferroni[1], 0.16);
  EXPECT_DOUBLE_EQ(bonferroni[2], 0.12);
  EXPECT_DOUBLE_EQ(bonferroni[3], 0.02);
  EXPECT_EQ(adjust_p_values({0.6, 0.5}, Adjustment::bonferroni), (std::vector<double>{1.0, 1.0})) << "capped at 1";
  EXPECT_EQ(adjust_p_values(p, Adjustment::none), p);
}

}  // namespace
}  // namespace cxsim
