// A redesign patches exactly the field it names: one test per patchable touchpoint and segment
// field, each checking that field changed to the patched value and every other field did not.
// (A swapped field in the patching code would move a different number and fail here.)
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "io/scenario.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

// Every touchpoint field a designer can patch, with distinct baseline and patched values.
const char* const base_yaml =
    "name: Patch\n"
    "journey:\n"
    "  start: a\n"
    "  touchpoints:\n"
    "    - {id: a, name: Order, stage: buy, channel: web, reliability: 0.61, relevance: 0.62, value: 0.63,"
    " trust: 0.64, recovery: 0.65, effort_minutes: 6, cost: 7}\n"
    "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
    "    - {id: x, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: defected}\n"
    "  transitions:\n"
    "    - {from: a, to: z, probability: 0.9}\n"
    "    - {from: a, to: x, probability: 0.1}\n"
    "segments:\n"
    "  - {name: s, share: 1, value_expectation: 0.41, silent_churn: 0.42, heterogeneity: 0.43,\n"
    "     sensitivity: {reliability: 0.44, relevance: 0.45, value: 0.46, effort: 0.47}}\n";

struct Fields {
  Touchpoint t;
  Segment s;
};

Fields fields_of(const std::string& variant_yaml) {
  test::ScratchDir dir;
  const std::string path = dir.write("s.yaml", std::string(base_yaml) + "variants:\n  - name: v\n" + variant_yaml);
  const LoadedScenario l = load_scenario(path, "v");
  return {l.model.journey.touchpoint(*l.model.journey.find("a")), l.model.population.segment(0)};
}

const Fields baseline = [] {
  test::ScratchDir dir;
  const LoadedScenario l = load_scenario(dir.write("s.yaml", base_yaml), "");
  return Fields{l.model.journey.touchpoint(*l.model.journey.find("a")), l.model.population.segment(0)};
}();

// Every field of the touchpoint and segment, by name, so the test can say which one moved.
std::vector<std::pair<std::string, std::function<std::string(const Fields&)>>> all_fields() {
  const auto num = [](double x) { return std::to_string(x); };
  const auto opt = [&](const std::optional<double>& x) { return x ? num(*x) : std::string("none"); };
  return {
      {"name", [](const Fields& f) { return f.t.name; }},
      {"stage", [](const Fields& f) { return f.t.stage; }},
      {"channel", [](const Fields& f) { return f.t.channel; }},
      {"reliability", [=](const Fields& f) { return num(f.t.reliability); }},
      {"relevance", [=](const Fields& f) { return num(f.t.relevance); }},
      {"value", [=](const Fields& f) { return num(f.t.value); }},
      {"trust", [=](const Fields& f) { return num(f.t.trust); }},
      {"recovery", [=](const Fields& f) { return num(f.t.recovery); }},
      {"effort_minutes", [=](const Fields& f) { return opt(f.t.effort_minutes); }},
      {"cost", [=](const Fields& f) { return opt(f.t.cost); }},
      {"segment.value_expectation", [=](const Fields& f) { return num(f.s.value_expectation); }},
      {"segment.silent_churn", [=](const Fields& f) { return num(f.s.silent_churn); }},
      {"segment.heterogeneity", [=](const Fields& f) { return num(f.s.heterogeneity); }},
      {"segment.sensitivity.reliability", [=](const Fields& f) { return num(f.s.reliability_sensitivity); }},
      {"segment.sensitivity.relevance", [=](const Fields& f) { return num(f.s.relevance_sensitivity); }},
      {"segment.sensitivity.value", [=](const Fields& f) { return num(f.s.value_sensitivity); }},
      {"segment.sensitivity.effort", [=](const Fields& f) { return num(f.s.effort_sensitivity); }},
  };
}

