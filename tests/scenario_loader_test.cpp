// Every loader rule of the scenario format: valid files load, each kind of mistake is reported
// with the file and line where it was made.
#include <algorithm>
#include <cmath>

#include "io/scenario.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

const char* kTouchpoints =
    "id,reliability,relevance,value,trust,recovery,outcome\n"
    "order,0.9,1,1,0,,\n"         // line 2
    "support,0.8,0.5,1,0,0.5,\n"  // line 3
    "done,1,1,1,0,,retained\n"    // line 4
    "gone,1,1,1,0,,defected\n";   // line 5

const char* kTransitions =
    "from,to,probability,when\n"
    "order,done,1,ok\n"       // line 2
    "order,support,1,fail\n"  // line 3
    "support,done,0.6,\n"     // line 4
    "support,gone,0.4,\n";    // line 5

const char* kScenario =
    "name: Test\n"                           // 1
    "journey:\n"                             // 2
    "  start: order\n"                       // 3
    "  touchpoints: touchpoints.csv\n"       // 4
    "  transitions: transitions.csv\n"       // 5
    "segments:\n"                            // 6
    "  - name: a\n"                          // 7
    "    share: 0.5\n"                       // 8
    "    value_expectation: 0.5\n"           // 9
    "    sensitivity: {reliability: 0.3}\n"  // 10
    "    silent_churn: 0.2\n"                // 11
    "  - name: b\n"                          // 12
    "    share: 0.5\n"                       // 13
    "    value_expectation: 0.5\n"           // 14
    "    sensitivity: {reliability: 0.3}\n"  // 15
    "    silent_churn: 0.2\n"                // 16
    "variants:\n"                            // 17
    "  - name: fix\n"                        // 18
    "    touchpoints:\n"                     // 19
    "      order: {reliability: 0.99}\n";    // 20

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << "test setup: '" << from << "' not found";
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

class ScenarioLoader : public ::testing::Test {
 protected:
  // Writes the three files (defaults unless given) and checks them; diagnostics are returned
  // with the scratch folder cut off, e.g. "transitions.csv:4: error: ...".
  std::vector<std::string> check(const std::string& yaml = kScenario, const std::string& touchpoints = kTouchpoints,
                                 const std::string& transitions = kTransitions) {
    dir_.write("touchpoints.csv", touchpoints);
    dir_.write("transitions.csv", transitions);
    path_ = dir_.write("scenario.yaml", yaml);
    result_ = check_scenario(path_);
    std::vector<std::string> out;
    const std::string prefix = dir_.path("");
    for (const auto& d : result_.diagnostics.sorted()) {
      std::string s = d.to_string();
      if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
      out.push_back(s);
    }
    return out;
  }
  static bool has(const std::vector<std::string>& ds, const std::string& start, const std::string& part) {
    return std::any_of(ds.begin(), ds.end(), [&](const std::string& d) {
      return d.rfind(start, 0) == 0 && d.find(part) != std::string::npos;
    });
  }
  static std::string all(const std::vector<std::string>& ds) {
    std::string s;
    for (const auto& d : ds) s += d + "\n";
    return s;
  }

  test::ScratchDir dir_;
  std::string path_;
  CheckedScenario result_;
};

#define EXPECT_DIAG(ds, start, part) EXPECT_TRUE(has(ds, start, part)) << all(ds)

TEST_F(ScenarioLoader, ValidScenarioHasNoProblems) {
  const auto ds = check();
  EXPECT_TRUE(ds.empty()) << all(ds);
  EXPECT_EQ(result_.scenario.touchpoints.size(), 4u);
  EXPECT_EQ(result_.scenario.variants.size(), 1u);
}

TEST_F(ScenarioLoader, BuildsTheModelWithVariantPatchesApplied) {
  check();
  const LoadedScenario l = load_scenario(path_, "fix");
  EXPECT_EQ(l.model.variant, "fix");
  EXPECT_DOUBLE_EQ(l.model.journey.touchpoint(*l.model.journey.find("order")).reliability, 0.99);
  EXPECT_DOUBLE_EQ(l.model.journey.touchpoint(*l.model.journey.find("support")).recovery, 0.5);
  EXPECT_EQ(l.model.population.size(), 2u);
}

TEST_F(ScenarioLoader, UnknownVariantIsAUsageError) {
  check();
  EXPECT_THROW(load_scenario(path_, "nope"), UsageError);
}

TEST_F(ScenarioLoader, InlineListsWorkLikeCsvFiles) {
  const std::string yaml =
      "name: Inline\njourney:\n  start: a\n  touchpoints:\n"
      "    - {id: a, reliability: 0.5, relevance: 1, value: 1, trust: 0}\n"
      "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
      "  transitions:\n    - {from: a, to: z, probability: 1}\n";
  const auto ds = check(yaml);
  EXPECT_TRUE(ds.empty()) << all(ds);
  EXPECT_TRUE(result_.scenario.default_segments);
}

TEST_F(ScenarioLoader, YamlSyntaxErrorHasLineAndColumn) {
  const auto ds = check("name: [x\njourney: 1\n");
  ASSERT_FALSE(ds.empty());
  EXPECT_DIAG(ds, "scenario.yaml:", "syntax");
}

TEST_F(ScenarioLoader, UnknownTopLevelKeySuggestsTheRightOne) {
  const auto ds = check(std::string(kScenario) + "simulaton: {customers: 10}\n");
  EXPECT_DIAG(ds, "scenario.yaml:21:1: error:", "unknown key 'simulaton' (did you mean 'simulation'?)");
}

