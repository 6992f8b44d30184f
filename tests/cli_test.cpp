// The cxsim command as users meet it: exit codes, output files, formats, traces.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "io/number.hpp"
#include "io/report_format.hpp"
#include "cli_support.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using test::cxsim;
using test::Result;
using test::scenario;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    yaml_ = dir_.write("s.yaml",
                       "name: Tiny\njourney:\n  start: a\n  touchpoints:\n"
                       "    - {id: a, reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                       "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                       "  transitions:\n    - {from: a, to: z, probability: 1}\n"
                       "simulation: {customers: 20000, seed: 5}\n"
                       "variants:\n  - name: better\n    touchpoints:\n      a: {reliability: 0.95}\n");
  }
  test::ScratchDir dir_;
  std::string yaml_;
};

TEST_F(Cli, CheckAcceptsEveryBundledScenario) {
  for (const char* s : {"broadband", "car_repair", "b2b_onboarding"}) {
    const Result r = cxsim("check " + scenario(s));
    EXPECT_EQ(r.code, 0) << s << "\n" << r.err;
    EXPECT_NE(r.out.find("valid"), std::string::npos);
  }
}

TEST_F(Cli, CheckReportsBadInputWithExitCodeTwo) {
  const std::string bad =
      dir_.write("bad.yaml", "name: X\njourney:\n  start: a\n  touchpoints: []\n  transitions: []\nsegmnts: 1\n");
  const Result r = cxsim("check " + bad);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("bad.yaml:6:1: error: unknown key 'segmnts'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 errors"), std::string::npos) << r.out;
}

