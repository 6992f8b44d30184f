// Every bundled scenario and every one of its variants: valid, and the Monte Carlo engine agrees
// with the exact solver within 5 standard errors (binomial / batch means, fixed seed 7).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "analysis/compare_arms.hpp"
#include "io/comparison.hpp"
#include "io/scenario.hpp"
#include "sim/engine_agreement.hpp"

namespace cxsim {
namespace {

class BundledScenario : public ::testing::TestWithParam<const char*> {
 protected:
  std::string path() const { return std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + GetParam() + "/scenario.yaml"; }
};

TEST_P(BundledScenario, IsValidWithoutWarnings) {
  const CheckedScenario c = check_scenario(path());
  EXPECT_TRUE(c.diagnostics.all().empty()) << c.diagnostics.all().front().to_string();
  EXPECT_GE(c.scenario.variants.size(), 2u);
}

TEST_P(BundledScenario, EveryVariantAgreesWithTheExactSolver) {
  const CheckedScenario c = check_scenario(path());
  std::vector<std::string> variants{"baseline"};
  for (const auto& v : c.scenario.variants) variants.push_back(v.name);
  WalkSettings walk;
  walk.seed = 7;
  for (const auto& name : variants) {
    const LoadedScenario l = load_scenario(path(), name);
    const ExactSolution exact = solve_exact(l.model.journey, l.model.population);
    const Agreement a = compare_engines(l.model.journey, l.model.population, walk, 200000, exact);
    const FigureCheck* w = a.worst();
    ASSERT_NE(w, nullptr);
    EXPECT_TRUE(a.agrees(5.0)) << name << ": " << w->figure << " monte carlo " << w->monte_carlo << " exact "
                               << w->exact << " z " << w->z;
  }
}

TEST_P(BundledScenario, PairedIntervalsAreNarrowerThanUnpairedOnes) {
  const LoadedScenario base = load_scenario(path(), "");
  ComparisonInput in;
  in.arms.push_back(ComparisonArm{"baseline", base.scenario.name, base.model, std::nullopt});
  for (const auto& v : base.scenario.variants) {
    const LoadedScenario l = load_scenario(path(), v.name);
    in.arms.push_back(ComparisonArm{v.name, base.scenario.name, l.model, std::nullopt});
  }
  in.settings.customers = 100000;
  in.settings.walk.seed = 7;
  const ComparisonResult r = compare_arms(in);
  for (const auto& v : r.variants) {
    const double ratio = v.defection.standard_error / v.unpaired_standard_error;
    RecordProperty(v.name, std::to_string(ratio));
    std::printf("%s / %s: paired / unpaired standard error = %.3f\n", GetParam(), v.name.c_str(), ratio);
    EXPECT_LT(ratio, 1.0) << v.name;
    EXPECT_LE(std::fabs(v.defection.z_vs_exact), 5.0) << v.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BundledScenario, ::testing::Values("broadband", "car_repair", "b2b_onboarding"));

}  // namespace
}  // namespace cxsim
