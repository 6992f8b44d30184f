// The uncertainty of the assumptions (issue 23): ranges that are points give the point results;
// the mean net benefit and P(pays) agree, within Monte Carlo error, with an independent sampling
// of the same ranges priced by hand; the same figures on any thread count; every range error at
// its line.
#include <tbb/task_arena.h>

#include <cmath>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "analysis/compare_arms.hpp"
#include "cli_support.hpp"
#include "io/assumptions.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

// A (stage buy, cost 10, reliability r) fails with probability 1 - r, a failure costs friction
// a, and the customer abandons with probability 1 - e^-a. Then a share pc goes to `cancel`
// (defected, cost 2), the rest through B (cost 4) to `done` (retained), where a customer with
// load a churns silently with probability 1 - e^-(0.8 a). `fix` makes A reliable, `route` sends
// fewer customers to cancel.
std::string shop(const std::string& inputs) {
  return "name: Shop\n"
         "journey:\n"
         "  start: A\n"
         "  touchpoints:\n"
         "    - {id: A, reliability: 0.7, relevance: 1, value: 1, trust: 0, stage: buy, cost: 10}\n"
         "    - {id: B, reliability: 1, relevance: 1, value: 1, trust: 0, stage: use, cost: 4}\n"
         "    - {id: done, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained, stage: renew}\n"
         "    - {id: cancel, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: defected, stage: renew, cost: "
         "2}\n"
         "  transitions:\n"
         "    - {from: A, to: B, probability: 0.8}\n"
         "    - {from: A, to: cancel, probability: 0.2}\n"
         "    - {from: B, to: done, probability: 1}\n"
         "segments:\n"
         "  - {name: s, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, silent_churn: 0.8}\n"
         "simulation: {customers: 20000, seed: 3}\n"
         "economics: {customers_per_year: 1000, value_per_customer: 500, currency: EUR}\n"
         "variants:\n"
         "  - {name: fix, cost_per_year: 45000, touchpoints: {A: {reliability: 0.9}}}\n"
         "  - name: route\n"
         "    cost_per_year: 38000\n"
         "    transitions:\n"
         "      A: [{to: B, probability: 0.9}, {to: cancel, probability: 0.1}]\n"
         "assumptions:\n"  // line 23
         "  draws: 2000\n"
         "  seed: 5\n"
         "  inputs:\n" +
         inputs;
}

const char* kRanges =
    "    - {name: A.reliability, low: 0.6, high: 0.8}\n"                                 // 27
    "    - {name: variant:fix/A.reliability, low: 0.85, high: 0.95}\n"                   // 28
    "    - {name: segment:s.sensitivity.reliability, low: 0.3, mode: 0.5, high: 0.9}\n"  // 29
    "    - {name: economics.value_per_customer, low: 400, high: 700, group: market}\n"   // 30
    "    - {name: economics.customers_per_year, low: 800, high: 1200, group: market}\n"  // 31
    "    - {name: transition:A->cancel, low: 0.1, high: 0.3}\n"                          // 32
    "    - {name: variant:fix/cost_per_year, low: 30000, high: 60000}\n";                // 33

const char* kPoints =
    "    - {name: A.reliability, low: 0.7, high: 0.7}\n"
    "    - {name: variant:fix/A.reliability, low: 0.9, high: 0.9}\n"
    "    - {name: segment:s.sensitivity.reliability, low: 0.5, mode: 0.5, high: 0.5}\n"
    "    - {name: economics.value_per_customer, low: 500, high: 500, group: market}\n"
    "    - {name: economics.customers_per_year, low: 1000, high: 1000, group: market}\n"
    "    - {name: transition:A->cancel, low: 0.2, high: 0.2}\n"
    "    - {name: variant:fix/cost_per_year, low: 45000, high: 45000}\n";

// Net benefit per year by hand, from the closed forms of the journey above.
struct Numbers {
  double r, a, pc, value, customers;
};
double defection(const Numbers& x) {
  const double quit = (1 - x.r) * (1 - std::exp(-x.a));
  return quit + x.pc * (1 - quit) + (1 - x.pc) * (1 - x.r) * std::exp(-x.a) * (1 - std::exp(-0.8 * x.a));
}
double cost_to_serve(const Numbers& x) {
  const double on = 1 - (1 - x.r) * (1 - std::exp(-x.a));
  return 10 + 4 * (1 - x.pc) * on + 2 * x.pc * on;
}
double net_benefit(const Numbers& base, const Numbers& redesign, double cost) {
  return base.customers * base.value * (defection(base) - defection(redesign)) -
         base.customers * (cost_to_serve(redesign) - cost_to_serve(base)) - cost;
}

