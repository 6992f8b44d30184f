// Money that means something (issue 23): value lost where customers leave (value_by_stage), cost
// to serve inside the net benefit, redesign against redesign, whole-file arms with their own
// costs. Every figure is held to a hand computation; estimates to the exact figures by z-scores
// at fixed seeds.
#include <tbb/task_arena.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "analysis/compare_arms.hpp"
#include "io/comparison.hpp"
#include "io/money.hpp"
#include "sim/exact_solver.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

// A (stage buy, cost 10) fails with probability 1 - r; a failure costs friction a, so the customer
// abandons there with probability 1 - e^-a. Then 20% are sent to `cancel` (defected, stage renew,
// cost 2), 80% go through B (stage use, cost 4, frictionless) to `done` (retained, stage renew),
// where a customer with load a churns silently with probability 1 - e^-(lambda a).
constexpr double a_hazard = 0.5, lambda = 0.8;

Journey shop(double r) {
  Touchpoint A = touchpoint("A", r), B = touchpoint("B"), done = retained("done"), cancel = defected("cancel");
  A.stage = "buy";
  A.cost = 10.0;
  B.stage = "use";
  B.cost = 4.0;
  done.stage = "renew";
  cancel.stage = "renew";
  cancel.cost = 2.0;
  return Journey({A, B, done, cancel}, {{0, 1, 0.8, When::any}, {0, 3, 0.2, When::any}, {1, 2, 1.0, When::any}}, 0);
}

Population shoppers() {
  return Population({segment(a_hazard, 0.0, 0.0, 0.0, lambda)});
}

// Hand computation of where customers leave and what they cost.
struct Hand {
  double abandoned, routed, churned, cost_to_serve;
  double loss(double buy, double renew) const { return buy * abandoned + renew * (routed + churned); }
};
Hand by_hand(double r) {
  const double quit = 1.0 - std::exp(-a_hazard);
  Hand h;
  h.abandoned = (1.0 - r) * quit;
  const double walk_on = 1.0 - h.abandoned;
  h.routed = 0.2 * walk_on;
  h.churned = 0.8 * (1.0 - r) * std::exp(-a_hazard) * (1.0 - std::exp(-lambda * a_hazard));
  h.cost_to_serve = 10.0 + 4.0 * 0.8 * walk_on + 2.0 * 0.2 * walk_on;
  return h;
}

Economics money(bool by_stage) {
  Economics e{1000.0, 500.0, "EUR", {}};
  if (by_stage) e.value_by_stage = {{"buy", 100.0}, {"renew", 1000.0}};
  return e;
}

ComparisonArm arm(std::string name, double r, std::optional<double> cost = std::nullopt) {
  ScenarioModel m;
  m.variant = name;
  m.journey = shop(r);
  m.population = shoppers();
  return ComparisonArm{std::move(name), "Shop", std::move(m), cost};
}

ComparisonInput input(std::vector<ComparisonArm> arms, std::uint64_t customers, std::optional<Economics> e) {
  ComparisonInput in;
  in.arms = std::move(arms);
  in.settings.customers = customers;
  in.settings.walk.seed = 11;
  in.economics = std::move(e);
  return in;
}

// |estimate - exact| within 5 standard errors (the 95% half-width / 1.96).
void expect_within_noise(double estimate, const Interval& ci, double exact, const char* what) {
  const double se = ci.half_width() / z95;
  EXPECT_LE(std::fabs(estimate - exact), 5.0 * se + 1e-9) << what << ": estimate " << estimate << ", exact " << exact;
}

TEST(MoneyByStage, ExactSharesLeavingEachStageMatchTheHandComputation) {
  const Hand h = by_hand(0.7);
  const Journey j = shop(0.7);
  const ExactSolution x = solve_exact(j, shoppers());
  ASSERT_EQ(x.figures.silent_churn_at.size(), j.size());
  EXPECT_NEAR(x.figures.silent_churn_at[2], h.churned, 1e-12);
  EXPECT_EQ(x.figures.silent_churn_at[3], 0.0);
  const auto stages = leaving_by_stage(x.figures, j);
  ASSERT_EQ(stages.size(), 3u);
  EXPECT_EQ(stages[0].first, "buy");
  EXPECT_NEAR(stages[0].second, h.abandoned, 1e-12);
  EXPECT_EQ(stages[1].first, "use");
  EXPECT_NEAR(stages[1].second, 0.0, 1e-12);
  EXPECT_EQ(stages[2].first, "renew");
  EXPECT_NEAR(stages[2].second, h.routed + h.churned, 1e-12);
  // Where customers leave adds up to the defection rate.
  EXPECT_NEAR(stages[0].second + stages[1].second + stages[2].second, x.figures.defection_rate(), 1e-12);
  EXPECT_NEAR(expected_loss(x.figures, j, money(true)), h.loss(100.0, 1000.0), 1e-9);
  EXPECT_NEAR(expected_loss(x.figures, j, money(false)), 500.0 * x.figures.defection_rate(), 1e-9);
  EXPECT_NEAR(per_customer(x.figures, j).cost_to_serve.value(), h.cost_to_serve, 1e-12);
}

