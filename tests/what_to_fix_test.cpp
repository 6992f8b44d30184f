// What to fix first (`sensitivity`) and response curves (`sweep`): the ranking, its exact deltas,
// the JSON contract, and the curve's points against the exact solver and Monte Carlo.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analysis/sensitivity_study.hpp"
#include "analysis/sweep_study.hpp"
#include "cli_support.hpp"
#include "io/diagnostics.hpp"
#include "io/scenario.hpp"
#include "random_journeys.hpp"
#include "sim/exact_solver.hpp"
#include "sim/sensitivity.hpp"
#include "sim/sweep.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using test::cxsim;
using test::Result;
using test::scenario;

TEST(Sensitivity, StepDeltasAreExactResolvesRankedBestFirst) {
  const auto all = test::scenarios();
  for (std::size_t n = 0; n < 10; ++n) {
    const auto& [j, p] = all[n];
    const double base = solve_exact(j, p).figures.defection_rate();
    const SensitivityResult r = analyse_sensitivity(j, p, {0.05, 5});
    EXPECT_NEAR(r.defection_rate, base, 1e-13);
    std::optional<double> previous;
    std::size_t solved = 0;
    for (const auto& x : r.parameters) {
      if (!x.delta_step) continue;
      ++solved;
      ASSERT_TRUE(x.touchpoint.has_value()) << "only touchpoint attributes are fixes";
      const double changed =
          solve_exact(with_attribute(j, *x.touchpoint, x.attribute, x.improved), p).figures.defection_rate();
      EXPECT_NEAR(*x.delta_step, changed - base, 1e-13);
      const double perfect =
          solve_exact(with_attribute(j, *x.touchpoint, x.attribute, 1.0), p).figures.defection_rate();
      EXPECT_NEAR(*x.delta_perfect, perfect - base, 1e-13);
      if (previous) {
        EXPECT_LE(*previous, *x.delta_step) << "journey " << n;
      }
      previous = x.delta_step;
    }
    EXPECT_LE(solved, 5u);
  }
}

TEST(Sensitivity, FirstOrderEstimateMatchesTheExactDeltaForSmallSteps) {
  // delta = derivative x step + O(step^2): at a step of 1e-4 the two agree to about 1e-8.
  const auto all = test::scenarios();
  for (std::size_t n = 0; n < 10; ++n) {
    const auto& [j, p] = all[n];
    const SensitivityResult r = analyse_sensitivity(j, p, {1e-4, 3});
    for (const auto& x : r.parameters) {
      if (x.delta_step) {
        EXPECT_NEAR(*x.delta_step, x.predicted_step, 1e-7 + 1e-3 * std::fabs(x.predicted_step));
      }
    }
  }
}

TEST(Sensitivity, AttributesAlreadyPerfectAreNoCandidates) {
  using test::touchpoint;
  std::vector<Touchpoint> tps{touchpoint("a", 1.0, 1.0, 1.0, 1.0), touchpoint("b", 0.6, 0.5, 0.3), test::retained("z")};
  const Journey j(std::move(tps), {{0, 1, 1.0}, {1, 2, 1.0}}, 0);
  const Population p({test::segment(1.0, 0.5, 0.8, 0.6, 0.3)});
  const SensitivityResult r = analyse_sensitivity(j, p, {0.05, 100});
  for (const auto& x : r.parameters) {
    if (x.touchpoint && *x.touchpoint == 0) {
      EXPECT_FALSE(x.delta_step.has_value()) << x.attribute_name();
    }
  }
  // b's reliability, relevance, value and trust are all candidates (b has seen a: relevance bites).
  std::size_t solved = 0;
  for (const auto& x : r.parameters) solved += x.delta_step.has_value();
  EXPECT_EQ(solved, 4u);
}