struct Loaded {
  LoadedScenario file;
  ComparisonInput input;
  std::vector<std::string> variants{"", "fix", "route"};
};
Loaded load_yaml(const ScratchDir& dir, const std::string& yaml) {
  Loaded l{load_scenario(dir.write("shop.yaml", yaml), ""), {}};
  const Scenario& sc = l.file.scenario;
  l.input.arms.push_back(ComparisonArm{"baseline", sc.name, l.file.model, std::nullopt});
  for (const auto& v : sc.variants)
    l.input.arms.push_back(ComparisonArm{v.name, sc.name, checked_model(sc, &v), v.cost_per_year, v.one_off_cost});
  l.input.economics = sc.economics;
  l.input.settings.customers = 2000;
  return l;
}
Loaded load(const ScratchDir& dir, const std::string& inputs) {
  return load_yaml(dir, shop(inputs));
}

TEST(Assumptions, RangesThatArePointsGiveThePointResults) {
  ScratchDir dir;
  const Loaded l = load(dir, kPoints);
  const ComparisonResult c = compare_arms(l.input);
  const AssumptionResult a = analyse_assumptions(l.file.scenario, l.input.arms, l.variants, {50, 9});
  ASSERT_EQ(a.redesigns.size(), 2u);
  const Numbers base{0.7, 0.5, 0.2, 500, 1000}, fix{0.9, 0.5, 0.2, 500, 1000}, route{0.7, 0.5, 0.1, 500, 1000};
  const std::vector<double> hand{net_benefit(base, fix, 45000), net_benefit(base, route, 38000)};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& x = a.redesigns[i];
    const double exact = *c.variants[i].value->net_benefit_exact;
    EXPECT_NEAR(exact, hand[i], 1e-6) << x.name;
    EXPECT_NEAR(x.net_benefit.mean, exact, 1e-6) << x.name;
    EXPECT_NEAR(x.net_benefit.p5, exact, 1e-6) << x.name;
    EXPECT_NEAR(x.net_benefit.p95, exact, 1e-6) << x.name;
    EXPECT_NEAR(x.defection_change.mean, *c.variants[i].defection.exact, 1e-12) << x.name;
    EXPECT_EQ(x.p_pays, exact > 0 ? 1.0 : 0.0);
  }
  // Nothing is uncertain: perfect information is worth nothing, and every tornado bar is flat.
  EXPECT_NEAR(a.evpi_per_year, 0.0, 1e-6);
  for (const auto& b : a.tornado) EXPECT_NEAR(b.net_benefit_at_high, b.net_benefit_at_low, 1e-6) << b.input;
}

TEST(Assumptions, WithAHorizonTheDecisionIsTheNetPresentValue) {
  ScratchDir dir;
  std::string yaml = shop(kPoints);
  const std::string from = "currency: EUR}", to = "currency: EUR, horizon_years: 3, discount_rate: 0.1}";
  yaml.replace(yaml.find(from), from.size(), to);
  yaml.replace(yaml.find("cost_per_year: 45000,"), 21, "cost_per_year: 45000, one_off_cost: 9000,");
  Loaded l{load_scenario(dir.write("shop.yaml", yaml), ""), {}};
  const Scenario& sc = l.file.scenario;
  l.input.arms.push_back(ComparisonArm{"baseline", sc.name, l.file.model, std::nullopt});
  for (const auto& v : sc.variants)
    l.input.arms.push_back(ComparisonArm{v.name, sc.name, checked_model(sc, &v), v.cost_per_year, v.one_off_cost});
  l.input.economics = sc.economics;
  l.input.settings.customers = 2000;
  const ComparisonResult c = compare_arms(l.input);
  const AssumptionResult a = analyse_assumptions(sc, l.input.arms, l.variants, {20, 1});
  EXPECT_EQ(a.decided_by, "npv");
  const double annuity = 1 + 1 / 1.1 + 1 / 1.21;
  const Numbers base{0.7, 0.5, 0.2, 500, 1000}, fix{0.9, 0.5, 0.2, 500, 1000};
  ASSERT_TRUE(a.redesigns[0].npv);
  EXPECT_NEAR(a.redesigns[0].npv->mean, annuity * net_benefit(base, fix, 45000) - 9000, 1e-6);
  EXPECT_NEAR(a.redesigns[0].npv->mean, *c.variants[0].value->npv_exact, 1e-6);
  EXPECT_EQ(a.redesigns[0].p_pays, *c.variants[0].value->npv_exact > 0 ? 1.0 : 0.0);
  ASSERT_TRUE(a.evpi_npv);
  EXPECT_NEAR(*a.evpi_npv, 0.0, 1e-6);
}