TEST(MoneyByStage, SilentChurnByEndingSumsToSilentChurnWithHeterogeneityAndForgiveness) {
  // Two retained endings, a recovery point, heterogeneous customers: the split by ending still
  // adds up to the solver's silent churn.
  Touchpoint A = touchpoint("A", 0.6, 0.5), R = touchpoint("R", 0.8, 0.5, 1.0, 0.0, 0.6);
  const Journey j({A, R, retained("d1"), retained("d2"), defected("x")},
                  {{0, 1, 0.5, When::any},
                   {0, 2, 0.4, When::any},
                   {0, 4, 0.1, When::any},
                   {1, 3, 0.7, When::any},
                   {1, 0, 0.3, When::any}},
                  0);
  const Population p({segment(0.7, 0.4, 0.0, 0.0, 0.9, 0.8)});
  const ExactSolution x = solve_exact(j, p);
  const double split = x.figures.silent_churn_at[2] + x.figures.silent_churn_at[3];
  EXPECT_GT(x.figures.silent_churn_at[2], 0.0);
  EXPECT_GT(x.figures.silent_churn_at[3], 0.0);
  EXPECT_NEAR(split, x.figures.outcome(Ending::silent_churn), 1e-9);
}

TEST(MoneyByStage, ValueKeptFollowsWhereCustomersLeave) {
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", 0.7));
  arms.push_back(arm("better_a", 0.9, 20000.0));
  const ComparisonInput in = input(std::move(arms), 200000, money(true));
  const ComparisonResult r = compare_arms(in);
  const RedesignValue& v = *r.variants.at(0).value;
  const Hand b = by_hand(0.7), d = by_hand(0.9);
  const double kept = 1000.0 * (b.loss(100.0, 1000.0) - d.loss(100.0, 1000.0));
  ASSERT_TRUE(v.value_kept_exact);
  EXPECT_NEAR(*v.value_kept_exact, kept, 1e-6);
  expect_within_noise(v.value_kept, v.value_kept_ci95, kept, "value kept");
  // Priced at a flat value it would differ: the stages matter.
  EXPECT_GT(
      std::fabs(kept - 1000.0 * 500.0 * (b.abandoned + b.routed + b.churned - d.abandoned - d.routed - d.churned)),
      10.0 * v.value_kept_ci95.half_width());
}

TEST(CostToServe, NetBenefitIncludesTheChangeInCostToServe) {
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", 0.7));
  arms.push_back(arm("better_a", 0.9, 20000.0));
  const ComparisonInput in = input(std::move(arms), 200000, money(true));
  const ComparisonResult r = compare_arms(in);
  const RedesignValue& v = *r.variants.at(0).value;
  const Hand b = by_hand(0.7), d = by_hand(0.9);
  const double kept = 1000.0 * (b.loss(100.0, 1000.0) - d.loss(100.0, 1000.0));
  const double serve = 1000.0 * (d.cost_to_serve - b.cost_to_serve);  // more customers walk on: it costs more
  EXPECT_GT(serve, 0.0);
  ASSERT_TRUE(v.cost_to_serve_change && v.cost_to_serve_change_exact && v.net_benefit_exact);
  EXPECT_NEAR(*v.cost_to_serve_change_exact, serve, 1e-6);
  EXPECT_NEAR(*v.net_benefit_exact, kept - serve - 20000.0, 1e-6);
  expect_within_noise(*v.cost_to_serve_change, v.cost_to_serve_change_ci95, serve, "cost to serve change");
  expect_within_noise(v.net_benefit, v.net_benefit_ci95, kept - serve - 20000.0, "net benefit");
  // The three terms, in the sum and in the output.
  EXPECT_NEAR(v.net_benefit, v.value_kept - *v.cost_to_serve_change - 20000.0, 1e-6 * std::fabs(v.value_kept));
  EXPECT_EQ(v.terms,
            (std::vector<std::string>{"value_kept_per_year", "cost_to_serve_change_per_year", "cost_per_year"}));
  const auto j = to_json(r);
  EXPECT_EQ(j["variants"][0]["economics"]["currency"], "EUR");
  EXPECT_EQ(j["variants"][0]["economics"]["basis"], "per year");
  EXPECT_NEAR(j["baseline"]["cost_to_serve_per_customer_exact"].get<double>(), b.cost_to_serve, 1e-12);
  EXPECT_NEAR(j["baseline"]["leaving_by_stage_exact"]["buy"].get<double>(), b.abandoned, 1e-12);
}

