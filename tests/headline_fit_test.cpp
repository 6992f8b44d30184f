// Fit to a known headline: one factor on every sensitivity meets a defection rate, exactly.
// Hand-derived answers on tiny journeys, and the command as a designer uses it.
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "sim/exact_solver.hpp"
#include "sim/headline_fit.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

// One touchpoint failing 20% of the time, then a retained ending; no silent churn. The defection
// rate is 0.2 (1 - e^(-0.5 k)), so a target of 0.1 needs e^(-0.5 k) = 0.5: k = 2 ln 2.
TEST(HeadlineFit, FindsTheHandDerivedFactor) {
  const Journey j({touchpoint("a", 0.8), retained("done")}, {{0, 1, 1.0, When::any}}, 0);
  const HeadlineFit fit = fit_headline(j, Population({segment(0.5)}), 0.1);
  EXPECT_NEAR(fit.factor, 2.0 * std::log(2.0), 1e-9);
  EXPECT_NEAR(fit.defection_rate_after, 0.1, 1e-12);
  EXPECT_NEAR(fit.defection_rate_before, 0.2 * (1 - std::exp(-0.5)), 1e-12);
  EXPECT_NEAR(fit.population.segment(0).reliability_sensitivity, 0.5 * fit.factor, 1e-12);
}

TEST(HeadlineFit, ScalesEverySensitivityOfEverySegmentByTheSameFactor) {
  Segment a = segment(0.4, 0.2, 0.3, 0.6, 0.5, 0.0, 0.5, "a"), b = segment(0.1, 0.05, 0.2, 0.6, 0.5, 0.0, 0.5, "b");
  a.effort_sensitivity = 0.3;
  const Population scaled = scaled_sensitivities(Population({a, b}), 1.5);
  EXPECT_DOUBLE_EQ(scaled.segment(0).reliability_sensitivity, 0.6);
  EXPECT_DOUBLE_EQ(scaled.segment(0).effort_sensitivity, 0.45);
  EXPECT_DOUBLE_EQ(scaled.segment(1).value_sensitivity, 0.3);
  EXPECT_DOUBLE_EQ(scaled.segment(1).silent_churn, 0.5) << "silent churn is not a sensitivity";
  EXPECT_DOUBLE_EQ(scaled.segment(1).value_expectation, 0.6);
}

TEST(HeadlineFit, ATargetOutsideWhatAnyFactorReachesSaysTheRange) {
  // Routed defection of 40% happens with no friction at all: no factor gets below it.
  const Journey j({touchpoint("a", 0.8), retained("done"), defected("gone")},
                  {{0, 1, 0.6, When::any}, {0, 2, 0.4, When::any}}, 0);
  try {
    fit_headline(j, Population({segment(0.5)}), 0.3);
    FAIL() << "expected std::domain_error";
  } catch (const std::domain_error& e) {
    EXPECT_NE(std::string(e.what()).find("reaches from 40.000% (no friction at all"), std::string::npos) << e.what();
  }
}

TEST(HeadlineFitCli, TheFittedFileMeetsTheTargetExactly) {
  ScratchDir dir;
  const std::string fitted = dir.path("fitted.yaml");
  const Result r = cxsim("calibrate " + scenario("car_repair") + " --defection-rate 0.3 --format json --out " + fitted);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["defection_rate_after"].get<double>(), 0.3, 1e-9);
  const Result e = cxsim("exact " + fitted + " --format json");
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_NEAR(nlohmann::json::parse(e.out)["defection_rate"].get<double>(), 0.3, 1e-9);
}

TEST(HeadlineFitCli, APercentageGetsAHintAndNothingIsWritten) {
  ScratchDir dir;
  const std::string fitted = dir.path("fitted.yaml");
  const Result r = cxsim("calibrate " + scenario("car_repair") + " --defection-rate 30 --out " + fitted);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--defection-rate must be a share in [0, 1] (30% is 0.3); did you mean 0.3?"), std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(fitted));
}

TEST(HeadlineFitCli, AnUnreachableTargetFailsAndWritesNothing) {
  ScratchDir dir;
  const std::string fitted = dir.path("fitted.yaml");
  const Result r = cxsim("calibrate " + scenario("car_repair") + " --defection-rate 0.01 --out " + fitted);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("no factor gives a defection rate of 1.0000%"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(fitted));
}

TEST(HeadlineFitCli, ObservedCountsAndAHeadlineDoNotMix) {
  const Result r =
      cxsim("calibrate " + scenario("car_repair") + " --defection-rate 0.3 --fit a.reliability --out x.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("it takes no --observed or --fit"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cxsim