TEST(Assumptions, MeanAndProbabilityOfPayingAgreeWithAnIndependentSampling) {
  ScratchDir dir;
  const Loaded l = load(dir, kRanges);
  const AssumptionResult a = analyse_assumptions(l.file.scenario, l.input.arms, l.variants, {2000, 5});
  // Simple random sampling of the same ranges, with its own generator: the triangular input by
  // rejection, the group by one shared uniform; priced by the closed forms.
  std::mt19937_64 g(20240611);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const auto triangular = [&](double lo, double mode, double hi) {
    for (;;) {
      const double x = lo + (hi - lo) * u01(g), y = u01(g) * 2.0 / (hi - lo);
      const double pdf = x < mode ? 2 * (x - lo) / ((hi - lo) * (mode - lo)) : 2 * (hi - x) / ((hi - lo) * (hi - mode));
      if (y < pdf) return x;
    }
  };
  const std::size_t m = 20000;
  std::vector<std::vector<double>> nb(2);
  for (std::size_t d = 0; d < m; ++d) {
    const double r = 0.6 + 0.2 * u01(g), r_fix = 0.85 + 0.1 * u01(g), s = triangular(0.3, 0.5, 0.9);
    const double q = u01(g), value = 400 + 300 * q, customers = 800 + 400 * q;
    const double pc = 0.1 + 0.2 * u01(g), cost_fix = 30000 + 30000 * u01(g);
    const Numbers base{r, s, pc, value, customers};
    nb[0].push_back(net_benefit(base, {r_fix, s, pc, value, customers}, cost_fix));
    nb[1].push_back(net_benefit(base, {r, s, 0.1, value, customers}, 38000));  // route replaces A's rows
  }
  for (std::size_t i = 0; i < 2; ++i) {
    double mean = 0, sq = 0, pays = 0;
    for (double x : nb[i]) {
      mean += x;
      sq += x * x;
      pays += x > 0;
    }
    mean /= static_cast<double>(m);
    pays /= static_cast<double>(m);
    const double sd = std::sqrt(sq / static_cast<double>(m) - mean * mean);
    const auto& x = a.redesigns[i];
    // Latin hypercube draws vary less than simple random ones: the simple-random standard error
    // of both bounds the difference.
    const double se = sd * std::sqrt(1.0 / static_cast<double>(m) + 1.0 / 2000.0);
    EXPECT_LE(std::fabs(x.net_benefit.mean - mean), 5 * se) << x.name << ": " << x.net_benefit.mean << " vs " << mean;
    const double pse = std::sqrt(pays * (1 - pays) * (1.0 / static_cast<double>(m) + 1.0 / 2000.0));
    EXPECT_LE(std::fabs(x.p_pays - pays), 5 * pse + 1e-9) << x.name << ": " << x.p_pays << " vs " << pays;
    EXPECT_GT(pays, 0.05) << "the test needs an uncertain verdict";
    EXPECT_LT(pays, 0.95) << "the test needs an uncertain verdict";
  }
  // P(best) over the redesigns and doing nothing adds up to 1; EVPI is never negative.
  EXPECT_NEAR(a.redesigns[0].p_best + a.redesigns[1].p_best + a.p_best_nothing, 1.0, 1e-12);
  EXPECT_GE(a.evpi_per_year, 0.0);
  // The tornado: one bar per input, the market group as one, sorted by swing.
  ASSERT_EQ(a.tornado.size(), 6u);
  for (std::size_t i = 1; i < a.tornado.size(); ++i)
    EXPECT_GE(std::fabs(a.tornado[i - 1].net_benefit_at_high - a.tornado[i - 1].net_benefit_at_low),
              std::fabs(a.tornado[i].net_benefit_at_high - a.tornado[i].net_benefit_at_low));
  bool market = false;
  for (const auto& b : a.tornado) market = market || (b.input == "market" && b.members.size() == 2);
  EXPECT_TRUE(market);
  // A bar by hand: the chosen redesign with A.reliability at 0.6, everything else at the point.
  const std::size_t top = *a.tornado_for;
  for (const auto& b : a.tornado)
    if (b.input == "A.reliability") {
      const Numbers base{0.6, 0.5, 0.2, 500, 1000};
      const double hand = top == 0 ? net_benefit(base, {0.9, 0.5, 0.2, 500, 1000}, 45000)
                                   : net_benefit(base, {0.6, 0.5, 0.1, 500, 1000}, 38000);
      EXPECT_NEAR(b.net_benefit_at_low, hand, 1e-6);
    }
}