TEST(Sensitivity, TopPickAppliedAsAVariantGivesTheDeltaItPredicted) {
  test::ScratchDir dir;
  const auto src = std::filesystem::path(scenario("broadband")).parent_path();
  for (const auto& f : std::filesystem::directory_iterator(src))
    std::filesystem::copy_file(f.path(), dir.path(f.path().filename().string()));
  const Result r = cxsim("sensitivity " + dir.path("scenario.yaml") + " --format json --top 5");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& top = j["parameters"][0];
  ASSERT_TRUE(top["touchpoint"].is_string());
  {
    std::ofstream yaml(dir.path("scenario.yaml"), std::ios::app);
    yaml << "\n  - name: top_pick\n    touchpoints:\n      " << top["touchpoint"].get<std::string>() << ": {"
         << top["attribute"].get<std::string>() << ": " << top["improved"].get<double>() << "}\n";
  }
  const Result base = cxsim("exact " + dir.path("scenario.yaml") + " --format json");
  const Result fixed = cxsim("exact " + dir.path("scenario.yaml") + " --variant top_pick --format json");
  ASSERT_EQ(fixed.code, 0) << fixed.err;
  const double delta = nlohmann::json::parse(fixed.out)["defection_rate"].get<double>() -
                       nlohmann::json::parse(base.out)["defection_rate"].get<double>();
  EXPECT_NEAR(delta, top["delta_defection_step"].get<double>(), 1e-12);
  EXPECT_LT(delta, 0.0);
}

TEST(Sensitivity, JsonHasTheContractKeysAndADerivativeForEveryParameter) {
  const Result r = cxsim("sensitivity " + scenario("car_repair") + " --format json --top 3");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"scenario", "variant", "step", "defection_rate", "parameters"})
    EXPECT_TRUE(j.contains(key)) << key;
  std::size_t with_deltas = 0;
  for (const auto& p : j["parameters"]) {
    for (const char* key : {"touchpoint", "segment", "attribute", "current", "derivative", "improved",
                            "delta_defection_step", "delta_if_perfect", "customers_kept_per_1000"})
      EXPECT_TRUE(p.contains(key)) << key;
    EXPECT_NE(p["touchpoint"].is_null(), p["segment"].is_null());
    EXPECT_TRUE(p["derivative"].is_number());
    with_deltas += p["delta_defection_step"].is_number();
  }
  EXPECT_EQ(with_deltas, 3u);
}