TEST(CostToServe, UnknownOnOneSideIsLeftOutWithAReason) {
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", 0.7));
  arms.push_back(arm("no_costs", 0.9, 0.0));
  // The redesign's journey gives no cost anywhere.
  std::vector<Touchpoint> tps(arms.back().model.journey.touchpoints().begin(),
                              arms.back().model.journey.touchpoints().end());
  for (auto& t : tps) t.cost.reset();
  arms.back().model.journey = Journey(tps, {{0, 1, 0.8, When::any}, {0, 3, 0.2, When::any}, {1, 2, 1.0, When::any}}, 0);
  const ComparisonInput in = input(std::move(arms), 5000, money(false));
  const ComparisonResult r = compare_arms(in);
  const RedesignValue& v = *r.variants.at(0).value;
  EXPECT_FALSE(v.cost_to_serve_change);
  EXPECT_NE(v.cost_to_serve_missing.find("'no_costs' gives no touchpoint a cost"), std::string::npos);
  EXPECT_EQ(v.terms, (std::vector<std::string>{"value_kept_per_year", "cost_per_year"}));
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || w == v.cost_to_serve_missing;
  EXPECT_TRUE(warned);
  EXPECT_TRUE(to_json(r)["variants"][0]["economics"]["cost_to_serve_change_per_year"].is_null());
}

TEST(CostToServe, MoneyFiguresAreTheSameOnOneAndTwoThreads) {
  const auto run = [](int threads) {
    std::vector<ComparisonArm> arms;
    arms.push_back(arm("baseline", 0.7));
    arms.push_back(arm("b", 0.9, 100.0));
    arms.push_back(arm("c", 0.8, 50.0));
    tbb::task_arena arena(threads);
    return arena.execute([&] { return compare_arms(input(std::move(arms), 30000, money(true))); });
  };
  const ComparisonResult one = run(1), two = run(2);
  for (std::size_t i = 0; i < one.variants.size(); ++i) {
    EXPECT_TRUE(same_bits(one.variants[i].value->net_benefit, two.variants[i].value->net_benefit));
    EXPECT_TRUE(same_bits(one.variants[i].value->net_benefit_ci95.lo, two.variants[i].value->net_benefit_ci95.lo));
    EXPECT_TRUE(same_bits(one.variants[i].value->value_kept, two.variants[i].value->value_kept));
  }
  EXPECT_TRUE(
      same_bits(one.pairs.at(0).net_benefit_difference.value(), two.pairs.at(0).net_benefit_difference.value()));
}

TEST(RedesignPairs, ExactDifferenceIsTheDifferenceOfExactFigures) {
  std::vector<ComparisonArm> arms;
  arms.push_back(arm("baseline", 0.7));
  arms.push_back(arm("b", 0.9, 100.0));
  arms.push_back(arm("c", 0.8, 50.0));
  arms.push_back(arm("d", 0.75, 10.0));
  const ComparisonInput in = input(std::move(arms), 40000, money(true));
  const ComparisonResult r = compare_arms(in);
  ASSERT_EQ(r.pairs.size(), 3u);
  const std::vector<std::pair<std::string, std::string>> order{{"b", "c"}, {"b", "d"}, {"c", "d"}};
  const std::vector<std::pair<std::size_t, std::size_t>> index{{1, 2}, {1, 3}, {2, 3}};
  std::vector<double> p;
  for (std::size_t i = 0; i < 3; ++i) {
    const PairComparison& pc = r.pairs[i];
    EXPECT_EQ(pc.a, order[i].first);
    EXPECT_EQ(pc.b, order[i].second);
    const auto [ia, ib] = index[i];
    ASSERT_TRUE(pc.defection.exact);
    EXPECT_EQ(*pc.defection.exact, r.exact[ia]->figures.defection_rate() - r.exact[ib]->figures.defection_rate());
    // On the same customers, a - b is (a - baseline) - (b - baseline), customer for customer.
    EXPECT_NEAR(pc.defection.difference,
                r.variants[ia - 1].defection.difference - r.variants[ib - 1].defection.difference, 1e-12);
    EXPECT_LE(std::fabs(pc.defection.z_vs_exact), 5.0);
    const RedesignValue &va = *r.variants[ia - 1].value, &vb = *r.variants[ib - 1].value;
    EXPECT_NEAR(*pc.net_benefit_difference, va.net_benefit - vb.net_benefit, 1e-6 * (1.0 + std::fabs(va.net_benefit)));
    EXPECT_NEAR(*pc.net_benefit_difference_exact, *va.net_benefit_exact - *vb.net_benefit_exact, 1e-9);
    expect_within_noise(*pc.net_benefit_difference, pc.net_benefit_difference_ci95, *pc.net_benefit_difference_exact,
                        "net benefit a - b");
    p.push_back(pc.defection.p_value);
  }
  const auto adjusted = adjust_p_values(p, Adjustment::holm);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(r.pairs[i].p_adjusted, adjusted[i]);
  const auto j = to_json(r);
  ASSERT_EQ(j["pairs"].size(), 3u);
  EXPECT_EQ(j["pairs"][0]["a"], "b");
  EXPECT_TRUE(j["pairs"][0].contains("difference_ci95"));
  EXPECT_TRUE(j["pairs"][0].contains("exact_difference"));
  EXPECT_NE(j["pairs_adjust"].get<std::string>().find("holm over the 3 pairs"), std::string::npos);
}