TEST(Assumptions, SameFiguresOnOneAndTwoThreads) {
  ScratchDir dir;
  const Loaded l = load(dir, kRanges);
  const auto run = [&](int threads) {
    tbb::task_arena arena(threads);
    return arena.execute([&] { return analyse_assumptions(l.file.scenario, l.input.arms, l.variants, {300, 5}); });
  };
  const AssumptionResult one = run(1), two = run(2);
  for (std::size_t i = 0; i < one.redesigns.size(); ++i) {
    EXPECT_TRUE(same_bits(one.redesigns[i].net_benefit.mean, two.redesigns[i].net_benefit.mean));
    EXPECT_TRUE(same_bits(one.redesigns[i].net_benefit.p5, two.redesigns[i].net_benefit.p5));
    EXPECT_EQ(one.redesigns[i].p_best, two.redesigns[i].p_best);
  }
  EXPECT_TRUE(same_bits(one.evpi_per_year, two.evpi_per_year));
}

// Heterogeneity, and a value gap that opens in some draws and not in others: the draws are
// re-solved warm where the pattern is the prepared one and cold where it is not.
std::string mixed_patterns() {
  std::string y = shop(std::string(kRanges) + "    - {name: A.value, low: 0.3, high: 1}\n");
  const std::string calm = "value_expectation: 0, sensitivity: {reliability: 0.5}, silent_churn: 0.8}";
  y.replace(
      y.find(calm), calm.size(),
      "value_expectation: 0.6, sensitivity: {reliability: 0.5, value: 0.4}, silent_churn: 0.8, heterogeneity: 0.4}");
  return y;
}

TEST(Assumptions, WarmDrawsGiveTheColdFiguresWithHeterogeneityAndChangingPatterns) {
  ScratchDir dir;
  const Loaded l = load_yaml(dir, mixed_patterns());
  AssumptionSettings warm{200, 5, true}, cold{200, 5, false};
  const AssumptionResult w = analyse_assumptions(l.file.scenario, l.input.arms, l.variants, warm);
  const AssumptionResult c = analyse_assumptions(l.file.scenario, l.input.arms, l.variants, cold);
  const auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); };
  for (std::size_t i = 0; i < w.redesigns.size(); ++i) {
    EXPECT_TRUE(near(w.redesigns[i].net_benefit.mean, c.redesigns[i].net_benefit.mean));
    EXPECT_TRUE(near(w.redesigns[i].net_benefit.p5, c.redesigns[i].net_benefit.p5));
    EXPECT_TRUE(near(w.redesigns[i].defection_change.p95, c.redesigns[i].defection_change.p95));
    EXPECT_EQ(w.redesigns[i].p_best, c.redesigns[i].p_best);
  }
  EXPECT_TRUE(near(w.evpi_per_year, c.evpi_per_year));
}

TEST(Assumptions, WarmDrawsGiveTheSameBitsOnOneAndTwoThreads) {
  ScratchDir dir;
  const Loaded l = load_yaml(dir, mixed_patterns());
  const auto run = [&](int threads) {
    tbb::task_arena arena(threads);
    return arena.execute([&] { return analyse_assumptions(l.file.scenario, l.input.arms, l.variants, {200, 5}); });
  };
  const AssumptionResult one = run(1), two = run(2);
  for (std::size_t i = 0; i < one.redesigns.size(); ++i) {
    EXPECT_TRUE(same_bits(one.redesigns[i].net_benefit.mean, two.redesigns[i].net_benefit.mean));
    EXPECT_TRUE(same_bits(one.redesigns[i].net_benefit.p95, two.redesigns[i].net_benefit.p95));
    EXPECT_TRUE(same_bits(one.redesigns[i].defection_change.mean, two.redesigns[i].defection_change.mean));
  }
  EXPECT_TRUE(same_bits(one.evpi_per_year, two.evpi_per_year));
}

