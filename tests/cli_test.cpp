// The cxsim command as users meet it: exit codes, output files, formats, traces.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.hpp"

namespace cxsim {
namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

Result cxsim(const std::string& args) {
  static test::ScratchDir dir;
  const std::string out = dir.path("stdout"), err = dir.path("stderr");
  const std::string cmd = std::string(CXSIM_BINARY) + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out), e(err);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

std::string scenario(const std::string& name) {
  return std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + name + "/scenario.yaml";
}

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
  const std::string bad = dir_.write("bad.yaml", "name: X\njourney:\n  start: a\n  touchpoints: []\n  transitions: []\nsegmnts: 1\n");
  const Result r = cxsim("check " + bad);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("bad.yaml:6:1: error: unknown key 'segmnts'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 errors"), std::string::npos) << r.out;
}

TEST_F(Cli, RunWritesTheJsonContract) {
  const Result r = cxsim("run " + yaml_ + " --format json --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"scenario", "variant", "method", "customers", "seed", "threads", "defection_rate",
                          "defection_ci95", "outcomes", "abandonment_by_cause", "touchpoints", "segments",
                          "elapsed_seconds", "visits_per_second"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["variant"], "baseline");
  EXPECT_EQ(j["method"], "monte_carlo");
  EXPECT_EQ(j["customers"], 20000);
  EXPECT_EQ(j["threads"], 2);
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
  const auto j = nlohmann::json::parse(cxsim("run " + yaml_ + " --format json --customers 1234 --seed 77 --variant better").out);
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
  for (const char* args : {"--seed -1", "--seed 010", "--customers 0", "--customers 1e6", "--format xml",
                           "--threads abc", "--precision 0", "--precision nan", "--variant nope",
                           "--trace 5", "--out /nonexistent/dir/x.json", "--bogus"}) {
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
  EXPECT_EQ(header, "customer,segment,step,touchpoint,failed,averted,repeated,friction_added,load,forgiven,guard,outcome");
  int abandoned = 0, customers_ended = 0;
  while (std::getline(f, line)) {
    const auto last = line.substr(line.rfind(',') + 1);
    if (!last.empty()) ++customers_ended;
    if (last == "abandoned") ++abandoned;
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

TEST_F(Cli, TableShowsOutcomesAndRankedTouchpoints) {
  const Result r = cxsim("run " + yaml_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("defection rate"), std::string::npos);
  EXPECT_NE(r.out.find("where customers are lost"), std::string::npos);
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

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(CliWarnings, ManyUnfinishedCustomersAreWarnedAboutWithTheExactRate) {
  // a loops on itself 95% of the time: with max_steps 5 most customers never finish.
  test::ScratchDir dir;
  const std::string yaml =
      dir.write("loop.yaml",
                "name: Loop\njourney:\n  start: a\n  touchpoints:\n"
                "    - {id: a, reliability: 0.9, relevance: 1, value: 1, trust: 0}\n"
                "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
                "  transitions:\n    - {from: a, to: z, probability: 0.05}\n    - {from: a, to: a, probability: 0.95}\n"
                "segments:\n  - {name: all, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, silent_churn: 0}\n"
                "simulation: {customers: 5000, seed: 3, max_steps: 5}\n");
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

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(CliThreads, EveryCommandCapsTheThreadCount) {
  for (const char* command : {"run", "validate"}) {
    const Result r = cxsim(std::string(command) + " " + scenario("broadband") + " --threads 100000");
    EXPECT_EQ(r.code, 2) << command << ": " << r.err;
    EXPECT_NE(r.err.find("--threads must be at most 4096"), std::string::npos) << command << ": " << r.err;
  }
}

}  // namespace
}  // namespace cxsim