// ---- whole files as arms, through the command ----

const char* kShop =
    "name: %s\n"
    "journey:\n"
    "  start: A\n"
    "  touchpoints:\n"
    "    - {id: A, reliability: %s, relevance: 1, value: 1, trust: 0, stage: buy, cost: 10}\n"
    "    - {id: done, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained, stage: renew}\n"
    "    - {id: cancel, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: defected, stage: renew}\n"
    "  transitions:\n"
    "    - {from: A, to: done, probability: 0.8}\n"
    "    - {from: A, to: cancel, probability: 0.2}\n"
    "segments:\n"
    "  - {name: s, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, silent_churn: 0}\n"
    "simulation: {customers: 5000, seed: 3}\n"
    "%s";

std::string shop_file(const char* name, const char* r, const char* tail) {
  char buf[4096];
  std::snprintf(buf, sizeof buf, kShop, name, r, tail);
  return buf;
}

TEST(WholeFileArms, CarryTheirOwnCostsAndDescription) {
  ScratchDir dir;
  const std::string base =
      dir.write("base.yaml", shop_file("Shop", "0.7",
                                       "economics: {customers_per_year: 1000, value_per_customer: 500, "
                                       "currency: EUR, value_by_stage: {renew: 900}}\n"));
  const std::string fix = dir.write("fix.yaml", shop_file("Fixed shop", "0.9",
                                                          "redesign: {description: A reliable first step, "
                                                          "cost_per_year: 1234, one_off_cost: 50}\n"));
  const Result res = cxsim("compare " + base + " " + fix + " --format json");
  ASSERT_EQ(res.code, 0) << res.err;
  const auto j = nlohmann::json::parse(res.out);
  const auto& v = j["variants"][0];
  EXPECT_EQ(v["name"], "Fixed shop");
  EXPECT_EQ(v["description"], "A reliable first step");
  EXPECT_EQ(v["economics"]["cost_per_year"].get<double>(), 1234.0);
  EXPECT_EQ(v["economics"]["one_off_cost"].get<double>(), 50.0);
  EXPECT_EQ(j["economics"]["value_by_stage"]["renew"].get<double>(), 900.0);
}

TEST(WholeFileArms, MoneyThatCannotBeComputedIsNullWithAReasonAndAWarning) {
  ScratchDir dir;
  const std::string base = dir.write("base.yaml", shop_file("Shop", "0.7", ""));
  const std::string fix = dir.write("fix.yaml", shop_file("Fixed shop", "0.9", "redesign: {cost_per_year: 1234}\n"));
  const Result res = cxsim("compare " + base + " " + fix + " --format json");
  ASSERT_EQ(res.code, 0) << res.err;
  const auto j = nlohmann::json::parse(res.out);
  ASSERT_TRUE(j.contains("economics"));
  EXPECT_TRUE(j["economics"].is_null());
  EXPECT_NE(j["economics_unavailable"].get<std::string>().find("no 'economics' block"), std::string::npos);
  EXPECT_TRUE(j["variants"][0]["economics"].is_null());
  EXPECT_NE(res.err.find("warning: no money figures"), std::string::npos) << res.err;
}

TEST(ValueByStage, AStageNoTouchpointHasIsAnErrorAtItsLine) {
  ScratchDir dir;
  const std::string base = dir.write(
      "base.yaml", shop_file("Shop", "0.7",
                             "economics:\n  customers_per_year: 1000\n  value_per_customer: 500\n  value_by_stage:\n"
                             "    renew: 900\n    renewal: 100\n"));
  const Result res = cxsim("compare " + base + " " + base + " --format json");
  EXPECT_EQ(res.code, 2);
  EXPECT_NE(res.err.find("base.yaml:19:"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("renewal"), std::string::npos) << res.err;
  EXPECT_TRUE(res.out.empty());
}

}  // namespace
}  // namespace cxsim