// The patch moves `field` to `expected` and leaves every other field as the baseline has it.
void expect_only(const std::string& patch, const std::string& field, const std::string& expected) {
  const Fields patched = fields_of(patch);
  bool found = false;
  for (const auto& [name, get] : all_fields()) {
    if (name == field) {
      found = true;
      EXPECT_EQ(get(patched), expected) << field << " was not patched";
    } else {
      EXPECT_EQ(get(patched), get(baseline)) << "patching " << field << " moved " << name;
    }
  }
  ASSERT_TRUE(found) << field;
}

std::string number(double x) {
  return std::to_string(x);
}

TEST(VariantPatch, ReliabilityPatchesOnlyReliability) {
  expect_only("    touchpoints:\n      a: {reliability: 0.91}\n", "reliability", number(0.91));
}
TEST(VariantPatch, RelevancePatchesOnlyRelevance) {
  expect_only("    touchpoints:\n      a: {relevance: 0.92}\n", "relevance", number(0.92));
}
TEST(VariantPatch, ValuePatchesOnlyValue) {
  expect_only("    touchpoints:\n      a: {value: 0.93}\n", "value", number(0.93));
}
TEST(VariantPatch, TrustPatchesOnlyTrust) {
  expect_only("    touchpoints:\n      a: {trust: 0.94}\n", "trust", number(0.94));
}
TEST(VariantPatch, RecoveryPatchesOnlyRecovery) {
  expect_only("    touchpoints:\n      a: {recovery: 0.95}\n", "recovery", number(0.95));
}
TEST(VariantPatch, EffortMinutesPatchesOnlyEffort) {
  expect_only("    touchpoints:\n      a: {effort_minutes: 16}\n", "effort_minutes", number(16));
}
TEST(VariantPatch, CostPatchesOnlyCost) {
  expect_only("    touchpoints:\n      a: {cost: 17}\n", "cost", number(17));
}
TEST(VariantPatch, NamePatchesOnlyName) {
  expect_only("    touchpoints:\n      a: {name: Order online}\n", "name", "Order online");
}
TEST(VariantPatch, StagePatchesOnlyStage) {
  expect_only("    touchpoints:\n      a: {stage: pay}\n", "stage", "pay");
}
TEST(VariantPatch, ChannelPatchesOnlyChannel) {
  expect_only("    touchpoints:\n      a: {channel: app}\n", "channel", "app");
}
TEST(VariantPatch, ValueExpectationPatchesOnlyThat) {
  expect_only("    segments:\n      s: {value_expectation: 0.71}\n", "segment.value_expectation", number(0.71));
}
TEST(VariantPatch, SilentChurnPatchesOnlyThat) {
  expect_only("    segments:\n      s: {silent_churn: 0.72}\n", "segment.silent_churn", number(0.72));
}
TEST(VariantPatch, HeterogeneityPatchesOnlyThat) {
  expect_only("    segments:\n      s: {heterogeneity: 0.73}\n", "segment.heterogeneity", number(0.73));
}
TEST(VariantPatch, EachSensitivityPatchesOnlyItself) {
  const char* keys[] = {"reliability", "relevance", "value", "effort"};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(keys[i]);
    expect_only(std::string("    segments:\n      s: {sensitivity: {") + keys[i] + ": 1.5}}\n",
                std::string("segment.sensitivity.") + keys[i], number(1.5));
  }
}
TEST(VariantPatch, EachWalkAwayOddPatchesOnlyItsSensitivity) {
  const char* odds[] = {"failed", "repeated", "value_gap", "effort_hour"};
  const char* keys[] = {"reliability", "relevance", "value", "effort"};
  const double unit[] = {1.0, 1.0, 0.1, 1.0};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(odds[i]);
    expect_only(std::string("    segments:\n      s: {walk_away: {") + odds[i] + ": 0.3}}\n",
                std::string("segment.sensitivity.") + keys[i], number(-std::log(0.7) / unit[i]));
  }
}

}  // namespace
}  // namespace cxsim