TEST_F(Cli, HelpNamesWhatEachOptionTakes) {
  for (const char* command : {"run", "compare", "batch", "sweep", "sensitivity", "report", "calibrate", "validate"}) {
    const Result r = cxsim(std::string(command) + " --help");
    EXPECT_EQ(r.code, 0) << command;
    EXPECT_EQ(r.out.find("TEXT"), std::string::npos) << command << " --help still says TEXT:\n" << r.out;
  }
  const Result run = cxsim("run --help");
  EXPECT_NE(run.out.find("--customers INT"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--precision NUMBER"), std::string::npos) << run.out;
}

TEST_F(Cli, RunWritesTheJsonContract) {
  const Result r = cxsim("run " + yaml_ + " --format json --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"scenario", "variant", "method", "customers", "seed", "threads", "processes",
                          "defection_rate", "defection_ci95", "outcomes", "abandonment_by_cause", "touchpoints",
                          "segments", "elapsed_seconds", "visits_per_second"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["variant"], "baseline");
  EXPECT_EQ(j["method"], "monte_carlo");
  EXPECT_EQ(j["customers"], 20000);
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["processes"], 1);
  for (const char* key : {"retained", "abandoned", "routed_defection", "silent_churn", "unfinished"})
    EXPECT_TRUE(j["outcomes"].contains(key)) << key;
  for (const char* key : {"id", "visits", "failures", "averted", "repeats", "abandoned", "recoveries"})
    EXPECT_TRUE(j["touchpoints"][0].contains(key)) << key;
  // The default segment: reliability sensitivity 0.5, so 0.2 (1 - e^-0.5) abandon.
  const double expected = 0.2 * (1 - std::exp(-0.5));
  EXPECT_NEAR(j["outcomes"]["abandoned"].get<double>(), expected, 5 * std::sqrt(expected * (1 - expected) / 20000));
  const double lo = j["defection_ci95"][0], hi = j["defection_ci95"][1];
  EXPECT_LT(lo, j["defection_rate"].get<double>());
  EXPECT_GT(hi, j["defection_rate"].get<double>());
}

TEST_F(Cli, RunGivesTheSameFiguresOnAnyThreadCount) {
  auto figures = [&](const char* threads) {
    auto j = nlohmann::json::parse(cxsim("run " + yaml_ + " --format json --threads " + threads).out);
    j.erase("elapsed_seconds");
    j.erase("visits_per_second");
    j.erase("threads");
    return j;
  };
  EXPECT_EQ(figures("1"), figures("3"));
}

TEST_F(Cli, CommandLineOverridesTheScenario) {
  const auto j =
      nlohmann::json::parse(cxsim("run " + yaml_ + " --format json --customers 1234 --seed 77 --variant better").out);
  EXPECT_EQ(j["customers"], 1234);
  EXPECT_EQ(j["seed"], 77);
  EXPECT_EQ(j["variant"], "better");
}

TEST_F(Cli, OutFileIsWrittenWhole) {
  const std::string out = dir_.path("result.csv");
  const Result r = cxsim("run " + yaml_ + " --format csv --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  std::ifstream f(out);
  std::string header;
  std::getline(f, header);
  EXPECT_EQ(header, "scenario,variant,scope,id,metric,value");
}

TEST_F(Cli, BadInputWritesNothing) {
  const std::string out = dir_.path("never.json");
  const std::string bad = dir_.write("bad2.yaml", "name: X\n");
  const Result r = cxsim("run " + bad + " --format json --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_NE(r.err.find("bad2.yaml:1:1: error:"), std::string::npos) << r.err;
}

TEST_F(Cli, BadOptionsAreUsageErrors) {
  for (const char* args :
       {"--seed -1", "--seed 010", "--customers 0", "--customers 1e6", "--format xml", "--threads abc", "--precision 0",
        "--precision nan", "--variant nope", "--trace 5", "--out /nonexistent/dir/x.json", "--bogus"}) {
    const Result r = cxsim("run " + yaml_ + " " + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << args;
  }
  EXPECT_EQ(cxsim("").code, 2);
  EXPECT_EQ(cxsim("--help").code, 0);
}

TEST_F(Cli, MissingScenarioFileIsBadInput) {
  const Result r = cxsim("run " + dir_.path("missing.yaml"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no such file"), std::string::npos);
}

TEST_F(Cli, PrecisionRunReportsReachingItsTarget) {
  const auto j = nlohmann::json::parse(cxsim("run " + yaml_ + " --format json --precision 0.005").out);
  EXPECT_TRUE(j["precision"]["reached"].get<bool>());
  EXPECT_LE(j["precision"]["half_width"].get<double>(), 0.005);
}

TEST_F(Cli, TraceShowsTheSameCustomersAsTheRun) {
  const std::string trace = dir_.path("trace.csv");
  const Result r = cxsim("run " + yaml_ + " --customers 50 --trace 50 --trace-out " + trace + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream f(trace);
  std::string line, header;
  std::getline(f, header);
  EXPECT_EQ(header,
            "scenario,variant,customer,segment,step,touchpoint,failed,averted,repeated,friction_added,load,forgiven,"
            "guard,outcome");
  int abandoned = 0, customers_ended = 0;
  while (std::getline(f, line)) {
    const auto last = line.substr(line.rfind(',') + 1);
    if (!last.empty()) ++customers_ended;
    if (last == "abandoned") ++abandoned;
    EXPECT_EQ(line.rfind("Tiny,baseline,", 0), 0u) << "every row names its scenario and variant";
  }
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(customers_ended, 50);
  EXPECT_NEAR(abandoned / 50.0, j["outcomes"]["abandoned"].get<double>(), 1e-12);
}

TEST_F(Cli, DotDrawsTheJourney) {
  const Result r = cxsim("dot " + yaml_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("digraph", 0), 0u);
  EXPECT_NE(r.out.find("retained"), std::string::npos);
}

TEST_F(Cli, DotDrawsSvgAndPngThroughTheLinkedGraphvizLibrary) {
  const Result svg = cxsim("dot " + yaml_ + " --heat --format svg");
  ASSERT_EQ(svg.code, 0) << svg.err;
  EXPECT_NE(svg.out.find("<svg"), std::string::npos);
  EXPECT_NE(svg.out.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.out.find("id=\"tp&#45;a\""), std::string::npos) << "a drawn touchpoint, not DOT text";
  EXPECT_EQ(svg.out.find("digraph"), std::string::npos);
  const std::string png = dir_.path("map.png");
  const Result drawn = cxsim("dot " + yaml_ + " --format png --out " + png);
  ASSERT_EQ(drawn.code, 0) << drawn.err;
  std::ifstream in(png, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 200u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const Result bad = cxsim("dot " + yaml_ + " --format jpeg");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--format must be dot, svg or png, not 'jpeg'"), std::string::npos) << bad.err;
}

TEST_F(Cli, TableShowsOutcomesAndRankedTouchpoints) {
  const Result r = cxsim("run " + yaml_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("defection rate"), std::string::npos);
  EXPECT_NE(r.out.find("where customers are lost"), std::string::npos);
}

TEST_F(Cli, ALongTouchpointIdKeepsTheTableInColumns) {
  const std::string id = "engineer_installation_visit_with_line_test_and_router_set_up";
  const std::string yaml =
      dir_.write("long.yaml",
                 "name: Long\njourney:\n  start: a\n  touchpoints:\n"
                 "    - {id: a, reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                 "    - {id: " +
                     id +
                     ", reliability: 0.7, relevance: 1, value: 1, trust: 0}\n"
                     "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                     "  transitions:\n    - {from: a, to: " +
                     id +
                     ", probability: 1}\n"
                     "    - {from: " +
                     id + ", to: z, probability: 1}\n");
  const Result r = cxsim("exact " + yaml);
  ASSERT_EQ(r.code, 0) << r.err;
  // Every line of the touchpoint table is as long as its heading: the failures column ends in one place.
  std::istringstream in(r.out.substr(r.out.find("where customers are lost")));
  std::string title, heading, row;
  std::getline(in, title);
  std::getline(in, heading);
  int rows = 0;
  while (std::getline(in, row) && !row.empty()) {
    EXPECT_EQ(row.size(), heading.size()) << row;
    ++rows;
  }
  EXPECT_EQ(rows, 2);
}

TEST_F(Cli, ExactGivesTheHandDerivedAnswer) {
  const Result r = cxsim("exact " + yaml_ + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["method"], "exact");
  EXPECT_FALSE(j.contains("customers"));
  EXPECT_NEAR(j["outcomes"]["abandoned"].get<double>(), 0.2 * (1 - std::exp(-0.5)), 1e-12);
}

TEST_F(Cli, ValidateAgreesOnABundledScenario) {
  const Result r = cxsim("validate " + scenario("broadband") + " --customers 100000");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("agree"), std::string::npos);
}

TEST_F(Cli, ValidateCsvHasOneRowPerFigureOfTheJson) {
  const Result json = cxsim("validate " + yaml_ + " --customers 20000 --format json");
  const Result csv = cxsim("validate " + yaml_ + " --customers 20000 --format csv");
  ASSERT_EQ(json.code, 0) << json.err;
  ASSERT_EQ(csv.code, 0) << csv.err;
  const auto figures = nlohmann::json::parse(json.out)["figures"];
  std::istringstream lines(csv.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "scenario,variant,customers,seed,figure,monte_carlo,exact,standard_error,z,agrees");
  std::size_t rows = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(rows, figures.size());
    EXPECT_NE(line.find("," + figures[rows]["figure"].get<std::string>() + ","), std::string::npos) << line;
    ++rows;
  }
  EXPECT_EQ(rows, figures.size());
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// `a` loops on itself 95% of the time: with max_steps 5 most customers never finish. `more` is
// appended (variants, say).
std::string looping_scenario(const test::ScratchDir& dir, const std::string& more = "") {
  return dir.write(
      "loop.yaml",
      std::string(
          "name: Loop\njourney:\n  start: a\n  touchpoints:\n"
          "    - {id: a, reliability: 0.9, relevance: 1, value: 1, trust: 0}\n"
          "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
          "  transitions:\n    - {from: a, to: z, probability: 0.05}\n    - {from: a, to: a, probability: 0.95}\n"
          "segments:\n  - {name: all, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, silent_churn: "
          "0}\n"
          "simulation: {customers: 5000, seed: 3, max_steps: 5}\n") +
          more);
}

TEST(CliWarnings, ManyUnfinishedCustomersAreWarnedAboutWithTheExactRate) {
  test::ScratchDir dir;
  const std::string yaml = looping_scenario(dir);
  const Result r = cxsim("run " + yaml + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("biased low"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exact defection rate"), std::string::npos) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("warnings"));
  EXPECT_NE(j["warnings"][0].get<std::string>().find("max_steps"), std::string::npos);
  // The same journey with room to finish: no warning.
  const Result fine = cxsim("run " + yaml + " --max-steps 100000");
  EXPECT_EQ(fine.err.find("biased low"), std::string::npos) << fine.err;
}

TEST(CliWarnings, CompareSaysWhenNoCustomerDifferedAndTheIntervalIsDegenerate) {
  test::ScratchDir dir;
  const std::string yaml =
      dir.write("small.yaml",
                "name: Small\njourney:\n  start: a\n  touchpoints:\n"
                "    - {id: a, reliability: 0.999, relevance: 1, value: 1, trust: 0}\n"
                "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                "  transitions:\n    - {from: a, to: z, probability: 1}\n"
                "simulation: {customers: 100, seed: 3}\n"
                "variants:\n  - name: sturdier\n    touchpoints:\n      a: {reliability: 0.9999}\n");
  const Result r = cxsim("compare " + yaml);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("cxsim: warning: 'sturdier': no customer's defection differed from the baseline in 100 "
                       "customers, so its interval [0, 0] is degenerate: it only says the change is too small to show "
                       "in this many customers; the exact difference is -0.043"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(cxsim("compare " + yaml + " --customers 2000000").err.find("degenerate"), std::string::npos);
}

TEST(CliWarnings, CompareWarnsAboutEachArmWithManyUnfinishedCustomers) {
  test::ScratchDir dir;
  const std::string yaml =
      looping_scenario(dir, "variants:\n  - name: sturdier\n    touchpoints:\n      a: {reliability: 0.99}\n");
  const Result r = cxsim("compare " + yaml + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::size_t biased = 0;
  for (const auto& w : j["warnings"]) biased += w.get<std::string>().find("biased low") != std::string::npos;
  EXPECT_EQ(biased, 2u) << r.out;
  EXPECT_NE(r.err.find("exact defection rate"), std::string::npos) << r.err;
  const Result fine = cxsim("compare " + yaml + " --max-steps 100000");
  EXPECT_EQ(fine.err.find("biased low"), std::string::npos) << fine.err;
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(CliCheck, ListsTheVariantsItFound) {
  const Result r = cxsim("check " + scenario("car_repair"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\n  variant body_shop_owner: The body shop owner"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  variant warranty_case_handler: "), std::string::npos) << r.out;
}

TEST(CliCheck, PrintsTheHazardsItDerivedFromWalkAwayOdds) {
  test::ScratchDir dir;
  const std::string path =
      dir.write("s.yaml",
                "name: X\njourney:\n  start: a\n  touchpoints:\n"
                "    - {id: a, reliability: 0.9, relevance: 1, value: 1, trust: 0, effort_minutes: 20}\n"
                "    - {id: done, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                "  transitions:\n    - {from: a, to: done, probability: 1}\n"
                "segments:\n  - {name: patients, share: 1, value_expectation: 0.5, silent_churn: 0.2,\n"
                "     walk_away: {failed: 0.3, effort_hour: 0.2}}\n");
  const Result r = cxsim("check " + path);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\n  segment patients: walk_away.failed 0.3 -> sensitivity.reliability 0.356675, "
                       "walk_away.effort_hour 0.2 -> sensitivity.effort 0.223144 per hour\n"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// A persona view: the exact figures of one segment's customers are that segment's row of the
// whole journey's solution, and a Monte Carlo run of them agrees within 5 standard errors
// (binomial, fixed seed).
TEST(CliPersona, ExactForOneSegmentIsThatSegmentsDefectionRate) {
  const Result all = cxsim("exact " + scenario("car_repair") + " --format json");
  const Result one = cxsim("exact " + scenario("car_repair") + " --segment tradespeople --format json");
  ASSERT_EQ(all.code, 0) << all.err;
  ASSERT_EQ(one.code, 0) << one.err;
  const auto a = nlohmann::json::parse(all.out), o = nlohmann::json::parse(one.out);
  double expected = -1;
  for (const auto& s : a["segments"])
    if (s["name"] == "tradespeople") expected = s["defection_rate"].get<double>();
  EXPECT_NEAR(o["defection_rate"].get<double>(), expected, 1e-12);
  EXPECT_EQ(o["segment"], "tradespeople");
  EXPECT_TRUE(a["segment"].is_null());
}

TEST(CliPersona, MonteCarloForOneSegmentAgreesWithItsExactRate) {
  const Result exact = cxsim("exact " + scenario("car_repair") + " --segment commuters --format json");
  const Result run = cxsim("run " + scenario("car_repair") + " --segment commuters --customers 200000 --format json");
  ASSERT_EQ(run.code, 0) << run.err;
  const double p = nlohmann::json::parse(exact.out)["defection_rate"].get<double>();
  const double mc = nlohmann::json::parse(run.out)["defection_rate"].get<double>();
  EXPECT_LE(std::fabs(mc - p), 5.0 * std::sqrt(p * (1 - p) / 200000.0)) << mc << " vs " << p;
}

TEST(CliPersona, AnUnknownSegmentIsAUsageErrorWithTheClosestName) {
  const Result r = cxsim("exact " + scenario("car_repair") + " --segment tradespeple");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown segment 'tradespeple' (did you mean 'tradespeople'?)"), std::string::npos) << r.err;
}

TEST(CliPersona, TheReportOfOneSegmentSaysSoAndCountsItsCustomersOnly) {
  test::ScratchDir dir;
  const std::string page = dir.path("persona.html");
  const Result r =
      cxsim("report " + scenario("broadband") + " --segment busy_families --customers 20000 --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("\"segment\":\"busy_families\""), std::string::npos);
  // busy_families are 20% of the 120,000 customers a year.
  EXPECT_NE(html.find("money counts its customers only (24000 a year)"), std::string::npos);
}

TEST(CliPersona, TheTableSaysWhoseFiguresTheyAre) {
  const Result r = cxsim("exact " + scenario("car_repair") + " --segment commuters");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(" — segment commuters only (50% of all customers; figures per customer of this segment)"),
            std::string::npos)
      << r.out;
}

TEST(CliThreads, EveryCommandCapsTheThreadCount) {
  for (const char* command : {"run", "validate"}) {
    const Result r = cxsim(std::string(command) + " " + scenario("broadband") + " --threads 100000");
    EXPECT_EQ(r.code, 2) << command << ": " << r.err;
    EXPECT_NE(r.err.find("--threads must be at most 4096"), std::string::npos) << command << ": " << r.err;
  }
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

class CliCompare : public ::testing::Test {
 protected:
  void SetUp() override {
    yaml_ = dir_.write(
        "s.yaml",
        "name: Tiny\njourney:\n  start: a\n  touchpoints:\n"
        "    - {id: a, reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
        "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
        "  transitions:\n    - {from: a, to: z, probability: 1}\n"
        "segments:\n  - {name: all, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, "
        "silent_churn: 0.2}\n"
        "simulation: {customers: 20000, seed: 5}\n"
        "economics: {customers_per_year: 10000, value_per_customer: 500, currency: EUR}\n"
        "variants:\n  - name: better\n    cost_per_year: 1000\n    touchpoints:\n      a: {reliability: 0.95}\n"
        "  - name: same\n    touchpoints:\n      a: {reliability: 0.8}\n");
  }
  test::ScratchDir dir_;
  std::string yaml_;
};

TEST_F(CliCompare, JsonKeysAreTheContract) {
  const Result r = cxsim("compare " + yaml_ + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"baseline", "variants", "adjust", "customers", "seed"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["adjust"], "holm");
  EXPECT_EQ(j["baseline"]["variant"], "baseline");
  ASSERT_EQ(j["variants"].size(), 2u);
  const auto& v = j["variants"][0];
  for (const char* key :
       {"name", "result", "difference", "difference_ci95", "p_value", "p_adjusted", "discordant", "exact_difference",
        "outcomes", "segments", "touchpoints", "economics", "customers_kept_per_1000"})
    EXPECT_TRUE(v.contains(key)) << key;
  EXPECT_EQ(v["name"], "better");
  EXPECT_TRUE(v["discordant"].contains("baseline_only"));
  EXPECT_TRUE(v["outcomes"]["silent_churn"].contains("difference_ci95"));
  EXPECT_TRUE(v["economics"].contains("net_benefit_per_year"));
  const auto& same = j["variants"][1];
  EXPECT_EQ(same["difference"], 0.0);
  EXPECT_EQ(same["difference_ci95"], nlohmann::json::array({0.0, 0.0}));
}

TEST_F(CliCompare, NamedVariantsOnlyAndTheTableSaysWhichIsBetter) {
  const Result r = cxsim("compare " + yaml_ + " --variant better");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("better lose"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kept per 1,000"), std::string::npos);
  EXPECT_EQ(r.out.find("  same"), std::string::npos) << "only the named variant";
  EXPECT_NE(r.out.find("net benefit"), std::string::npos);
}

TEST_F(CliCompare, UnknownVariantIsAUsageErrorListingTheVariants) {
  const Result r = cxsim("compare " + yaml_ + " --variant nope");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("has no variant 'nope'; it has: better, same"), std::string::npos) << r.err;
}

TEST_F(CliCompare, WholeFilesAreArmsMatchedByTouchpointId) {
  const std::string other =
      dir_.write("o.yaml",
                 "name: Tiny redesigned\njourney:\n  start: a\n  touchpoints:\n"
                 "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                 "    - {id: a, reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                 "  transitions:\n    - {from: a, to: z, probability: 1}\n"
                 "segments:\n  - {name: all, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, "
                 "silent_churn: 0.2}\n");
  const Result r = cxsim("compare " + yaml_ + " " + other + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["variants"].size(), 1u);
  EXPECT_EQ(j["variants"][0]["name"], "Tiny redesigned");
  EXPECT_EQ(j["variants"][0]["difference"], 0.0) << "the same journey with its rows reordered pairs exactly";
  EXPECT_EQ(cxsim("compare " + yaml_ + " " + other + " --variant better").code, 2);
}

TEST_F(CliCompare, CsvCarriesScenarioAndVariant) {
  const Result r = cxsim("compare " + yaml_ + " --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("scenario,baseline,variant,scope,id,difference,ci95_low,ci95_high,", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nTiny,baseline,better,defection_rate,,"), std::string::npos) << r.out;
}

TEST_F(CliCompare, PrecisionStopsOnceEveryDifferenceIsNarrowEnough) {
  const Result r = cxsim("compare " + yaml_ + " --variant better --precision 0.004 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["precision"]["reached"].get<bool>());
  EXPECT_LE(j["precision"]["half_width"].get<double>(), 0.004);
  EXPECT_EQ(j["customers"].get<std::uint64_t>() % 100000, 0u) << "whole blocks";
  EXPECT_EQ(cxsim("compare " + yaml_ + " --precision 0").code, 2);
  EXPECT_EQ(cxsim("compare " + yaml_ + " --adjust sidak").code, 2);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// A folder of small scenarios for batch runs.
class CliBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) write_scenario(i, 0.8);
  }
  void write_scenario(int i, double reliability) {
    const std::string name = "s" + std::to_string(i);
    dir_.write("in/" + std::string(i % 2 ? "odd/" : "") + name + ".yaml",
               "name: Scenario " + name +
                   "\njourney:\n  start: a\n  touchpoints:\n"
                   "    - {id: a, reliability: " +
                   std::to_string(reliability) +
                   ", relevance: 0.7, value: 1, trust: 0}\n"
                   "    - {id: b, reliability: 0.9, relevance: 0.6, value: 1, trust: 0}\n"
                   "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                   "  transitions:\n    - {from: a, to: b, probability: 1}\n    - {from: b, to: z, probability: 1}\n"
                   "segments:\n  - {name: all, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5, "
                   "relevance: 0.3}, "
                   "silent_churn: 0.4}\n"
                   "simulation: {customers: 20000, seed: " +
                   std::to_string(10 + i) +
                   "}\n"
                   "economics: {customers_per_year: 1000, value_per_customer: 10}\n"
                   "variants:\n  - name: fix_a\n    cost_per_year: 5\n    touchpoints:\n      a: {reliability: 0.97}\n"
                   "  - name: fix_b\n    touchpoints:\n      b: {relevance: 0.95}\n");
  }
  std::string in() const { return dir_.path("in"); }
  // The file's rows without the elapsed_seconds column (the one column that varies run to run)
  // and the shard (which differs between a sharded and an unsharded batch).
  static std::vector<std::string> rows(const std::string& path) {
    std::ifstream f(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(f, line);) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
      if (cells.size() > 28) cells.erase(cells.begin() + 28);
      if (cells.size() > 20) cells.erase(cells.begin() + 20);
      std::string joined;
      for (const auto& c : cells) joined += c + ",";
      out.push_back(joined);
    }
    return out;
  }
  static std::string content(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  static std::string batch_header_line() {
    return "scenario_file,scenario,variant,customers,seed,defection_rate,ci95_low,ci95_high,retained,abandoned,"
           "routed_defection,silent_churn,unfinished,exact_defection_rate,difference_vs_baseline,difference_ci95_low,"
           "difference_ci95_high,p_value,p_adjusted,scenario_sha256,elapsed_seconds,currency,cost_per_year,"
           "defections_avoided_per_year,value_kept_per_year,net_benefit_per_year,net_benefit_ci95_low,"
           "net_benefit_ci95_high,shard,batch_settings,cost_to_serve_per_customer,cost_to_serve_per_customer_exact,"
           "effort_minutes_per_customer,effort_minutes_per_customer_exact,cost_to_serve_change_per_year,"
           "value_kept_per_year_exact,net_benefit_per_year_exact,one_off_cost,npv,npv_exact,money_basis,money_terms,"
           "assumptions_draws,net_benefit_mean_under_assumptions,net_benefit_p5_under_assumptions,"
           "net_benefit_p95_under_assumptions,p_pays_under_assumptions,p_best_under_assumptions,evpi_per_year\n";
  }
  test::ScratchDir dir_;
};

TEST_F(CliBatch, OneRowPerScenarioAndVariantEqualToCompare) {
  const std::string out = dir_.path("all.csv");
  const Result r = cxsim("batch " + in() + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto all = rows(out);
  ASSERT_EQ(all.size(), 1u + 5 * 3);
  EXPECT_EQ(all[0].rfind("scenario_file,scenario,variant,customers,seed,defection_rate,", 0), 0u);
  EXPECT_NE(r.err.find("[5/5]"), std::string::npos) << "a progress line per scenario";
  // The same figures as a single compare of that scenario with its seed.
  const Result c = cxsim("compare " + dir_.path("in/s0.yaml") + " --format json");
  const auto j = nlohmann::json::parse(c.out);
  std::ifstream f(out);
  std::string baseline, fix_a;
  for (std::string line; std::getline(f, line);) {
    if (line.find("/in/s0.yaml,Scenario s0,baseline,") != std::string::npos) baseline = line;
    if (line.find("/in/s0.yaml,Scenario s0,fix_a,") != std::string::npos) fix_a = line;
  }
  // The CSV writes 15 significant digits (table_number), the JSON every digit.
  EXPECT_NE(baseline.find(",baseline,20000,10," + table_number(j["baseline"]["defection_rate"].get<double>()) + ","),
            std::string::npos)
      << baseline;
  EXPECT_NE(fix_a.find("," + table_number(j["variants"][0]["difference"].get<double>()) + ","), std::string::npos)
      << fix_a;
  EXPECT_NE(fix_a.find("," + table_number(j["variants"][0]["p_adjusted"].get<double>()) + ","), std::string::npos);
}

TEST_F(CliBatch, AnExistingResultsFileIsNeverOverwritten) {
  const std::string out = dir_.write("taken.csv", "precious\n");
  const Result r = cxsim("batch " + in() + " --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
  std::ifstream f(out);
  std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "precious\n");
}

TEST_F(CliBatch, AKilledBatchResumesToTheSameRows) {
  const std::string whole = dir_.path("whole.csv"), killed = dir_.path("killed.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --customers 1000000 --out " + whole).code, 0);
  // SIGKILL part-way; --resume completes what was written.
  std::system(("timeout -s KILL 0.3 " + std::string(CXSIM_BINARY) + " batch " + in() + " --customers 1000000 --out " +
               killed + " >/dev/null 2>&1")
                  .c_str());
  EXPECT_LT(rows(killed).size(), rows(whole).size()) << "the kill landed before the batch finished";
  const Result r = cxsim("batch " + in() + " --customers 1000000 --resume --out " + killed);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows(killed), rows(whole));
}

TEST_F(CliBatch, AChangedScenarioIsRunAgainOnResume) {
  const std::string out = dir_.path("r.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --out " + out).code, 0);
  const auto before = rows(out);
  write_scenario(2, 0.5);
  const Result r = cxsim("batch " + in() + " --out " + out + " --resume");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("4 kept"), std::string::npos) << r.err;
  const auto after = rows(out);
  ASSERT_EQ(after.size(), before.size());
  std::size_t changed = 0;
  for (std::size_t i = 0; i < after.size(); ++i) changed += after[i] != before[i];
  EXPECT_EQ(changed, 3u) << "the three rows of the changed scenario, and only those";
}

TEST_F(CliBatch, ShardsMergedEqualTheUnshardedBatch) {
  const std::string whole = dir_.path("whole.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --out " + whole).code, 0);
  std::string parts;
  for (int i = 1; i <= 3; ++i) {
    const std::string part = dir_.path("part" + std::to_string(i) + ".csv");
    ASSERT_EQ(cxsim("batch " + in() + " --shard " + std::to_string(i) + "/3 --out " + part).code, 0);
    parts += " " + part;
  }
  const std::string merged = dir_.path("merged.csv");
  const Result m = cxsim("batch --merge " + merged + parts);
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(rows(merged), rows(whole));
  EXPECT_EQ(cxsim("batch --merge " + dir_.path("twice.csv") + " " + whole + " " + whole).code, 2)
      << "a scenario in two parts is refused";
  EXPECT_EQ(cxsim("batch " + in() + " --shard 4/3 --out " + dir_.path("x.csv")).code, 2);
}

TEST_F(CliBatch, ABrokenScenarioIsReportedAndTheRestStillRun) {
  dir_.write("in/broken.yaml", "name: Broken\njourney: {start: a}\n");
  const std::string out = dir_.path("b.csv");
  const Result r = cxsim("batch " + in() + " --out " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("broken.yaml is not a valid scenario"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("broken.yaml:2:"), std::string::npos) << "the loader's messages, with positions";
  EXPECT_EQ(rows(out).size(), 1u + 5 * 3);
}

TEST_F(CliBatch, ResumeChangesNothingInAFileThatIsNotABatch) {
  for (const std::string& text :
       {std::string("line one\nhalf a line"), std::string("precious"), batch_header_line() + "not,a,row\nhalf"}) {
    const std::string out = dir_.write("notes.csv", text);
    const Result r = cxsim("batch " + in() + " --resume --out " + out);
    EXPECT_EQ(r.code, 2) << text;
    EXPECT_EQ(content(out), text) << "not a byte changed";
  }
}

TEST_F(CliBatch, AResultsFileWithNoWholeLineGetsItsHeader) {
  const std::string header = batch_header_line();
  for (const std::string& text : {std::string(), header.substr(0, 25)}) {
    const std::string out = dir_.write("empty.csv", text);
    const Result r = cxsim("batch " + in() + " --resume --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(content(out).rfind(header, 0), 0u) << "the header comes first";
    EXPECT_EQ(rows(out).size(), 1u + 5 * 3);
  }
}

TEST_F(CliBatch, ResumeWithOtherOptionsOrAnotherShardIsRefused) {
  const std::string out = dir_.path("r.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --customers 1000 --out " + out).code, 0);
  const std::string before = content(out);
  const Result r = cxsim("batch " + in() + " --customers 2000 --resume --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("holds a batch run as shard 1/1 with customers=1000 seed=scenario; this run is shard 1/1 with "
                       "customers=2000 seed=scenario"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(cxsim("batch " + in() + " --customers 1000 --shard 1/2 --resume --out " + out).code, 2);
  EXPECT_EQ(content(out), before);
}

TEST_F(CliBatch, ResumeOverAnotherFolderKeepsTheEarlierRows) {
  const std::string out = dir_.path("r.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --out " + out).code, 0);
  const auto before = rows(out);
  // The same files spelt another way are the same scenarios: all kept, nothing run.
  const Result spelt = cxsim("batch " + in() + "/./ --resume --out " + out);
  ASSERT_EQ(spelt.code, 0) << spelt.err;
  EXPECT_NE(spelt.err.find("0 scenarios run, 5 kept"), std::string::npos) << spelt.err;
  // Only the odd ones this time: the others' rows stay.
  const Result r = cxsim("batch " + dir_.path("in/odd") + " --resume --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("3 scenarios' earlier rows kept although this run does not include them"), std::string::npos)
      << r.err;
  auto after = rows(out);
  EXPECT_EQ(after.size(), before.size());
  std::sort(after.begin(), after.end());
  auto sorted = before;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(after, sorted);
}

TEST_F(CliBatch, ASecondBatchOnTheSameFileIsRefused) {
  const std::string out = dir_.path("locked.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --out " + out).code, 0);
  const std::string before = content(out);
  const int fd = ::open(out.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // as a running batch holds it
  const Result r = cxsim("batch " + in() + " --resume --out " + out);
  ::close(fd);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is being written by another cxsim batch"), std::string::npos) << r.err;
  EXPECT_EQ(content(out), before);
}

TEST_F(CliBatch, AScenarioReachedTwiceRunsOnce) {
  const std::string out = dir_.path("twice.csv");
  const Result r = cxsim("batch " + in() + " " + in() + "/../in " + dir_.path("in/s0.yaml") + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows(out).size(), 1u + 5 * 3);
  EXPECT_NE(r.err.find("the same file as one already in the batch"), std::string::npos) << r.err;
}

TEST_F(CliBatch, SaysWhatItFoundAndSkippedAndWhy) {
  dir_.write("in/more/t.yml", content(dir_.path("in/s0.yaml")));
  dir_.write("in/notes.yaml", "owner: the CX team\nreviewed: 2024-05-01\n");
  std::filesystem::create_symlink(dir_.path("in/odd"), dir_.path("in/linked"));
  std::filesystem::create_symlink(dir_.path("in/gone.yaml"), dir_.path("in/broken.yaml"));
  std::filesystem::create_symlink("loop.yaml", dir_.path("in/loop.yaml"));
  const std::string out = dir_.path("found.csv");
  const Result r = cxsim("batch " + in() + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows(out).size(), 1u + 6 * 3) << "the .yml scenario runs too";
  for (const char* why :
       {"linked: a symbolic link to a folder, not followed", "broken.yaml: a broken symbolic link",
        "loop.yaml: a symbolic link loop", "notes.yaml: not a scenario (no 'journey' at the top level)",
        "6 scenario files found, 4 skipped"})
    EXPECT_NE(r.err.find(why), std::string::npos) << why << "\n" << r.err;
}

TEST_F(CliBatch, ABatchWithNoScenariosIsAnError) {
  std::filesystem::create_directories(dir_.path("nothing"));
  dir_.write("nothing/readme.txt", "no scenarios here");
  const Result r = cxsim("batch " + dir_.path("nothing") + " --out " + dir_.path("none.csv"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no scenario files (*.yaml, *.yml) found in"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path("none.csv")));
}

TEST_F(CliBatch, MergeRefusesMissingShardsAndMixedSettings) {
  std::vector<std::string> parts;
  for (int i = 1; i <= 3; ++i) {
    parts.push_back(dir_.path("part" + std::to_string(i) + ".csv"));
    ASSERT_EQ(cxsim("batch " + in() + " --shard " + std::to_string(i) + "/3 --out " + parts.back()).code, 0);
  }
  const Result two = cxsim("batch --merge " + dir_.path("m1.csv") + " " + parts[0] + " " + parts[1]);
  EXPECT_EQ(two.code, 2);
  EXPECT_NE(two.err.find("cannot merge: shard 3/3 is missing; a merge needs every shard of the batch"),
            std::string::npos)
      << two.err;
  const std::string other = dir_.path("other3.csv");
  ASSERT_EQ(cxsim("batch " + in() + " --shard 3/3 --seed 99 --out " + other).code, 0);
  const Result mixed = cxsim("batch --merge " + dir_.path("m2.csv") + " " + parts[0] + " " + parts[1] + " " + other);
  EXPECT_EQ(mixed.code, 2);
  EXPECT_NE(mixed.err.find("was run with customers=scenario seed=99 but"), std::string::npos) << mixed.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path("m1.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir_.path("m2.csv")));
}

TEST_F(CliBatch, MergeAndResumeRefuseWhatIsNotARegularFile) {
  const Result m = cxsim("batch --merge " + dir_.path("m.csv") + " /dev/zero");
  EXPECT_EQ(m.code, 2);
  EXPECT_NE(m.err.find("'/dev/zero' is not a regular file"), std::string::npos) << m.err;
  const Result r = cxsim("batch " + in() + " --resume --out /dev/zero");
  EXPECT_EQ(r.code, 2);
}

TEST_F(CliBatch, JsonLinesHoldTheSameRows) {
  const std::string out = dir_.path("rows.jsonl");
  ASSERT_EQ(cxsim("batch " + in() + " --format json --out " + out).code, 0);
  std::ifstream f(out);
  std::size_t n = 0;
  for (std::string line; std::getline(f, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("difference_vs_baseline"));
    EXPECT_TRUE(j.contains("net_benefit_per_year"));
  }
  EXPECT_EQ(n, 5u * 3);
  EXPECT_EQ(cxsim("batch " + in() + " --format json --resume --out " + out).code, 0);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// Outputs never destroy the user's files (issue: hardening every path from input to output).
class CliOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("t/touchpoints.csv", "id,reliability,relevance,value,trust,outcome\na,0.8,1,1,0,\nz,1,1,1,0,retained\n");
    dir_.write("t/transitions.csv", "from,to,probability\na,z,1\n");
    yaml_ = dir_.write("t/s.yaml",
                       "name: Tiny\njourney:\n  start: a\n  touchpoints: touchpoints.csv\n"
                       "  transitions: transitions.csv\nsimulation: {customers: 2000, seed: 5}\n");
  }
  static std::string content(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  bool leftovers() const {
    for (const auto& e : std::filesystem::directory_iterator(dir_.path("t")))
      if (e.path().filename().string().find(".cxsim-") != std::string::npos) return true;
    return false;
  }
  test::ScratchDir dir_;
  std::string yaml_;
};

TEST_F(CliOutputs, AnOutputThatIsAnInputIsRefused) {
  const std::string before = content(yaml_);
  for (const std::string& out : {yaml_, dir_.path("t/../t/s.yaml"), dir_.path("t/touchpoints.csv")}) {
    const Result r = cxsim("run " + yaml_ + " --out " + out);
    EXPECT_EQ(r.code, 2) << out;
    EXPECT_NE(r.err.find("it is an input of this run"), std::string::npos) << r.err;
  }
  // A hard link is the same file under another name.
  const std::string link = dir_.path("t/alias.csv");
  std::filesystem::create_hard_link(dir_.path("t/transitions.csv"), link);
  EXPECT_EQ(cxsim("exact " + yaml_ + " --format csv --out " + link).code, 2);
  EXPECT_EQ(cxsim("dot " + yaml_ + " --out " + yaml_).code, 2);
  EXPECT_EQ(cxsim("compare " + yaml_ + " " + yaml_ + " --out " + yaml_).code, 2);
  EXPECT_EQ(content(yaml_), before);
  EXPECT_EQ(content(dir_.path("t/transitions.csv")), "from,to,probability\na,z,1\n");
}

TEST_F(CliOutputs, TraceAndOutMustBeDifferentFiles) {
  const std::string out = dir_.path("t/o.json");
  const Result r = cxsim("run " + yaml_ + " --trace 5 --trace-out " + out + " --out " + dir_.path("t/./o.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(CliOutputs, ASymlinkIsFollowedNotReplaced) {
  const std::string target = dir_.write("t/real.json", "old");
  const std::string link = dir_.path("t/link.json");
  std::filesystem::create_symlink(target, link);
  ASSERT_EQ(cxsim("run " + yaml_ + " --format json --out " + link).code, 0);
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(content(target).rfind("{", 0), 0u) << "the link's target got the output";
}

TEST_F(CliOutputs, ADanglingSymlinkCreatesItsTarget) {
  const std::string target = dir_.path("t/later.json");
  const std::string link = dir_.path("t/dangling.json");
  std::filesystem::create_directories(dir_.path("t"));
  std::filesystem::create_symlink("later.json", link);  // relative to the link's folder
  ASSERT_EQ(cxsim("run " + yaml_ + " --format json --out " + link).code, 0);
  EXPECT_TRUE(std::filesystem::is_symlink(link)) << "the link was replaced by a file";
  EXPECT_EQ(content(target).rfind("{", 0), 0u) << "the link's target got the output";
}

TEST_F(CliOutputs, ASymlinkLoopIsRefused) {
  std::filesystem::create_directories(dir_.path("t"));
  std::filesystem::create_symlink("b.json", dir_.path("t/a.json"));
  std::filesystem::create_symlink("a.json", dir_.path("t/b.json"));
  const Result r = cxsim("run " + yaml_ + " --out " + dir_.path("t/a.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("symbolic links"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir_.path("t/a.json")));
}

TEST_F(CliOutputs, PermissionsOfAnExistingFileAreKept) {
  const std::string out = dir_.write("t/private.json", "old");
  std::filesystem::permissions(out, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_EQ(cxsim("run " + yaml_ + " --format json --out " + out).code, 0);
  EXPECT_EQ(std::filesystem::status(out).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(CliOutputs, ANewFileGetsTheUmasksPermissions) {
  const std::string out = dir_.path("t/new.json");
  ASSERT_EQ(
      std::system(
          ("umask 027; " + std::string(CXSIM_BINARY) + " run " + yaml_ + " --out " + out + " >/dev/null 2>&1").c_str()),
      0);
  EXPECT_EQ(
      std::filesystem::status(out).permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write | std::filesystem::perms::group_read);
}

TEST_F(CliOutputs, AFifoIsWrittenDirectly) {
  const std::string fifo = dir_.path("t/pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string got = dir_.path("t/got.txt");
  const std::string cmd = "cat " + fifo + " > " + got + " & " + std::string(CXSIM_BINARY) + " run " + yaml_ +
                          " --out " + fifo + " >/dev/null 2>&1; wait";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(content(got).find("defection rate"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "still a FIFO";
  EXPECT_FALSE(leftovers());
}

TEST_F(CliOutputs, DevStdoutIsWrittenDirectly) {
  const Result r = cxsim("run " + yaml_ + " --format json --out /dev/stdout");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["scenario"], "Tiny");
}

TEST_F(CliOutputs, DevStdoutAppendsToTheFileTheShellOpened) {
  // `--out /dev/stdout >> log` must add to the log, not rename a new file over it.
  const std::string log = dir_.write("t/app.log", "line 1\nline 2\n");
  for (const char* option : {"--out /dev/stdout", "--out /dev/fd/1", "--trace 2 --trace-out /dev/stdout"}) {
    const std::string before = content(log);
    const std::string cmd =
        std::string(CXSIM_BINARY) + " run " + yaml_ + " --format csv " + std::string(option) + " >> " + log;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << option;
    const std::string after = content(log);
    EXPECT_EQ(after.rfind(before, 0), 0u) << option << ": the earlier lines were lost";
    EXPECT_GT(after.size(), before.size()) << option;
  }
  EXPECT_FALSE(leftovers());
}

TEST_F(CliOutputs, DevStdoutIntoAPipeIsWritten) {
  const std::string got = dir_.path("t/piped.csv");
  const std::string cmd = "set -o pipefail; " + std::string(CXSIM_BINARY) + " run " + yaml_ +
                          " --format csv --out /dev/stdout 2>/dev/null | cat > " + got;
  ASSERT_EQ(std::system(("bash -c '" + cmd + "'").c_str()), 0);
  EXPECT_EQ(content(got).rfind("scenario,variant,scope,id,metric,value\n", 0), 0u);
}

TEST_F(CliOutputs, AFolderThatTakesNoNewFilesIsNamed) {
  const Result r = cxsim("run " + yaml_ + " --out /proc/version");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot write '/proc/version'"), std::string::npos) << r.err;
  // As root the file itself opens for writing; the folder is what refuses.
  if (::geteuid() == 0) {
    EXPECT_NE(r.err.find("no new file can be made in its folder '/proc'"), std::string::npos) << r.err;
  }
}

TEST_F(CliOutputs, AnUnwritableOutputIsFoundBeforeTheRun) {
  const std::string trace = dir_.path("t/trace.csv");
  const Result r =
      cxsim("run " + yaml_ + " --trace 10 --trace-out " + trace + " --out " + dir_.path("t/no/such/dir.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(trace)) << "no other output of the run is left behind";
  EXPECT_FALSE(leftovers());
  EXPECT_EQ(cxsim("run " + yaml_ + " --out " + dir_.path("t")).code, 2) << "a folder";
}

TEST_F(CliOutputs, AFullStandardOutputIsAFailure) {
  for (const std::string& cmd : {"check " + yaml_, "validate " + yaml_, "run " + yaml_, "exact " + yaml_}) {
    const int status = std::system((std::string(CXSIM_BINARY) + " " + cmd + " > /dev/full 2>/dev/null").c_str());
    EXPECT_EQ(WEXITSTATUS(status), 1) << cmd;
  }
  EXPECT_EQ(cxsim("run " + yaml_ + " --out /dev/full").code, 1);
}

TEST_F(CliOutputs, SigtermWhileWritingLeavesNoTemporaryFile) {
  const std::string trace = dir_.path("t/big.csv");
  const std::string cmd = "timeout -s TERM 0.5 " + std::string(CXSIM_BINARY) + " run " + yaml_ +
                          " --customers 1000 --trace 1000000 --trace-out " + trace + " >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 124) << "timeout saw it killed by SIGTERM (cxsim dies of the signal: 143)";
  EXPECT_FALSE(leftovers());
  EXPECT_FALSE(std::filesystem::exists(trace));
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(CliLimits, PrecisionSaysUpFrontHowManyCustomersItNeeds) {
  const Result r = cxsim("run " + scenario("broadband") + " --precision 0.0001 --customers 300000 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("needs about"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("more than the 300000 allowed (--customers): it will not be reached"), std::string::npos)
      << r.err;
}

TEST(CliLimits, ValidateRefusesJourneysTooBigForTheExactSolver) {
  test::ScratchDir dir;
  std::string tps = "id,reliability,relevance,value,trust,outcome\n", trs = "from,to,probability\n";
  const int n = 20001;
  for (int k = 0; k < n; ++k) {
    tps += "t" + std::to_string(k) + ",1,1,1,0," + (k + 1 == n ? "retained" : "") + "\n";
    if (k + 1 < n) trs += "t" + std::to_string(k) + ",t" + std::to_string(k + 1) + ",1\n";
  }
  dir.write("touchpoints.csv", tps);
  dir.write("transitions.csv", trs);
  const std::string yaml = dir.write("big.yaml",
                                     "name: Big\njourney:\n  start: t0\n  touchpoints: touchpoints.csv\n"
                                     "  transitions: transitions.csv\n");
  const Result r = cxsim("validate " + yaml);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("for journeys of up to 20000 touchpoints; this one has 20001"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(CliCommands, AnUnknownCommandSuggestsTheClosest) {
  const Result r = cxsim("chekc x.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'chekc' (did you mean 'check'?)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST_F(Cli, DotHeatColoursTouchpointsAndSizesArrowsByFlow) {
  const Result plain = cxsim("dot " + yaml_);
  const Result heat = cxsim("dot " + yaml_ + " --heat");
  ASSERT_EQ(heat.code, 0) << heat.err;
  EXPECT_EQ(plain.out.find("penwidth=0"), std::string::npos);
  EXPECT_NE(heat.out.find("fillcolor=\"#"), std::string::npos) << heat.out;
  EXPECT_NE(heat.out.find("penwidth="), std::string::npos);
  EXPECT_NE(heat.out.find("lost per 1,000 customers"), std::string::npos);  // the legend
  EXPECT_NE(heat.out.find("tooltip="), std::string::npos);
}

TEST(CliSpreadsheets, FormulaLikeTextIsNeutralisedAndNumbersStayNumbers) {
  test::ScratchDir dir;
  const std::string yaml =
      dir.write("f.yaml",
                "name: \"=HYPERLINK(\\\"http://x\\\")\"\njourney:\n  start: \"@start\"\n  touchpoints:\n"
                "    - {id: \"@start\", reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                "    - {id: \"-done\", reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                "  transitions:\n    - {from: \"@start\", to: \"-done\", probability: 1}\n"
                "simulation: {customers: 1000, seed: 5}\n");
  const Result r = cxsim("run " + yaml + " --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"'=HYPERLINK(\"\"http://x\"\")\",baseline,summary,,defection_rate,0."), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(",touchpoint,'@start,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(",touchpoint,'-done,"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(",=HYPERLINK"), std::string::npos) << r.out;
  const Result t = cxsim("run " + yaml + " --trace 1 --trace-out /dev/stdout --out /dev/null");
  EXPECT_NE(t.out.find(",'@start,"), std::string::npos) << t.out;
  // A batch reads its own neutralised cells back: resume keeps the row.
  const std::string out = dir.path("b.csv");
  ASSERT_EQ(cxsim("batch " + yaml + " --out " + out).code, 0);
  const Result again = cxsim("batch " + yaml + " --resume --out " + out);
  EXPECT_NE(again.err.find("0 scenarios run, 1 kept"), std::string::npos) << again.err;
}

TEST(CliNames, BidiOverridesAndC1ControlsAreRefused) {
  test::ScratchDir dir;
  for (const auto& [bad, code] : {std::pair<std::string, std::string>{"install\u202Edeliaf", "U+202E"},
                                  {"install\u2066x", "U+2066"},
                                  {"install\u0085x", "U+0085"}}) {
    const std::string yaml =
        dir.write("n.yaml", "name: N\njourney:\n  start: \"" + bad +
                                "\"\n  touchpoints:\n"
                                "    - {id: \"" +
                                bad +
                                "\", reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                                "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                                "  transitions:\n    - {from: \"" +
                                bad + "\", to: z, probability: 1}\n");
    const Result r = cxsim("check " + yaml);
    EXPECT_EQ(r.code, 2) << code;
    EXPECT_NE(r.out.find(code), std::string::npos) << r.out;
  }
}

TEST(CliReport, BackslashesInNamesSurviveInTheMapAndItsTooltips) {
  test::ScratchDir dir;
  const std::string yaml =
      dir.write("b.yaml",
                "name: B\njourney:\n  start: 'C:\\Nightly\\Export'\n  touchpoints:\n"
                "    - {id: 'C:\\Nightly\\Export', reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                "  transitions:\n    - {from: 'C:\\Nightly\\Export', to: z, probability: 1}\n"
                "simulation: {customers: 1000, seed: 3}\n");
  const std::string html = dir.path("b.html");
  const Result r = cxsim("report " + yaml + " --out " + html);
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream f(html);
  const std::string page((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("C:\\Nightly\\Export&#10;"), std::string::npos) << "the touchpoint's tooltip";
  EXPECT_NE(page.find("C:\\Nightly\\Export &#45;&gt; z"), std::string::npos) << "the transition's tooltip";
  EXPECT_EQ(page.find("ightlyxport"), std::string::npos) << "no \\N or \\E expanded by Graphviz";
  EXPECT_EQ(page.find("C:NightlyExport"), std::string::npos);
}

// A journey of n touchpoints in stages of ten, each leading on to the next and, with
// `cross`, also back or forward to a touchpoint picked by a fixed rule: Graphviz's hard case.
std::string tangled_journey(const test::ScratchDir& dir, std::size_t n, bool cross) {
  std::string tps = "id,stage,reliability,relevance,value,trust,recovery,outcome\n";
  std::string trs = "from,to,probability\n";
  for (std::size_t k = 0; k < n; ++k) {
    tps += "t" + std::to_string(k) + ",s" + std::to_string(k / 10) + ",0.95,0.9,0.8,0,,\n";
    const std::string next = k + 1 < n ? "t" + std::to_string(k + 1) : "done";
    trs += "t" + std::to_string(k) + "," + next + (cross ? ",0.9\n" : ",1\n");
    if (cross) trs += "t" + std::to_string(k) + ",t" + std::to_string((k * 7919 + 13) % n) + ",0.1\n";
  }
  tps += "done,end,1,1,1,0,,retained\n";
  dir.write("touchpoints.csv", tps);
  dir.write("transitions.csv", trs);
  return dir.write("scenario.yaml",
                   "name: Tangled\njourney:\n  start: t0\n  touchpoints: touchpoints.csv\n"
                   "  transitions: transitions.csv\nsegments:\n  - {name: a, share: 1, value_expectation: 0.5, "
                   "sensitivity: {reliability: 0.1, value: 0.1}, silent_churn: 0.1}\n"
                   "simulation: {customers: 2000, seed: 5, max_steps: 100000}\n");
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Only cxsim's own progress lines: nothing of Graphviz's internals.
void expect_quiet(const std::string& err) {
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) EXPECT_EQ(line.rfind("cxsim: ", 0), 0u) << line;
}

TEST(CliReport, ATangledMapIsDrawnQuietly) {
  test::ScratchDir dir;
  const std::string yaml = tangled_journey(dir, 100, true);
  const Result r = cxsim("report " + yaml + " --out " + dir.path("r.html"));
  ASSERT_EQ(r.code, 0) << r.err;
  expect_quiet(r.err);
  const std::string html = read_all(dir.path("r.html"));
  EXPECT_NE(html.find("id=\"tp&#45;t99\""), std::string::npos) << "drawn touchpoint by touchpoint";
}

TEST(CliReport, AJourneyTooLargeToLayOutIsMappedByStage) {
  test::ScratchDir dir;
  const std::string yaml = tangled_journey(dir, 300, true);
  const Result r = cxsim("report " + yaml + " --out " + dir.path("r.html"));
  ASSERT_EQ(r.code, 0) << r.err;
  expect_quiet(r.err);
  const std::string html = read_all(dir.path("r.html"));
  EXPECT_NE(html.find("The map shows stages, not touchpoints: the journey has 301 touchpoints and 600 transitions"),
            std::string::npos);
  EXPECT_EQ(html.find("id=\"tp&#45;t299\""), std::string::npos) << "no touchpoint-level map";
  EXPECT_NE(html.find("<svg"), std::string::npos) << "a map is drawn";
  EXPECT_NE(html.find(">s29<"), std::string::npos) << "the last stage";
}

TEST(CliReport, AJourneyWithTooManyStagesHasNoMapAndSaysWhy) {
  test::ScratchDir dir;
  std::string yaml = tangled_journey(dir, 2000, false);
  const Result r = cxsim("report " + yaml + " --customers 1000 --out " + dir.path("r.html"));
  ASSERT_EQ(r.code, 0) << r.err;
  expect_quiet(r.err);
  const std::string html = read_all(dir.path("r.html"));
  EXPECT_NE(html.find("No map: the journey has 2001 touchpoints and 2000 transitions in 201 stages and endings"),
            std::string::npos);
}

TEST(CliReport, TheReproduceLineNamesFilesRelativeToThePageAndTheProgramAsCxsim) {
  test::ScratchDir dir;
  const std::string yaml = tangled_journey(dir, 12, false);
  std::filesystem::create_directories(dir.path("pages"));
  const Result r = cxsim("report " + yaml + " --customers 1500 --seed 9 --out " + dir.path("pages/r.html"));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = read_all(dir.path("pages/r.html"));
  EXPECT_NE(html.find("<code>cxsim report ../scenario.yaml --seed 9 --customers 1500 --out r.html</code>"),
            std::string::npos);
  EXPECT_NE(html.find("Scenario <code>../scenario.yaml</code>"), std::string::npos);
  EXPECT_NE(html.find("1,500 customers."), std::string::npos) << "thousands separated";
  EXPECT_EQ(html.find(CXSIM_BINARY), std::string::npos) << "no path of the binary";
  EXPECT_EQ(html.find(dir.path("")), std::string::npos) << "no absolute path";
}

TEST(CliReport, SeveralScenariosMakeOnePortfolioPage) {
  test::ScratchDir dir;
  const std::string page = dir.path("portfolio.html");
  const Result r =
      cxsim("report " + scenario("broadband") + " " + scenario("car_repair") + " --customers 3000 --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = read_all(page);
  EXPECT_NE(html.find("<h1>Portfolio: 2 journeys, 5 redesigns</h1>"), std::string::npos);
  EXPECT_NE(html.find("id=\"table-decisions\""), std::string::npos);
  EXPECT_NE(html.find("id=\"s1-chart-touchpoints\""), std::string::npos);
  EXPECT_NE(html.find("id=\"s2-chart-touchpoints\""), std::string::npos);
  EXPECT_NE(html.find("right_first_time_install"), std::string::npos) << "broadband's redesigns";
  EXPECT_NE(html.find("body_shop_owner"), std::string::npos) << "car repair's redesigns";
  EXPECT_NE(html.find("--customers 3000 --out portfolio.html</code>"), std::string::npos);
  // One scenario's options do not apply to several, and no input is overwritten.
  const Result v = cxsim("report " + scenario("broadband") + " " + scenario("car_repair") + " --variant x --out " +
                         dir.path("p2.html"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find("--segment and --variant are for the report of one scenario"), std::string::npos) << v.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path("p2.html")));
  const std::string source = std::string(CXSIM_SOURCE_DIR) + "/scenarios/car_repair/";
  dir.write("touchpoints.csv", read_all(source + "touchpoints.csv"));
  const std::string table = dir.write("transitions.csv", read_all(source + "transitions.csv"));
  const std::string copy = dir.write("s.yaml", read_all(scenario("car_repair")));
  const Result overwrite = cxsim("report " + scenario("broadband") + " " + copy + " --customers 1000 --out " + table);
  EXPECT_EQ(overwrite.code, 2);
  EXPECT_EQ(read_all(table), read_all(source + "transitions.csv")) << "an input is never overwritten";
}

TEST_F(Cli, ReportRefusesBadRequestsAndWritesNothing) {
  const std::string page = dir_.path("r.html");
  EXPECT_EQ(cxsim("report " + yaml_).code, 2);  // no --out
  EXPECT_EQ(cxsim("report " + yaml_ + " --variant nope --out " + page).code, 2);
  EXPECT_EQ(cxsim("report " + yaml_ + " --out " + yaml_).code, 2);
  EXPECT_EQ(cxsim("report " + yaml_ + " --customers 0 --out " + page).code, 2);
  EXPECT_FALSE(std::filesystem::exists(page));
}

TEST_F(Cli, ReportWithoutRedesignsSaysSoInsteadOfAnEmptySection) {
  const std::string yaml =
      dir_.write("plain.yaml",
                 "name: Plain\njourney:\n  start: a\n  touchpoints:\n"
                 "    - {id: a, reliability: 0.8, relevance: 1, value: 1, trust: 0}\n"
                 "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                 "  transitions:\n    - {from: a, to: z, probability: 1}\n"
                 "simulation: {customers: 5000, seed: 5}\n");
  const std::string page = dir_.path("plain.html");
  const Result r = cxsim("report " + yaml + " --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(html.find("id=\"redesigns\""), std::string::npos);
  EXPECT_NE(html.find("No redesigns"), std::string::npos);
  EXPECT_NE(html.find("id=\"what-to-fix\""), std::string::npos);
}

TEST(CliWarnings, ALongRedesignNameDoesNotCutItsWarningShort) {
  test::ScratchDir dir;
  const std::string name(400, 'r');
  const std::string yaml =
      looping_scenario(dir, "variants:\n  - name: " + name + "\n    touchpoints:\n      a: {reliability: 0.99}\n");
  const Result r = cxsim("compare " + yaml + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  bool whole = false;
  for (const auto& w : j["warnings"]) {
    const auto text = w.get<std::string>();
    whole |= text.rfind("'" + name + "'", 0) == 0 && text.find("its exact defection rate") != std::string::npos;
  }
  EXPECT_TRUE(whole) << j["warnings"].dump();
}

// ---- cxsim report --batch: the portfolio page of a batch's own figures ----

// The page's decision table: the section from its heading to its end.
std::string decisions_of(const std::string& html) {
  const auto at = html.find("<section id=\"decisions\">");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</section>", at) - at);
}

// A percentage-point change as the page writes it.
std::string pp_text(double difference) {
  return fixed_text(100.0 * difference, 2, true);
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CliReport, ABatchResultsFileMakesThePortfolioPageOfItsOwnFigures) {
  test::ScratchDir dir;
  std::filesystem::create_directories(dir.path("pages"));
  const std::string jsonl = dir.path("results.jsonl"), csv = dir.path("results.csv");
  const std::string both = scenario("broadband") + " " + scenario("car_repair") + " --customers 3000 --threads 2";
  ASSERT_EQ(cxsim("batch " + both + " --format json --out " + jsonl).code, 0);
  ASSERT_EQ(cxsim("batch " + both + " --out " + csv).code, 0);
  const std::string page = dir.path("pages/batch.html");
  const Result r = cxsim("report --batch " + jsonl + " --threads 2 --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos)
      << "each section, walked again with the batch's seed and customers, has the batch's figures:\n"
      << r.err;
  const std::string html = read_all(page);
  EXPECT_NE(html.find("<h1>Portfolio: 2 journeys, 5 redesigns</h1>"), std::string::npos);
  EXPECT_NE(html.find("id=\"s1-chart-touchpoints\""), std::string::npos);
  EXPECT_NE(html.find("id=\"s2-chart-forest\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"portfolio-warnings\""), std::string::npos) << "nothing to warn about";
  EXPECT_NE(html.find("id=\"cxsim-batch\""), std::string::npos) << "the rows as read, in the page";
  // Every redesign row of the file is in the table with the file's own figures.
  const std::string table = decisions_of(html);
  std::ifstream rows(jsonl);
  std::size_t redesigns = 0;
  for (std::string line; std::getline(rows, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["variant"] == "baseline") continue;
    ++redesigns;
    const std::string name = j["variant"].get<std::string>();
    EXPECT_NE(table.find("<b>" + name + "</b>"), std::string::npos) << name;
    const std::string change = "<td>" + pp_text(j["difference_vs_baseline"].get<double>()) + "</td><td>" +
                               pp_text(j["difference_ci95_low"].get<double>()) + " to " +
                               pp_text(j["difference_ci95_high"].get<double>()) + "</td>";
    EXPECT_NE(table.find(change), std::string::npos) << name << ": " << change;
    if (j["net_benefit_per_year"].is_number()) {
      const std::string currency = j["currency"].get<std::string>();
      const std::string money = "<td>" + money_text(j["net_benefit_per_year"].get<double>(), currency) +
                                " a year</td><td>" + money_text(j["net_benefit_ci95_low"].get<double>(), currency) +
                                " to " + money_text(j["net_benefit_ci95_high"].get<double>(), currency) + "</td>";
      EXPECT_NE(table.find(money), std::string::npos) << name << ": " << money;
    }
  }
  EXPECT_EQ(redesigns, 5u);
  // The CSV of the same batch makes the same table (the CSV holds 15 significant digits).
  const std::string from_csv = dir.path("pages/csv.html");
  ASSERT_EQ(cxsim("report --batch " + csv + " --threads 2 --out " + from_csv).code, 0);
  const auto without_source = [](std::string t) {
    const auto a = t.find("<p class=\"note\" id=\"decisions-source\">");
    if (a != std::string::npos) t.erase(a, t.find("</p>", a) - a);
    return t;
  };
  EXPECT_EQ(without_source(decisions_of(read_all(from_csv))), without_source(table));
  // How to make it again, from the page's folder: the page, and the batch behind its table.
  EXPECT_NE(html.find("<code>cxsim report --batch ../results.jsonl --out batch.html</code>"), std::string::npos);
  EXPECT_NE(
      html.find("scenarios/car_repair/scenario.yaml --customers 3000 --format json --out ../results.jsonl</code>"),
      std::string::npos);
  EXPECT_EQ(html.find(dir.path("")), std::string::npos) << "no absolute path";
}

TEST(CliReport, TheBatchPageShowsTheFilesFiguresNotASimulationAgain) {
  test::ScratchDir dir;
  const std::string results = dir.path("r.csv");
  ASSERT_EQ(cxsim("batch " + scenario("car_repair") + " --customers 2000 --threads 2 --out " + results).code, 0);
  // One figure edited in the file: the table shows it, and the section (simulated again) does not
  // agree with it, which the page and standard error say.
  std::ifstream in(results);
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (line.find(",body_shop_owner,") != std::string::npos) {
      std::vector<std::string> cells;
      std::stringstream ss(line);
      for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
      if (line.back() == ',') cells.emplace_back();
      ASSERT_EQ(cells.size(), 49u);
      cells[14] = "-0.123456";  // difference_vs_baseline
      cells[15] = "-0.13";
      cells[16] = "-0.11";
      line.clear();
      for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
    }
    text += line + "\n";
  }
  const std::string edited = dir.write("edited.csv", text);
  const std::string page = dir.path("p.html");
  const Result r = cxsim("report --batch " + edited + " --threads 2 --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string table = decisions_of(read_all(page));
  EXPECT_NE(table.find("<td>-12.35</td><td>-13.00 to -11.00</td>"), std::string::npos) << table;
  EXPECT_NE(r.err.find("the change of 'body_shop_owner' is not the batch's"), std::string::npos) << r.err;
  EXPECT_NE(read_all(page).find("id=\"portfolio-warnings\""), std::string::npos);
}

TEST(CliReport, ABatchPageRefusesWhatIsNotAWholeBatchAndWritesNothing) {
  test::ScratchDir dir;
  const std::string results = dir.path("r.csv");
  ASSERT_EQ(cxsim("batch " + scenario("car_repair") + " --customers 2000 --threads 2 --out " + results).code, 0);
  const std::string whole = read_all(results), page = dir.path("p.html");
  ASSERT_EQ(line_count(whole), 4u) << "the header and three rows";
  const auto refused = [&](const std::string& file, const std::string& message) {
    const Result r = cxsim("report --batch " + file + " --out " + page);
    EXPECT_EQ(r.code, 2) << file << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(page)) << file;
  };
  refused(dir.write("notes.csv", "hello,world\n1,2\n"),
          "notes.csv:1: error: this is not the header of a cxsim batch file");
  refused(dir.write("empty.csv", ""), "empty.csv:1: error: the file is empty");
  // A batch killed while writing its last row: the line it stopped in.
  refused(dir.write("cut.csv", whole.substr(0, whole.size() - 30)),
          "cut.csv:4: error: the file ends part-way through this line");
  // A row cut short although its line ends.
  const std::string last = whole.substr(whole.rfind('\n', whole.size() - 2) + 1);
  refused(dir.write("short.csv", whole.substr(0, whole.size() - last.size()) + last.substr(0, 60) + "\n"),
          "short.csv:4: error: this is not a row of a cxsim batch");
  refused(dir.write("number.csv", whole.substr(0, whole.size() - last.size()) +
                                      std::regex_replace(last, std::regex(",2000,"), ",many,")),
          "number.csv:4: error: 'customers' is not a whole number");
  refused(dir.write("twice.csv", whole + whole.substr(whole.find('\n') + 1)),
          "twice.csv:5: error: scenario '" + scenario("car_repair") + "' has a row of 'baseline' here and at line 2");
  refused(dir.write("part.csv", std::regex_replace(whole, std::regex(",1/1,"), ",2/3,")),
          "holds only shard 2/3 of a batch; merge every shard first");
  refused(dir.write("header.csv", whole.substr(0, whole.find('\n') + 1)),
          "holds the header of a cxsim batch but no rows");
  // JSON Lines the same way.
  const std::string jsonl = dir.path("r.jsonl");
  ASSERT_EQ(cxsim("batch " + scenario("car_repair") + " --customers 2000 --format json --out " + jsonl).code, 0);
  const std::string lines = read_all(jsonl);
  refused(dir.write("cut.jsonl", lines.substr(0, lines.size() - 30)),
          "cut.jsonl:3: error: the file ends part-way through this line");
  refused(dir.write("bad.jsonl", lines.substr(0, lines.find('\n') + 1) + "{\"scenario_file\": 3}\n"),
          "bad.jsonl:2: error: this is not a row of a cxsim batch");
  // Options that do not go with a batch.
  refused(results + " " + scenario("car_repair"), "name no scenario files with it");
  refused(results + " --seed 4", "--seed does not go with --batch");
  refused(results + " --variant body_shop_owner", "--segment and --variant are for the report of one scenario");
  EXPECT_EQ(cxsim("report --batch " + results + " --out " + results).code, 2) << "the results file is an input";
  EXPECT_EQ(read_all(results), whole);
}

TEST(CliReport, ABatchPageSaysWhichScenariosAreGoneOrChangedAndStillShowsTheirRows) {
  test::ScratchDir dir;
  namespace fs = std::filesystem;
  const std::string source = std::string(CXSIM_SOURCE_DIR) + "/scenarios/";
  fs::create_directories(dir.path("in"));
  fs::copy(source + "car_repair", dir.path("in/car"), fs::copy_options::recursive);
  fs::copy(source + "b2b_onboarding", dir.path("in/b2b"), fs::copy_options::recursive);
  fs::copy(source + "broadband", dir.path("in/broadband"), fs::copy_options::recursive);
  const std::string results = dir.path("r.csv");
  ASSERT_EQ(cxsim("batch " + dir.path("in") + " --customers 2000 --threads 2 --out " + results).code, 0);
  std::ofstream(dir.path("in/car/scenario.yaml"), std::ios::app) << "# edited after the batch\n";
  fs::rename(dir.path("in/b2b"), dir.path("b2b-moved"));
  const std::string page = dir.path("p.html");
  const Result r = cxsim("report --batch " + results + " --threads 2 --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: The scenario file '" + dir.path("in/car/scenario.yaml") +
                       "' has changed since the batch ran it"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: The scenario file '" + dir.path("in/b2b/scenario.yaml") + "' the batch ran is gone"),
            std::string::npos)
      << r.err;
  const std::string html = read_all(page);
  EXPECT_NE(html.find("id=\"portfolio-warnings\""), std::string::npos);
  EXPECT_NE(html.find("has changed since the batch ran it"), std::string::npos);
  EXPECT_NE(html.find("the batch ran is gone"), std::string::npos);
  // Every scenario's rows are still in the table; only broadband (unchanged) has its sections.
  const std::string table = decisions_of(html);
  for (const char* name : {"body_shop_owner", "dedicated_onboarding_manager", "right_first_time_install"})
    EXPECT_NE(table.find(std::string("<b>") + name + "</b>"), std::string::npos) << name;
  EXPECT_NE(html.find("id=\"s1-no-section\""), std::string::npos) << "b2b (the batch's first, by path) is gone";
  EXPECT_NE(html.find("id=\"s2-chart-touchpoints\""), std::string::npos) << "broadband is unchanged";
  EXPECT_NE(html.find("id=\"s3-no-section\""), std::string::npos) << "car repair has changed";
  EXPECT_EQ(html.find("id=\"s1-chart-touchpoints\""), std::string::npos);
}

TEST(CliReport, ABatchPageFindsTheScenariosFromTheResultsFilesFolder) {
  test::ScratchDir dir;
  namespace fs = std::filesystem;
  fs::create_directories(dir.path("in"));
  fs::copy(std::string(CXSIM_SOURCE_DIR) + "/scenarios/car_repair", dir.path("in/car"), fs::copy_options::recursive);
  // The batch names its scenario relative to the folder it ran in, the results file's; the page is
  // made from another folder.
  ASSERT_EQ(std::system(("cd " + dir.path("") + " && " + CXSIM_BINARY +
                         " batch in --customers 2000 --out r.csv >/dev/null 2>&1")
                            .c_str()),
            0);
  ASSERT_NE(read_all(dir.path("r.csv")).find("\nin/car/scenario.yaml,"), std::string::npos) << "recorded relative";
  const std::string page = dir.path("pages/p.html");
  fs::create_directories(dir.path("pages"));
  const Result r = cxsim("report --batch " + dir.path("r.csv") + " --threads 2 --out " + page);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  const std::string html = read_all(page);
  EXPECT_NE(html.find("id=\"s1-chart-touchpoints\""), std::string::npos);
  EXPECT_NE(html.find("<code>cxsim batch ../in/car/scenario.yaml --customers 2000 --out ../r.csv</code>"),
            std::string::npos);
}

}  // namespace
}  // namespace cxsim