TEST(Assumptions, TheCommandReportsTheContractKeys) {
  ScratchDir dir;
  const std::string path = dir.write("shop.yaml", shop(kRanges));
  const Result r = cxsim("compare " + path + " --customers 2000 --assumptions 200 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& top = j["assumptions"];
  EXPECT_EQ(top["draws"], 200);
  EXPECT_EQ(top["seed"], 5);
  EXPECT_TRUE(top["evpi_per_year"].is_number());
  ASSERT_TRUE(top["tornado"].is_array());
  for (const char* key : {"input", "low", "high", "net_benefit_at_low", "net_benefit_at_high"})
    EXPECT_TRUE(top["tornado"][0].contains(key)) << key;
  for (const auto& v : j["variants"]) {
    const auto& x = v["assumptions"];
    for (const char* key : {"net_benefit_per_year", "defection_change"})
      for (const char* q : {"mean", "p5", "p95"}) EXPECT_TRUE(x[key][q].is_number()) << key << "." << q;
    EXPECT_TRUE(x["p_pays"].is_number());
    EXPECT_TRUE(x["p_best"].is_number());
    EXPECT_EQ(x["interval_covers"], "your assumptions");
  }
}

// Every range error at its line, exit 2, nothing written.
void expect_error_at(const std::string& inputs, const std::string& where, const std::string& words) {
  ScratchDir dir;
  const std::string path = dir.write("shop.yaml", shop(inputs));
  const std::string out = dir.path("out.json");
  const Result r = cxsim("compare " + path + " --customers 1000 --assumptions 10 --out " + out);
  EXPECT_EQ(r.code, 2) << inputs;
  EXPECT_NE(r.err.find("shop.yaml:" + where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Assumptions, RangeErrorsAreReportedAtTheirLine) {
  expect_error_at("    - {name: A.reliability, low: 0.6, high: 0.8}\n    - {name: A.reliabilty, low: 0.6, high: 0.8}\n",
                  "28:", "reliabilty");
  expect_error_at("    - {name: A.reliability, low: 0.75, high: 0.8}\n",
                  "27:", "the scenario's own value 0.7 lies outside");
  expect_error_at("    - {name: A.reliability, low: 0.8, high: 0.6}\n", "27:", "is above high");
  expect_error_at("    - {name: A.reliability, low: 0.6, mode: 0.9, high: 0.8}\n", "27:", "mode 0.9 lies outside");
  expect_error_at("    - {name: A.reliability, low: 0.6, high: 1.2}\n", "27:", "goes outside [0, 1]");
  expect_error_at("    - {name: variant:fix/B.reliability, low: 0.9, high: 1}\n",
                  "27:", "does not patch B.reliability");
  expect_error_at("    - {name: transition:B->done, low: 0.9, high: 1}\n", "27:", "its probability is 1");
  expect_error_at("    - {name: economics.value_per_custmer, low: 1, high: 900}\n", "27:", "value_per_custmer");
}

TEST(Assumptions, BatchRowsCarryTheSameFiguresAsCompare) {
  ScratchDir dir;
  const std::string path = dir.write("shop.yaml", shop(kRanges));
  const std::string out = dir.path("rows.json");
  const Result b = cxsim("batch " + path + " --customers 2000 --assumptions 100 --format json --out " + out);
  ASSERT_EQ(b.code, 0) << b.err;
  const Result c = cxsim("compare " + path + " --customers 2000 --assumptions 100 --format json");
  ASSERT_EQ(c.code, 0) << c.err;
  const auto j = nlohmann::json::parse(c.out);
  std::ifstream rows(out);
  std::string line;
  std::vector<nlohmann::json> parsed;
  while (std::getline(rows, line)) parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0]["p_best_under_assumptions"], j["assumptions"]["p_best_nothing"]);
  EXPECT_EQ(parsed[0]["evpi_per_year"], j["assumptions"]["evpi_per_year"]);
  for (std::size_t i = 1; i < 3; ++i) {
    const auto& x = j["variants"][i - 1]["assumptions"];
    EXPECT_EQ(parsed[i]["net_benefit_mean_under_assumptions"], x["net_benefit_per_year"]["mean"]);
    EXPECT_EQ(parsed[i]["p_pays_under_assumptions"], x["p_pays"]);
    EXPECT_EQ(parsed[i]["assumptions_draws"], 100);
  }
}

TEST(Assumptions, CheckReportsTheirErrorsToo) {
  ScratchDir dir;
  const std::string path = dir.write("shop.yaml", shop("    - {name: A.reliability, low: 0.6, high: 0.8}\n"
                                                       "    - {name: variant:fix/cost_per_yeer, low: 1, high: 2}\n"));
  const Result r = cxsim("check " + path);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("shop.yaml:28:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("shop.yaml:27:"), std::string::npos) << r.out;
  EXPECT_EQ(cxsim("check " + dir.write("good.yaml", shop(kRanges))).code, 0);
}

}  // namespace
}  // namespace cxsim