TEST(Sensitivity, CsvHasOneRowPerParameter) {
  const Result json = cxsim("sensitivity " + scenario("car_repair") + " --format json");
  const Result csv = cxsim("sensitivity " + scenario("car_repair") + " --format csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  const auto rows = static_cast<std::size_t>(std::count(csv.out.begin(), csv.out.end(), '\n'));
  EXPECT_EQ(rows, 1 + nlohmann::json::parse(json.out)["parameters"].size());
  EXPECT_EQ(csv.out.rfind("scenario,variant,rank,touchpoint,segment,stage,channel,attribute,current,derivative", 0),
            0u);
}

TEST(Sensitivity, TopZeroGivesDerivativesOnlyAndSaysSo) {
  const Result r = cxsim("sensitivity " + scenario("car_repair") + " --top 0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("--top 0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("nothing to improve"), std::string::npos) << r.out;
}

TEST(Sensitivity, RefusesAStepOutOfRange) {
  EXPECT_EQ(cxsim("sensitivity " + scenario("car_repair") + " --step 0").code, 2);
  EXPECT_EQ(cxsim("sensitivity " + scenario("car_repair") + " --step -1").code, 2);
  EXPECT_EQ(cxsim("sensitivity " + scenario("car_repair") + " --step abc").code, 2);
}

TEST(Sensitivity, ATinyStepIsRefusedNotCalledAlreadyBest) {
  const Result r = cxsim("sensitivity " + scenario("car_repair") + " --step 1e-13");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--step must be at least 1e-9, not 1e-13"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("already at its best"), std::string::npos) << r.out;
}

TEST(Sweep, MonteCarloWarnsAboutCustomersStoppedByMaxSteps) {
  test::ScratchDir dir;
  const std::string yaml = dir.write(
      "loop.yaml",
      "name: Loop\njourney:\n  start: a\n  touchpoints:\n"
      "    - {id: a, reliability: 0.9, relevance: 1, value: 1, trust: 0}\n"
      "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
      "  transitions:\n    - {from: a, to: z, probability: 0.05}\n    - {from: a, to: a, probability: 0.95}\n"
      "segments:\n  - {name: all, share: 1, value_expectation: 0, sensitivity: {reliability: 0.5}, silent_churn: 0}\n"
      "simulation: {customers: 5000, seed: 3, max_steps: 5}\n");
  const Result r = cxsim("sweep " + yaml + " --touchpoint a --attribute reliability --steps 3 --customers 5000");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("cxsim: warning: at reliability = 1, "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("were still walking after 5 visits (max_steps) and count as unfinished, not as defections, so "
                       "the Monte Carlo defection rates of this curve are biased low; the exact defection rate there, "
                       "which has no step limit, is "),
            std::string::npos)
      << r.err;
  const Result fine =
      cxsim("sweep " + yaml + " --touchpoint a --attribute reliability --steps 3 --customers 5000 --max-steps 100000");
  EXPECT_EQ(fine.err.find("biased low"), std::string::npos) << fine.err;
}

TEST(Sweep, ValuesIncludeBothEnds) {
  const auto v = sweep_values(0.2, 0.9, 8);
  ASSERT_EQ(v.size(), 8u);
  EXPECT_EQ(v.front(), 0.2);
  EXPECT_EQ(v.back(), 0.9);
  EXPECT_NEAR(v[1], 0.3, 1e-15);
}

TEST(Sweep, ExactPointsEqualTheSolverOnTheChangedJourney) {
  const auto all = test::scenarios();
  const auto& [j, p] = all[3];
  ParameterRef number;
  number.touchpoint = 1;
  number.attribute = TouchpointAttribute::value;
  SweepSettings s;
  s.values = sweep_values(0.0, 1.0, 5);
  const auto points = sweep(j, p, number, s);
  ASSERT_EQ(points.size(), 5u);
  for (const auto& pt : points)
    EXPECT_EQ(pt.exact->defection_rate(),
              solve_exact(with_attribute(j, 1, TouchpointAttribute::value, pt.value), p).figures.defection_rate());
}

TEST(Sweep, MonteCarloPointsAgreeWithExactWithinFiveStandardErrors) {
  // Statistical: fixed seed 11, 40,000 customers a point, |z| < 5 against the exact value.
  const auto all = test::scenarios();
  const auto& [j, p] = all[5];
  ParameterRef number;
  number.segment = 0;
  number.parameter = SegmentParameter::reliability_sensitivity;
  SweepSettings s;
  s.values = sweep_values(0.0, 2.0, 4);
  MonteCarloSettings mc;
  mc.customers = 40000;
  mc.walk.seed = 11;
  s.monte_carlo = mc;
  for (const auto& pt : sweep(j, p, number, s)) {
    ASSERT_TRUE(pt.monte_carlo && pt.exact);
    const double n = static_cast<double>(pt.monte_carlo->customers);
    test::expect_share_near(static_cast<double>(pt.monte_carlo->defections()) / n, pt.exact->defection_rate(),
                            pt.monte_carlo->customers, "defection rate");
  }
}

TEST(Sweep, CommandWritesOneRowPerPointAndRefusesUnknownNames) {
  const Result r = cxsim("sweep " + scenario("broadband") +
                         " --touchpoint install --attribute reliability --from 0.5 "
                         "--to 1 --steps 6 --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 7);
  EXPECT_EQ(r.out.rfind("scenario,variant,sweep,touchpoint,segment,attribute,point,value,defection_rate_exact", 0), 0u);
  const Result typo = cxsim("sweep " + scenario("broadband") + " --touchpoint instal --attribute reliability");
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("did you mean 'install'"), std::string::npos) << typo.err;
  EXPECT_EQ(cxsim("sweep " + scenario("broadband") + " --touchpoint install --attribute charm").code, 2);
  EXPECT_EQ(cxsim("sweep " + scenario("broadband") + " --touchpoint install --attribute value --to 1.5").code, 2);
  EXPECT_EQ(cxsim("sweep " + scenario("broadband") + " --attribute value").code, 2);
}

TEST(Sweep, CurrentValuePointEqualsTheScenariosExactRate) {
  const Result sweep =
      cxsim("sweep " + scenario("broadband") +
            " --touchpoint install --attribute reliability --from 0.7 --to 0.8 --steps 3 --format json");
  const Result exact = cxsim("exact " + scenario("broadband") + " --format json");
  ASSERT_EQ(sweep.code, 0) << sweep.err;
  const auto j = nlohmann::json::parse(sweep.out)["sweeps"][0];
  EXPECT_EQ(j["current"].get<double>(), 0.75);
  EXPECT_NEAR(j["points"][1]["defection_rate_exact"].get<double>(),
              nlohmann::json::parse(exact.out)["defection_rate"].get<double>(), 1e-14);
}

constexpr const char* tiny_journey =
    "name: Tiny\njourney:\n  start: a\n  touchpoints:\n"
    "    - {id: a, reliability: 0.8, relevance: 1, value: 0.5, trust: 0}\n"
    "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
    "  transitions:\n    - {from: a, to: z, probability: 1}\n"
    "segments:\n  - {name: all, share: 1, value_expectation: 0.6, sensitivity: {reliability: 0.5, value: 1}, "
    "silent_churn: 0.5}\n";

TEST(Sweep, ScenarioSweepsAreAllDrawnWhenNoneIsNamed) {
  test::ScratchDir dir;
  const std::string yaml =
      dir.write("s.yaml", std::string(tiny_journey) +
                              "sweeps:\n  - {touchpoint: a, attribute: value, from: 0.2, to: 1, steps: 5}\n"
                              "  - {segment: all, attribute: silent_churn, to: 3, steps: 4}\n");
  const Result r = cxsim("sweep " + yaml + " --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 5 + 4) << r.out;
  EXPECT_NE(r.out.find("Tiny,baseline,2,,all,silent_churn,4,3,"), std::string::npos) << r.out;
  const Result none = cxsim("sweep " + dir.write("t.yaml", tiny_journey));
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("'sweeps'"), std::string::npos) << none.err;
}

TEST(Sweep, BadScenarioSweepsAreReportedWithTheirLine) {
  test::ScratchDir dir;
  const auto check = [&](const std::string& sweep, const std::string& expected) {
    const std::string yaml = dir.write("bad.yaml", std::string(tiny_journey) + "sweeps:\n  - " + sweep + "\n");
    const Result r = cxsim("check " + yaml);
    EXPECT_EQ(r.code, 2) << sweep;
    EXPECT_NE(r.out.find("bad.yaml:12:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
  };
  check("{touchpoint: a, attribute: charm}", "unknown touchpoint attribute 'charm'");
  check("{touchpoint: b, attribute: value}", "the sweep's touchpoint 'b' is not in the journey");
  check("{touchpoint: z, attribute: value}", "is an ending");
  check("{segment: most, attribute: silent_churn}", "the sweep's segment 'most'");
  check("{touchpoint: a, segment: all, attribute: value}", "either a 'touchpoint' or a 'segment'");
  check("{touchpoint: a, attribute: value, to: 1.5}", "'to'");
  check("{touchpoint: a, attribute: value, steps: 1}", "'steps'");
  check("{segment: all, attribute: reliability}", "unknown segment parameter 'reliability'");
}

// The study both front doors call (the command and Python): the engine's analysis of the chosen
// arm, named as the scenario names it, the same bits as analyse_sensitivity itself.
TEST(SensitivityStudy, IsTheEnginesAnalysisOfTheChosenRedesignUnderItsNames) {
  LoadedScenario loaded = load_scenario(test::scenario("broadband"), "one_and_done_support");
  const SensitivityResult direct = analyse_sensitivity(loaded.model.journey, loaded.model.population, {});
  SensitivityRequest request;
  request.threads = 1;
  const SensitivityStudy study =
      sensitivity_study(std::make_shared<const ScenarioModel>(loaded.model), loaded.scenario, request);
  EXPECT_EQ(study.report.scenario, loaded.scenario.name);
  EXPECT_EQ(study.report.variant, "one_and_done_support");
  EXPECT_EQ(study.report.journey, &study.model->journey);
  ASSERT_EQ(study.report.result.parameters.size(), direct.parameters.size());
  for (std::size_t i = 0; i < direct.parameters.size(); ++i) {
    const auto &a = study.report.result.parameters[i], &b = direct.parameters[i];
    EXPECT_EQ(a.attribute_name(), b.attribute_name());
    ASSERT_EQ(a.derivative.has_value(), b.derivative.has_value()) << a.attribute_name();
    if (a.derivative) {
      EXPECT_TRUE(test::same_bits(*a.derivative, *b.derivative)) << a.attribute_name();
    }
  }
  EXPECT_TRUE(study.warnings.empty());
}

TEST(SensitivityStudy, AStepOutsideItsRangeIsAUsageError) {
  LoadedScenario loaded = load_scenario(test::scenario("broadband"), "");
  const auto model = std::make_shared<const ScenarioModel>(loaded.model);
  for (const double step : {0.0, 1e-10, -0.1, 1e9}) {
    SensitivityRequest request;
    request.settings.step = step;
    EXPECT_THROW(sensitivity_study(model, loaded.scenario, request), UsageError) << step;
  }
}

// The study `cxsim sweep` and the report call: the scenario's own sweeps, curve by curve as the
// engine sweeps them, under the scenario's names, the same bits on one thread and on two.
TEST(SweepStudy, DrawsTheScenariosSweepsAsTheEngineSweepsThem) {
  LoadedScenario loaded = load_scenario(test::scenario("broadband"), "");
  ASSERT_FALSE(loaded.scenario.sweeps.empty());
  const auto model = std::make_shared<const ScenarioModel>(loaded.model);
  SweepRequest request;
  request.curves = scenario_curves(loaded.scenario, *model);
  ASSERT_EQ(request.curves.size(), loaded.scenario.sweeps.size());
  request.threads = 1;
  const SweepStudy one = sweep_study(model, loaded.scenario, request);
  request.threads = 2;
  const SweepStudy two = sweep_study(model, loaded.scenario, request);
  EXPECT_EQ(one.report.scenario, loaded.scenario.name);
  EXPECT_EQ(one.exact_failures, 0);
  EXPECT_TRUE(one.warnings.empty());
  ASSERT_EQ(one.report.curves.size(), request.curves.size());
  for (std::size_t c = 0; c < request.curves.size(); ++c) {
    SweepSettings settings;
    settings.values = request.curves[c].values;
    const auto direct = sweep(model->journey, model->population, request.curves[c].number, settings);
    const auto& points = one.report.curves[c].points;
    ASSERT_EQ(points.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) {
      ASSERT_TRUE(points[i].exact && direct[i].exact && two.report.curves[c].points[i].exact);
      EXPECT_TRUE(test::same_bits(points[i].exact->defection_rate(), direct[i].exact->defection_rate()));
      EXPECT_TRUE(
          test::same_bits(points[i].exact->defection_rate(), two.report.curves[c].points[i].exact->defection_rate()));
    }
  }
}

TEST(SweepStudy, AnUnknownNameInTheScenariosSweepsIsAUsageErrorWithTheClosestName) {
  LoadedScenario loaded = load_scenario(test::scenario("broadband"), "");
  ASSERT_FALSE(loaded.scenario.sweeps.empty());
  Scenario changed = loaded.scenario;
  changed.sweeps.front().touchpoint = "instal";
  changed.sweeps.front().segment.clear();
  try {
    scenario_curves(changed, loaded.model);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'install'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cxsim