TEST_F(ScenarioLoader, UnknownSegmentKeyIsAnError) {
  const auto ds = check(
      replace(kScenario, "    silent_churn: 0.2\n  - name: b", "    silent_churn: 0.2\n    colour: red\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:12:5: error:", "unknown segment key 'colour'");
}

TEST_F(ScenarioLoader, UnknownSensitivityIsAnError) {
  const auto ds = check(replace(kScenario, "{reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "{reliabilty: 0.3}\n    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:10:19: error:", "did you mean 'reliability'");
}

// Model v1.3: sensitivities as walk-away odds, p = 1 - exp(-hazard x unit) for an average customer.
TEST_F(ScenarioLoader, WalkAwayOddsBecomeHazards) {
  const auto ds = check(replace(kScenario, "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "    walk_away: {failed: 0.3, repeated: 0.1, value_gap: 0.05, effort_hour: 0.2}\n"
                                "    silent_churn: 0.2\n  - name: b"));
  ASSERT_TRUE(ds.empty()) << all(ds);
  const Segment& a = result_.scenario.segments[0].segment;
  EXPECT_DOUBLE_EQ(a.reliability_sensitivity, -std::log(1.0 - 0.3));
  EXPECT_DOUBLE_EQ(a.relevance_sensitivity, -std::log(1.0 - 0.1));
  EXPECT_DOUBLE_EQ(a.value_sensitivity, -std::log(1.0 - 0.05) / 0.1);
  EXPECT_DOUBLE_EQ(a.effort_sensitivity, -std::log(1.0 - 0.2));
}

TEST_F(ScenarioLoader, EffortSensitivityAndMinutesAreRead) {
  const auto ds = check(replace(kScenario, "{reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "{reliability: 0.3, effort: 0.4}\n    silent_churn: 0.2\n  - name: b"),
                        "id,reliability,relevance,value,trust,recovery,outcome,effort_minutes\n"
                        "order,0.9,1,1,0,,,30\n"
                        "support,0.8,0.5,1,0,0.5,,\n"
                        "done,1,1,1,0,,retained,\n"
                        "gone,1,1,1,0,,defected,\n");
  ASSERT_TRUE(ds.empty()) << all(ds);
  EXPECT_DOUBLE_EQ(result_.scenario.segments[0].segment.effort_sensitivity, 0.4);
  const LoadedScenario l = load_scenario(path_, "");
  EXPECT_DOUBLE_EQ(l.model.journey.effort_minutes()[*l.model.journey.find("order")], 30.0);
  EXPECT_DOUBLE_EQ(l.model.journey.effort_minutes()[*l.model.journey.find("support")], 0.0);
}

TEST_F(ScenarioLoader, ASensitivityGivenInBothFormsIsAnErrorAtTheSecond) {
  const auto ds = check(replace(kScenario, "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "    sensitivity: {reliability: 0.3}\n    walk_away: {failed: 0.2}\n"
                                "    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:11:17: error:",
              "the reliability sensitivity is given twice: as 'walk_away.failed' here and as "
              "'sensitivity.reliability' at line 10; give one of them");
}

TEST_F(ScenarioLoader, AWalkAwayOddOfOneIsAnError) {
  const auto ds = check(replace(kScenario, "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "    walk_away: {repeated: 1}\n    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:10:27: error:", "'walk_away.repeated' is 1; a walk-away probability must be below 1");
}

TEST_F(ScenarioLoader, AWalkAwayOddBeyondTheSupportedHazardIsAnError) {
  // value_gap 0.99999: -ln(1e-5) / 0.1 = 115 per unit of gap, above the supported 100.
  const auto ds = check(replace(kScenario, "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "    walk_away: {value_gap: 0.99999}\n    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:10:28: error:",
              "a hazard of 115.129 per unit of value gap; the largest cxsim supports is 100");
}

TEST_F(ScenarioLoader, UnknownWalkAwayKeySuggestsTheRightOne) {
  const auto ds = check(replace(kScenario, "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "    walk_away: {fail: 0.3}\n    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:10:17: error:", "did you mean 'failed'");
}

TEST_F(ScenarioLoader, ASegmentWithoutSensitivitiesInEitherFormIsAnError) {
  const auto ds = check(replace(kScenario, "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:7:5: error:", "give 'sensitivity' (hazards) or 'walk_away' (walk-away odds)");
}

TEST_F(ScenarioLoader, AVariantPatchMayGiveWalkAwayOdds) {
  const auto ds = check(std::string(kScenario) + "    segments:\n      a: {walk_away: {effort_hour: 0.5}}\n");
  ASSERT_TRUE(ds.empty()) << all(ds);
  const LoadedScenario l = load_scenario(path_, "fix");
  EXPECT_DOUBLE_EQ(l.model.population.segment(0).effort_sensitivity, -std::log(0.5));
  EXPECT_DOUBLE_EQ(l.model.population.segment(0).reliability_sensitivity, 0.3);  // kept from the baseline
}

// Stacked redesigns: `a+b` applies a's patches, then b's.
TEST_F(ScenarioLoader, StackedVariantsApplyBothPatches) {
  check(std::string(kScenario) +
        "  - name: cheaper\n    cost_per_year: 10\n    touchpoints:\n      support: {value: 0.7}\n"
        "    segments:\n      a: {walk_away: {failed: 0.5}}\n");
  const LoadedScenario l = load_scenario(path_, "fix+cheaper");
  const Journey& j = l.model.journey;
  EXPECT_EQ(l.model.variant, "fix+cheaper");
  EXPECT_DOUBLE_EQ(j.touchpoint(*j.find("order")).reliability, 0.99);
  EXPECT_DOUBLE_EQ(j.touchpoint(*j.find("support")).value, 0.7);
  EXPECT_DOUBLE_EQ(l.model.population.segment(0).reliability_sensitivity, -std::log(0.5));
  EXPECT_EQ(l.scenario.variant("fix+cheaper")->cost_per_year, 10.0);
}

TEST_F(ScenarioLoader, StackedVariantsThatSetOneFieldDifferentlyAreAnErrorNamingBoth) {
  check(std::string(kScenario) + "  - name: other\n    touchpoints:\n      order: {reliability: 0.95}\n");
  try {
    load_scenario(path_, "fix+other");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const std::string m = e.diagnostics()[0].to_string();
    EXPECT_NE(m.find("scenario.yaml:23:"), std::string::npos) << m;
    EXPECT_NE(m.find("variants 'fix' and 'other' both set order.reliability (0.99 at "), std::string::npos) << m;
    EXPECT_NE(m.find("scenario.yaml:20, 0.95 here)"), std::string::npos) << m;
  }
}

TEST_F(ScenarioLoader, StackingAnUnknownVariantIsAUsageError) {
  check();
  EXPECT_THROW(load_scenario(path_, "fix+nope"), UsageError);
}

TEST_F(ScenarioLoader, UnknownCsvColumnIsAnError) {
  const auto ds = check(kScenario, replace(kTouchpoints, "trust", "trsut"));
  EXPECT_DIAG(ds, "touchpoints.csv:1: error:", "unknown column 'trsut'");
}

TEST_F(ScenarioLoader, MissingRequiredColumnIsAnError) {
  const auto ds = check(kScenario, "id,reliability,relevance,value\norder,1,1,1\n");
  EXPECT_DIAG(ds, "touchpoints.csv:1: error:", "no column 'trust'");
}

TEST_F(ScenarioLoader, MissingRequiredCellIsAnError) {
  const auto ds = check(kScenario, replace(kTouchpoints, "support,0.8,0.5,1,0", "support,,0.5,1,0"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:9: error:", "'reliability' is missing a value");
}

TEST_F(ScenarioLoader, MissingRequiredYamlKeyIsAnError) {
  const auto ds = check(replace(kScenario, "  start: order\n", ""));
  EXPECT_DIAG(ds, "scenario.yaml:3:3: error:", "missing the required key 'start'");
}

TEST_F(ScenarioLoader, MissingSegmentFieldIsAnError) {
  const auto ds = check(replace(
      kScenario, "    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
      "    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:7:5: error:", "'value_expectation'");
}

TEST_F(ScenarioLoader, WrongTypeIsAnError) {
  const auto ds = check(replace(kScenario,
                                "    share: 0.5\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    "
                                "silent_churn: 0.2\n  - name: b",
                                "    share: [0.5]\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n   "
                                " silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:8:12: error:", "'share' must be a number");
}

TEST_F(ScenarioLoader, QuotedNumberIsAnError) {
  const auto ds = check(replace(kScenario, "silent_churn: 0.2\n  - name: b", "silent_churn: \"0.2\"\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:11:19: error:", "not quoted text");
}

TEST_F(ScenarioLoader, AttributeOutsideZeroOneIsAnError) {
  const auto ds = check(kScenario, replace(kTouchpoints, "support,0.8,0.5", "support,1.2,0.5"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:9: error:", "'reliability' is 1.2; expected a number in [0, 1]");
}

TEST_F(ScenarioLoader, NegativeSensitivityIsAnError) {
  const auto ds = check(replace(kScenario, "{reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                                "{reliability: -0.3}\n    silent_churn: 0.2\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:10:32: error:", "expected a number in [0, 100]");
}

TEST_F(ScenarioLoader, NanAndInfinityAreErrors) {
  auto ds = check(kScenario, replace(kTouchpoints, "support,0.8,0.5,1", "support,nan,0.5,1"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:9: error:", "expected a number");
  ds = check(replace(kScenario, "silent_churn: 0.2\n  - name: b", "silent_churn: .inf\n  - name: b"));
  EXPECT_DIAG(ds, "scenario.yaml:11:19: error:", "expected a number");
}

TEST_F(ScenarioLoader, DuplicateTouchpointIdIsAnError) {
  const auto ds = check(kScenario, std::string(kTouchpoints) + "support,1,1,1,0,,\n");
  EXPECT_DIAG(ds, "touchpoints.csv:6:1: error:", "duplicate touchpoint id 'support'");
}

TEST_F(ScenarioLoader, TransitionToUnknownTouchpointIsAnError) {
  const auto ds = check(kScenario, kTouchpoints, replace(kTransitions, "support,gone,0.4", "support,gon,0.4"));
  EXPECT_DIAG(ds, "transitions.csv:5:9: error:", "unknown touchpoint 'gon'");
}

TEST_F(ScenarioLoader, TransitionSetNotSummingToOneIsAnError) {
  const auto ds = check(kScenario, kTouchpoints, replace(kTransitions, "support,gone,0.4", "support,gone,0.3"));
  EXPECT_DIAG(ds, "transitions.csv:4:14: error:", "summing to 0.9");
}

TEST_F(ScenarioLoader, TerminalWithoutOutcomeIsAnError) {
  const auto ds = check(kScenario, replace(kTouchpoints, "gone,1,1,1,0,,defected", "gone,1,1,1,0,,"));
  EXPECT_DIAG(ds, "touchpoints.csv:5:1: error:", "no outcome");
}

TEST_F(ScenarioLoader, NonTerminalWithOutcomeIsAnError) {
  const auto ds =
      check(kScenario, replace(kTouchpoints, "support,0.8,0.5,1,0,0.5,", "support,0.8,0.5,1,0,0.5,retained"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:1: error:", "has outgoing transitions but outcome 'retained'");
}

TEST_F(ScenarioLoader, BadOutcomeWordIsAnError) {
  const auto ds = check(kScenario, replace(kTouchpoints, "gone,1,1,1,0,,defected", "gone,1,1,1,0,,lost"));
  EXPECT_DIAG(ds, "touchpoints.csv:5:15: error:", "'outcome' is 'lost'");
}

TEST_F(ScenarioLoader, BadWhenIsAnError) {
  const auto ds = check(kScenario, kTouchpoints, replace(kTransitions, "order,done,1,ok", "order,done,1,okay"));
  EXPECT_DIAG(ds, "transitions.csv:2:14: error:", "'when' is 'okay'");
}

TEST_F(ScenarioLoader, FailedVisitWithNowhereToGoIsAnError) {
  const auto ds = check(kScenario, kTouchpoints, replace(kTransitions, "order,support,1,fail\n", ""));
  EXPECT_DIAG(ds, "touchpoints.csv:2:1: error:", "a failed visit to 'order'");
}

TEST_F(ScenarioLoader, SharesNotSummingToOneIsAnError) {
  const auto ds = check(replace(
      kScenario,
      "share: 0.5\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
      "share: 0.6\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: "
      "b"));
  EXPECT_DIAG(ds, "scenario.yaml:7:3: error:", "segment shares sum to 1.1");
}

TEST_F(ScenarioLoader, DuplicateSegmentNameIsAnError) {
  const auto ds = check(replace(kScenario, "  - name: b", "  - name: a"));
  EXPECT_DIAG(ds, "scenario.yaml:12:5: error:", "duplicate segment name 'a'");
}

TEST_F(ScenarioLoader, UnknownStartIsAnError) {
  const auto ds = check(replace(kScenario, "start: order", "start: ordr"));
  EXPECT_DIAG(ds, "scenario.yaml:3:10: error:", "the start 'ordr' is not a touchpoint");
}

TEST_F(ScenarioLoader, VariantPatchingUnknownFieldIsAnError) {
  const auto ds = check(replace(kScenario, "{reliability: 0.99}", "{reliablity: 0.99}"));
  EXPECT_DIAG(ds, "scenario.yaml:20:15: error:", "unknown touchpoint field 'reliablity'");
}

TEST_F(ScenarioLoader, VariantAddingIncompleteTouchpointIsAnError) {
  const auto ds = check(replace(kScenario, "order: {reliability: 0.99}", "survey: {reliability: 0.99}"));
  EXPECT_DIAG(ds, "scenario.yaml:20:7: error:", "needs the field 'relevance'");
}

TEST_F(ScenarioLoader, VariantPatchingUnknownSegmentIsAnError) {
  const auto ds = check(std::string(kScenario) + "    segments:\n      c: {share: 0.5}\n");
  EXPECT_DIAG(ds, "scenario.yaml:22:7: error:", "patches segment 'c'");
}

TEST_F(ScenarioLoader, VariantTransitionsReplaceAllOutgoingOnes) {
  const auto ds =
      check(std::string(kScenario) + "    transitions:\n      support:\n        - {to: done, probability: 1}\n");
  EXPECT_FALSE(result_.diagnostics.has_errors()) << all(ds);
  EXPECT_DIAG(ds, "touchpoints.csv:5:1: warning: variant 'fix':", "'gone' cannot be reached");
  const LoadedScenario l = load_scenario(path_, "fix");
  const auto k = *l.model.journey.find("support");
  EXPECT_EQ(l.model.journey.route(0, k, Journey::after_ok).size(), 1u);
  // The variant emptied support's transitions: the error is the variant's, told at its patch.
  const auto emptied = check(std::string(kScenario) + "    transitions:\n      support: []\n");
  EXPECT_DIAG(emptied, "scenario.yaml:22:7: error: variant 'fix':", "no outcome; set outcome");
  EXPECT_DIAG(emptied,
              "scenario.yaml:22:7: error: variant 'fix':", "touchpoints.csv:3:1, which the variant does not change)");
}

TEST_F(ScenarioLoader, VariantErrorsPointAtThePatchNotTheBaselineTable) {
  // A loop the variant made: the baseline's table is fine, the patch at line 22 is the mistake.
  const auto ds =
      check(std::string(kScenario) + "    transitions:\n      support:\n        - {to: support, probability: 1}\n");
  EXPECT_DIAG(ds, "scenario.yaml:22:7: error: variant 'fix':", "can never finish");
  for (const auto& d : ds) {
    if (d.find(": error: ") != std::string::npos) {
      EXPECT_EQ(d.rfind("touchpoints.csv", 0), std::string::npos) << all(ds);
    }
  }
  // A loop the baseline never reaches and the variant leads into: told at the variant, with the
  // loop's place in the message.
  const auto other =
      check(std::string(kScenario) + "    transitions:\n      order:\n        - {to: island, probability: 1}\n",
            std::string(kTouchpoints) + "island,1,1,1,0,,\n", std::string(kTransitions) + "island,island,1,\n");
  EXPECT_DIAG(
      other, "scenario.yaml:18:",
      "who reach 'island' can never finish the journey: no touchpoint that ends it can be reached from there (at ");
  EXPECT_DIAG(other, "scenario.yaml:18:", "touchpoints.csv:6:1, which the variant does not change)");
  for (const auto& d : other) {
    if (d.find(": error: ") != std::string::npos) {
      EXPECT_EQ(d.rfind("touchpoints.csv", 0), std::string::npos) << all(other);
    }
  }
}

TEST_F(ScenarioLoader, QuotedNumbersInTheSimulationBlockSayTheyAreQuoted) {
  const auto ds = check(std::string(kScenario) + "simulation: {max_steps: \"1000\"}\n");
  EXPECT_DIAG(ds, "scenario.yaml:21:25: error:",
              "'max_steps' must be a whole number from 1 to 1e+09, not quoted text (\"1000\"); remove the quotes");
}

TEST_F(ScenarioLoader, OldMacLineEndingsAreRead) {
  std::string tps = kTouchpoints, trs = kTransitions;
  std::replace(tps.begin(), tps.end(), '\n', '\r');
  std::replace(trs.begin(), trs.end(), '\n', '\r');
  const auto ds = check(kScenario, tps, trs);
  EXPECT_TRUE(ds.empty()) << all(ds);
  const auto bad = check(kScenario, replace(tps, "order,0.9", "order,x"), trs);
  EXPECT_DIAG(bad, "touchpoints.csv:2:7: error:", "reliability");
}

TEST_F(ScenarioLoader, ErrorsAreCappedPerFile) {
  std::string tps = kTouchpoints;
  for (int i = 0; i < 5000; ++i) tps += "bad" + std::to_string(i) + ",x,y,1,0,,\n";
  const auto ds = check(kScenario, tps);
  EXPECT_TRUE(result_.diagnostics.has_errors());
  EXPECT_LE(ds.size(), 2 * Diagnostics::shown_per_file + 4) << ds.size() << " lines";
  EXPECT_DIAG(ds, "touchpoints.csv: error: ... and more errors in ", "touchpoints.csv: stopped reading it at line ");
}

TEST(Diagnostics, KeepTheFirstOfEachFileAndCountTheRest) {
  Diagnostics d;
  for (std::size_t i = 0; i < 1000; ++i) d.error({"a.csv", i + 1, 0}, "bad");
  for (std::size_t i = 0; i < 150; ++i) d.warning({"a.csv", i + 1, 0}, "odd");
  d.error({"b.yaml", 3, 1}, "wrong");
  EXPECT_EQ(d.error_count(), 1001u);
  const auto s = d.sorted();
  ASSERT_EQ(s.size(), 2 * Diagnostics::shown_per_file + 2 + 1);
  EXPECT_EQ(s[2 * Diagnostics::shown_per_file].to_string(),
            "a.csv: error: ... and 900 more errors in a.csv (the first 100 are shown)");
  EXPECT_EQ(s[2 * Diagnostics::shown_per_file + 1].to_string(),
            "a.csv: warning: ... and 50 more warnings in a.csv (the first 100 are shown)");
  EXPECT_EQ(s.back().to_string(), "b.yaml:3:1: error: wrong");
  EXPECT_TRUE(d.saturated("a.csv"));
  EXPECT_FALSE(d.saturated("b.yaml"));
}

TEST_F(ScenarioLoader, WalkingForeverIsAnError) {
  // support only loops back on itself: customers who get there can never finish.
  const auto ds = check(kScenario, kTouchpoints,
                        replace(kTransitions, "support,done,0.6,\nsupport,gone,0.4,\n", "support,support,1,\n"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:1: error:", "can never finish");
}

TEST_F(ScenarioLoader, UnreachableTouchpointIsOnlyAWarning) {
  const auto ds = check(kScenario, std::string(kTouchpoints) + "island,1,1,1,0,,retained\n");
  EXPECT_DIAG(ds, "touchpoints.csv:6:1: warning:", "cannot be reached");
  EXPECT_FALSE(result_.diagnostics.has_errors());
  EXPECT_EQ(ds.size(), 1u) << "said once, not again for the variant\n" << all(ds);
}

TEST_F(ScenarioLoader, MissingCsvFileIsReportedWhereItIsNamed) {
  const auto ds = check(replace(kScenario, "touchpoints.csv", "nothere.csv"));
  EXPECT_DIAG(ds, "scenario.yaml:4:16: error:", "no such file");
}

TEST_F(ScenarioLoader, ReportsEveryProblemNotOnlyTheFirst) {
  const auto ds = check(replace(replace(kScenario, "name: Test\n", "name: Test\ncolour: red\n"),
                                "silent_churn: 0.2\n  - name: b", "silent_churn: -1\n  - name: b"),
                        replace(kTouchpoints, "support,0.8", "support,2"));
  EXPECT_GE(ds.size(), 3u) << all(ds);
}

TEST_F(ScenarioLoader, ReferencesAreCheckedEvenWhenAFieldIsBad) {
  // A bad cell does not hide an unknown start or a share sum, which it cannot have caused.
  const auto ds = check(replace(replace(kScenario, "start: order", "start: ordr"),
                                "share: 0.5\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    "
                                "silent_churn: 0.2\n  - name: b",
                                "share: 0.7\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    "
                                "silent_churn: 0.2\n  - name: b"),
                        replace(kTouchpoints, "support,0.8", "support,x"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:9: error:", "expected a number");
  EXPECT_DIAG(ds, "scenario.yaml:3:10: error:", "the start 'ordr' is not a touchpoint");
  EXPECT_DIAG(ds, "scenario.yaml:7:3: error:", "segment shares sum to 1.2");
}

TEST_F(ScenarioLoader, ABadCellDoesNotSetOffFollowOnComplaints) {
  // The bad probability drops its transition; the set it belonged to is not then called short.
  const auto ds = check(kScenario, kTouchpoints, replace(kTransitions, "support,gone,0.4", "support,gone,zero"));
  EXPECT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_DIAG(ds, "transitions.csv:5:14: error:", "'probability'");
}

TEST_F(ScenarioLoader, ABadShareDoesNotSetOffASumComplaint) {
  const auto ds = check(replace(
      kScenario,
      "share: 0.5\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
      "share: 1.5\n    value_expectation: 0.5\n    sensitivity: {reliability: 0.3}\n    silent_churn: 0.2\n  - name: "
      "b"));
  EXPECT_EQ(ds.size(), 1u) << all(ds);
}

TEST_F(ScenarioLoader, SimulationSettingsAreRead) {
  const auto ds = check(std::string(kScenario) + "simulation: {customers: 5000, seed: 9, max_steps: 50}\n");
  EXPECT_TRUE(ds.empty()) << all(ds);
  EXPECT_EQ(result_.scenario.simulation.customers, 5000u);
  EXPECT_EQ(result_.scenario.simulation.seed, 9u);
  EXPECT_EQ(result_.scenario.simulation.max_steps, 50u);
}

TEST_F(ScenarioLoader, ZeroCustomersIsAnError) {
  const auto ds = check(std::string(kScenario) + "simulation: {customers: 0}\n");
  EXPECT_DIAG(ds, "scenario.yaml:21:25: error:", "'customers' is 0");
}

TEST_F(ScenarioLoader, ReservedVariantNameIsAnError) {
  const auto ds = check(replace(kScenario, "name: fix", "name: baseline"));
  EXPECT_DIAG(ds, "scenario.yaml:18:5: error:", "reserved");
}

TEST_F(ScenarioLoader, ScenarioThatIsAFolderIsAnError) {
  check();
  Diagnostics d;
  parse_scenario(dir_.path(""), d);
  EXPECT_TRUE(d.has_errors());
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// Segment routes: segment b leaves support for done only; a keeps the rows for everyone.
const char* kSegmentTransitions =
    "from,to,probability,when,segment\n"
    "order,done,1,ok,\n"       // line 2
    "order,support,1,fail,\n"  // line 3
    "support,done,0.6,,\n"     // line 4
    "support,gone,0.4,,\n"     // line 5
    "support,done,1,,b\n";     // line 6

class SegmentRoutes : public ScenarioLoader {};

TEST_F(SegmentRoutes, ASegmentColumnGivesThatSegmentItsOwnRows) {
  const auto ds = check(kScenario, kTouchpoints, kSegmentTransitions);
  EXPECT_FALSE(result_.diagnostics.has_errors()) << all(ds);
  const LoadedScenario l = load_scenario(path_, "");
  const Journey& j = l.model.journey;
  const auto support = *j.find("support");
  EXPECT_TRUE(j.has_segment_routes());
  EXPECT_EQ(j.route(0, support, Journey::after_ok).size(), 2u) << "segment a uses the rows for everyone";
  EXPECT_EQ(j.route(1, support, Journey::after_ok).size(), 1u) << "segment b uses its own row";
}

TEST_F(SegmentRoutes, YamlTransitionsTakeASegmentKey) {
  const std::string yaml = replace(kScenario, "  transitions: transitions.csv\n",
                                   "  transitions:\n"
                                   "    - {from: order, to: done, probability: 1, when: ok}\n"
                                   "    - {from: order, to: support, probability: 1, when: fail}\n"
                                   "    - {from: support, to: gone, probability: 1}\n"
                                   "    - {from: support, to: done, probability: 1, segment: a}\n");
  const auto ds = check(yaml);
  EXPECT_FALSE(result_.diagnostics.has_errors()) << all(ds);
}

TEST_F(SegmentRoutes, AnUnknownSegmentIsAnErrorAtItsCell) {
  const auto ds =
      check(kScenario, kTouchpoints, replace(kSegmentTransitions, "support,done,1,,b", "support,done,1,,c"));
  EXPECT_DIAG(ds, "transitions.csv:6:17: error:", "segment 'c', which the scenario does not define (segments: a, b)");
}

TEST_F(SegmentRoutes, EachSegmentsOwnRowsMustSumToOne) {
  const auto ds =
      check(kScenario, kTouchpoints, replace(kSegmentTransitions, "support,done,1,,b", "support,done,0.5,,b"));
  EXPECT_DIAG(ds, "transitions.csv:6:", "out of 'support' for segment 'b' have probabilities summing to 0.5");
}

TEST_F(SegmentRoutes, ASegmentWithNoRowsThatApplyToItIsAnError) {
  // support has rows for segment b only: customers of a who reach it have nowhere to go.
  const std::string rows =
      "from,to,probability,when,segment\norder,done,1,ok,\norder,support,1,fail,\n"
      "support,done,1,,b\n";
  const auto ds = check(kScenario, kTouchpoints, rows);
  EXPECT_DIAG(ds, "touchpoints.csv:3:", "customers of segment 'a' reach 'support' but no transition out of it applies");
}

TEST_F(SegmentRoutes, ASegmentThatCanNeverFinishIsNamed) {
  const auto ds =
      check(kScenario, kTouchpoints, replace(kSegmentTransitions, "support,done,1,,b", "support,support,1,,b"));
  EXPECT_DIAG(ds, "touchpoints.csv:3:", "customers of segment 'b' who reach 'support' can never finish");
}

TEST_F(SegmentRoutes, AVariantReplacingATouchpointsTransitionsReplacesItsSegmentRowsToo) {
  const auto ds =
      check(std::string(kScenario) + "    transitions:\n      support:\n        - {to: gone, probability: 1}\n",
            kTouchpoints, kSegmentTransitions);
  EXPECT_FALSE(result_.diagnostics.has_errors()) << all(ds);
  const LoadedScenario l = load_scenario(path_, "fix");
  EXPECT_FALSE(l.model.journey.has_segment_routes());
}

TEST_F(SegmentRoutes, OldFilesWithoutTheColumnKeepWorking) {
  const auto ds = check();
  EXPECT_TRUE(ds.empty()) << all(ds);
  EXPECT_FALSE(load_scenario(path_, "").model.journey.has_segment_routes());
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST_F(ScenarioLoader, ALoopOnlyAGuardCouldOpenIsAnError) {
  // support never works (reliability 0) and loops on failure. Its ok edge needs a guard, and
  // only the unreachable 'helper' has trust, so the graph shows a way out that no customer can
  // take; with no friction nobody abandons either.
  const std::string touchpoints =
      "id,reliability,relevance,value,trust,recovery,outcome\n"
      "order,1,1,1,0,,\n"
      "support,0,1,1,0,,\n"
      "done,1,1,1,0,,retained\n"
      "helper,1,1,1,1,,\n";
  const std::string transitions =
      "from,to,probability,when\n"
      "order,support,1,\n"
      "support,done,1,ok\n"
      "support,support,1,fail\n"
      "helper,done,1,\n";
  const std::string yaml = replace(replace(kScenario, "sensitivity: {reliability: 0.3}", "sensitivity: {}"),
                                   "sensitivity: {reliability: 0.3}", "sensitivity: {}");
  const auto ds = check(yaml, touchpoints, transitions);
  EXPECT_DIAG(ds,
              "touchpoints.csv:2:1: error:", "customers of segment 'a' who reach 'order', 'support' can never leave");
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST_F(ScenarioLoader, EconomicsBlockIsRead) {
  check(std::string(kScenario) + "    cost_per_year: 2500\n" +
        "economics:\n  customers_per_year: 120000\n  value_per_customer: 850\n  currency: EUR\n");
  ASSERT_TRUE(result_.scenario.economics);
  EXPECT_EQ(result_.scenario.economics->customers_per_year, 120000);
  EXPECT_EQ(result_.scenario.economics->currency, "EUR");
  EXPECT_EQ(result_.scenario.variants[0].cost_per_year, 2500);
}

TEST_F(ScenarioLoader, AHorizonADiscountRateAndAOneOffCostAreRead) {
  const auto ds = check(std::string(kScenario) + "    one_off_cost: 400000\n" +
                        "economics:\n  customers_per_year: 120000\n  value_per_customer: 850\n"
                        "  horizon_years: 3\n  discount_rate: 0.08\n");
  ASSERT_TRUE(ds.empty()) << all(ds);
  EXPECT_EQ(result_.scenario.economics->horizon_years, 3u);
  EXPECT_EQ(result_.scenario.economics->discount_rate, 0.08);
  EXPECT_EQ(result_.scenario.variants[0].one_off_cost, 400000);
}

TEST_F(ScenarioLoader, AFractionalHorizonIsAnError) {
  const auto ds = check(std::string(kScenario) +
                        "economics:\n  customers_per_year: 120000\n  value_per_customer: 850\n  horizon_years: 2.5\n");
  EXPECT_DIAG(ds, "scenario.yaml:24:18: error:", "'horizon_years'");
}

TEST_F(ScenarioLoader, EconomicsBlockIsCheckedLikeEveryOther) {
  const auto ds = check(std::string(kScenario) + "economics:\n  customers_per_year: -5\n  value_per_cust: 3\n");
  EXPECT_DIAG(ds, "scenario.yaml:22:23: error:", "'customers_per_year' is -5; expected a number in [0, ");
  EXPECT_DIAG(ds, "scenario.yaml:23:3: error:", "unknown key 'value_per_cust'");
  EXPECT_DIAG(ds, "scenario.yaml:22:", "'economics' is missing the required key 'value_per_customer'");
}

TEST_F(ScenarioLoader, CostWithoutEconomicsIsAWarning) {
  const auto ds = check(std::string(kScenario) + "    cost_per_year: 100\n");
  EXPECT_DIAG(ds, "scenario.yaml:21:20: warning:", "'cost_per_year' has no effect without an 'economics' block");
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST_F(ScenarioLoader, NumbersBeyondTheSupportedRangeAreErrors) {
  std::string yaml = replace(kScenario, "{reliability: 0.3}\n    silent_churn: 0.2\n  - name: b",
                             "{reliability: 1e308}\n    silent_churn: 1e9\n    heterogeneity: 1e6\n  - name: b");
  const auto ds = check(yaml + "simulation: {customers: 1e5, max_steps: 10000000000}\n");
  EXPECT_DIAG(ds, "scenario.yaml:10:", "'sensitivity.reliability' is 1e308; expected a number in [0, 100]");
  EXPECT_DIAG(ds, "scenario.yaml:11:", "'silent_churn' is 1e9; expected a number in [0, 100]");
  EXPECT_DIAG(ds, "scenario.yaml:12:", "'heterogeneity' is 1e6; expected a number in [0, 10]");
  EXPECT_DIAG(ds, "scenario.yaml:22:25:", "'customers': '1e5' is not a whole number written in digits only");
  EXPECT_DIAG(ds, "scenario.yaml:22:41:", "'max_steps' is 10000000000; expected a whole number from 1 to 1e+09");
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST_F(ScenarioLoader, EmptyQuotedTextIsNotAnId) {
  const auto ds =
      check(std::string(kScenario) + "  - name: \"\"\n", std::string(kTouchpoints) + "\"\",1,1,1,0,,retained\n");
  EXPECT_DIAG(ds, "touchpoints.csv:6:1: error:", "'id' must not be empty");
  EXPECT_DIAG(ds, "scenario.yaml:21:11: error:", "'name' must not be empty");
}

TEST_F(ScenarioLoader, ControlCharactersInNamesAndIdsAreErrors) {
  const auto ds =
      check(replace(kScenario, "name: Test", "name: \"Te\\nst\""), replace(kTouchpoints, "gone,1", "\"go\x1bne\",1"));
  EXPECT_DIAG(ds, "scenario.yaml:1:7: error:", "'name' contains the control character U+000A");
  EXPECT_DIAG(ds, "touchpoints.csv:5:1: error:", "'id' contains the control character U+001B");
}

TEST_F(ScenarioLoader, OverlongNamesAreErrorsNotFloods) {
  const std::string long_name(1001, 'x');
  const auto ds = check(replace(kScenario, "name: Test", "name: " + long_name), kTouchpoints);
  EXPECT_DIAG(ds, "scenario.yaml:1:7: error:", "'name' is 1001 bytes long; names and ids may be at most 1000 bytes");
  const auto ok = check(replace(kScenario, "name: Test", "name: " + std::string(1000, 'x')), kTouchpoints);
  EXPECT_TRUE(ok.empty()) << all(ok);
}

TEST_F(ScenarioLoader, InvalidUtf8IsAnErrorAtItsCell) {
  const auto ds = check(kScenario, replace(kTouchpoints, "gone,1", "go\xff\xfene,1"));
  EXPECT_DIAG(ds, "touchpoints.csv:5:1: error:", "'id' is not valid UTF-8 (byte 3)");
  const auto ok = check(kScenario, replace(kTouchpoints, "gone,1", "gon\xc3\xa9,1"),
                        replace(kTransitions, "support,gone", "support,gon\xc3\xa9"));
  EXPECT_TRUE(ok.empty()) << "well-formed UTF-8 is welcome: " << all(ok);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST_F(ScenarioLoader, ATabInTheIndentationIsNamed) {
  const auto ds = check(replace(kScenario, "  start: order", "\tstart: order"));
  EXPECT_DIAG(ds, "scenario.yaml:3:1: error:", "a tab is used for indentation; YAML indents with spaces only");
}

TEST_F(ScenarioLoader, LoneCarriageReturnsAreNamed) {
  std::string yaml = kScenario;
  std::replace(yaml.begin(), yaml.end(), '\n', '\r');
  const auto ds = check(yaml);
  EXPECT_DIAG(ds, "scenario.yaml:1: error:", "lone carriage return (CR)");
}

TEST_F(ScenarioLoader, AKeyWithAnInvisibleCharacterSaysSo) {
  const auto ds = check(std::string(kScenario) + "simulati\xe2\x80\x8bon: {seed: 1}\n");
  EXPECT_DIAG(
      ds, "scenario.yaml:21:1: error:",
      "it contains the invisible character U+200B (zero width space) at character 9 (did you mean 'simulation'?)");
}

TEST_F(ScenarioLoader, ARowThatLooksLikeACommentIsPointedOut) {
  const auto ds = check(kScenario, std::string(kTouchpoints) + "#extra,1,1,1,0,,\n");
  EXPECT_DIAG(ds, "touchpoints.csv:6:1: warning:", "starts with '#', so it is read as a comment");
}

TEST_F(ScenarioLoader, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes: the bad cell is the 7th character of its line, the 8th byte.
  const auto ds = check(kScenario, replace(kTouchpoints, "gone,1,1,1,0,,defected", "\xc3\xa9,1,1,x,0,,defected"),
                        replace(kTransitions, "support,gone", "support,\xc3\xa9"));
  EXPECT_DIAG(ds, "touchpoints.csv:5:7: error:", "'value'");
  // YAML too: the value after "é é" on a flow line starts at character 33, byte 35.
  const auto ys =
      check(replace(kScenario, "      order: {reliability: 0.99}", "      order: {name: \xc3\xa9 \xc3\xa9, trust: x}"));
  EXPECT_DIAG(ys, "scenario.yaml:20:33: error:", "'trust'");
  EXPECT_EQ(character_column("ab\xc3\xa9"
                             "cd",
                             6),
            5u);
}

TEST_F(ScenarioLoader, ASymlinkLoopIsNamed) {
  const std::string a = dir_.path("a.yaml"), b = dir_.path("b.yaml");
  std::filesystem::create_symlink(b, a);
  std::filesystem::create_symlink(a, b);
  const CheckedScenario c = check_scenario(a);
  ASSERT_TRUE(c.diagnostics.has_errors());
  EXPECT_NE(c.diagnostics.all().front().message.find("Too many levels of symbolic links"), std::string::npos)
      << c.diagnostics.all().front().message;
}

}  // namespace
}  // namespace cxsim
