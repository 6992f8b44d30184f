// The studio's changes as a redesign of their own (analysis/what_if.hpp: edited_variant): what
// they change, on the baseline and on top of a redesign, and how a transition row re-balances
// its set.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "analysis/what_if.hpp"
#include "io/diagnostics.hpp"
#include "sim/exact_solver.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

const char* const yaml =
    "name: Edit\n"
    "journey:\n"
    "  start: a\n"
    "  touchpoints:\n"
    "    - {id: a, reliability: 0.6, relevance: 0.7, value: 0.8, trust: 0.1}\n"
    "    - {id: b, reliability: 0.9, relevance: 1, value: 1, trust: 0}\n"
    "    - {id: c, reliability: 0.8, relevance: 0.9, value: 0.7, trust: 0}\n"
    "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
    "    - {id: x, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: defected}\n"
    "  transitions:\n"
    "    - {from: a, to: b, probability: 0.3, when: ok}\n"
    "    - {from: a, to: c, probability: 0.5, when: ok}\n"
    "    - {from: a, to: z, probability: 0.2, when: ok}\n"
    "    - {from: a, to: z, probability: 0.8, when: fail}\n"
    "    - {from: a, to: x, probability: 0.2, when: fail}\n"
    "    - {from: b, to: z, probability: 1}\n"
    "    - {from: c, to: z, probability: 0.6}\n"
    "    - {from: c, to: x, probability: 0.4}\n"
    "segments:\n"
    "  - {name: s, share: 0.6, value_expectation: 0.5, silent_churn: 0.05,\n"
    "     sensitivity: {reliability: 0.4, relevance: 0.3, value: 0.2}}\n"
    "  - {name: t, share: 0.4, value_expectation: 0.7, silent_churn: 0.02,\n"
    "     walk_away: {failed: 0.3, repeated: 0.2, value_gap: 0.05}}\n"
    "variants:\n"
    "  - name: better_a\n"
    "    touchpoints:\n"
    "      a: {reliability: 0.8, trust: 0.3}\n";

struct Fixture {
  test::ScratchDir dir;
  Scenario scenario;
  Fixture() { scenario = load_scenario(dir.write("s.yaml", yaml), "").scenario; }
  ScenarioModel model(const std::vector<NamedChange>& changes, const char* base = nullptr) const {
    const VariantSource* b = base ? scenario.variant(base) : nullptr;
    return edited_model(scenario, edited_variant(scenario, b, changes, "edit"), base ? base : "baseline");
  }
  const Touchpoint& tp(const ScenarioModel& m, const char* id) const {
    return m.journey.touchpoint(*m.journey.find(id));
  }
};

double probability(const ScenarioModel& m, const char* from, const char* to, When when) {
  const auto f = *m.journey.find(from), t = *m.journey.find(to);
  for (const Transition& tr : m.journey.transitions())
    if (tr.from == f && tr.to == t && tr.when == when) return tr.probability;
  ADD_FAILURE() << "no row " << from << "->" << to;
  return -1;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(EditedVariant, OnTheBaselineGivesWhatWithChangesGives) {
  const Fixture f;
  const std::vector<NamedChange> changes{{"a.reliability", 0.75},
                                         {"c.effort_minutes", 30},
                                         {"segment:t.walk_away.failed", 0.4},
                                         {"segment:s.silent_churn", 0.1}};
  const ScenarioModel edited = f.model(changes);
  const ScenarioModel direct = checked_model(with_changes(f.scenario, changes), nullptr);
  EXPECT_EQ(f.tp(edited, "a").reliability, 0.75);
  EXPECT_EQ(f.tp(edited, "c").effort_minutes, 30.0);
  EXPECT_EQ(edited.population.segment(1).reliability_sensitivity, direct.population.segment(1).reliability_sensitivity);
  EXPECT_EQ(edited.population.segment(0).silent_churn, 0.1);
  EXPECT_NEAR(solve_exact(edited.journey, edited.population).figures.defection_rate(),
              solve_exact(direct.journey, direct.population).figures.defection_rate(), 1e-14);
}

TEST(EditedVariant, OnTopOfARedesignANumberItPatchesTakesTheNewValue) {
  const Fixture f;
  const ScenarioModel m = f.model({{"a.reliability", 0.95}}, "better_a");
  EXPECT_EQ(f.tp(m, "a").reliability, 0.95);
  EXPECT_EQ(f.tp(m, "a").trust, 0.3);  // the redesign's other patch stays
  EXPECT_EQ(m.variant, "better_a");
}

TEST(EditedVariant, ATransitionRowRescalesTheOthersOfItsSetOnly) {
  const Fixture f;
  const ScenarioModel m = f.model({{"transition:a->b", 0.5}});
  EXPECT_EQ(probability(m, "a", "b", When::ok), 0.5);
  // the other two keep their ratio (5 : 2) and fill the rest
  EXPECT_NEAR(probability(m, "a", "c", When::ok), 0.5 * 0.5 / 0.7, 1e-11);
  EXPECT_NEAR(probability(m, "a", "z", When::ok), 0.5 * 0.2 / 0.7, 1e-11);
  EXPECT_EQ(probability(m, "a", "z", When::fail), 0.8);  // another set: untouched
  EXPECT_EQ(probability(m, "a", "x", When::fail), 0.2);
}

TEST(EditedVariant, ASetOfZerosSharesTheRestEvenly) {
  const Fixture f;
  const ScenarioModel m = f.model({{"transition:c->z", 1.0}, {"transition:c->z", 0.3}});
  EXPECT_EQ(probability(m, "c", "z", When::any), 0.3);
  EXPECT_NEAR(probability(m, "c", "x", When::any), 0.7, 1e-12);
}

TEST(EditedVariant, LaterChangesToOneSetWinAndTheSetStillSumsToOne) {
  const Fixture f;
  const ScenarioModel m = f.model({{"transition:a->b", 0.5}, {"transition:a->c", 0.9}});
  EXPECT_EQ(probability(m, "a", "c", When::ok), 0.9);
  const double b = probability(m, "a", "b", When::ok), z = probability(m, "a", "z", When::ok);
  EXPECT_NEAR(b + z, 0.1, 1e-11);
  // the first change's row (b = 0.5, z then 0.5 x 0.2 / 0.7) is rescaled like any other
  EXPECT_NEAR(b / z, 0.5 / (0.5 * 0.2 / 0.7), 1e-9);
}

TEST(EditedVariant, TheOnlyRouteOutStaysOne) {
  const Fixture f;
  EXPECT_NE(message_of([&] { f.model({{"transition:b->z", 0.5}}); }).find("only route out of 'b'"), std::string::npos);
  EXPECT_NO_THROW(f.model({{"transition:b->z", 1.0}}));
}

TEST(EditedVariant, RowsThatDifferOnlyInWhenNeedAQualifier) {
  const Fixture f;
  EXPECT_NE(message_of([&] { f.model({{"transition:a->z", 0.5}}); }).find("when=ok|fail|any"), std::string::npos);
  const ScenarioModel m = f.model({{"transition:a->z when=fail", 0.6}});
  EXPECT_EQ(probability(m, "a", "z", When::fail), 0.6);
  EXPECT_NEAR(probability(m, "a", "x", When::fail), 0.4, 1e-12);
}

TEST(EditedVariant, UnknownNamesSayTheClosestKnownOne) {
  const Fixture f;
  EXPECT_NE(message_of([&] { f.model({{"aa.reliability", 0.5}}); }).find("did you mean 'a'"), std::string::npos);
  EXPECT_NE(message_of([&] {
              f.model({{"a.reliabilty", 0.5}});
            }).find("did you mean 'reliability'"),
            std::string::npos);
  EXPECT_NE(message_of([&] { f.model({{"segment:u.silent_churn", 0.1}}); }).find("did you mean"), std::string::npos);
  EXPECT_NE(message_of([&] { f.model({{"transition:a->q", 0.1}}); }).find("no touchpoint 'q'"), std::string::npos);
}

TEST(EditedVariant, ValuesOutsideTheirRangeAreRefused) {
  const Fixture f;
  EXPECT_NE(message_of([&] { f.model({{"a.reliability", 1.5}}); }).find("between 0 and 1"), std::string::npos);
  EXPECT_NE(message_of([&] { f.model({{"transition:a->b", -0.1}}); }).find("between 0 and 1"), std::string::npos);
  EXPECT_NE(message_of([&] { f.model({{"segment:s.walk_away.failed", 1.0}}); }).find("below 1"), std::string::npos);
  EXPECT_NE(message_of([&] { f.model({{"a.reliability", std::nan("")}}); }).find("finite"), std::string::npos);
}

TEST(EditedVariant, ASegmentShareRescalesTheOtherSegments) {
  const Fixture f;
  const ScenarioModel m = f.model({{"segment:s.share", 0.75}});
  EXPECT_EQ(m.population.segment(0).share, 0.75);
  EXPECT_NEAR(m.population.segment(1).share, 0.25, 1e-12);
  // with_changes re-balances the same way
  const ScenarioModel direct = checked_model(with_changes(f.scenario, {{"segment:s.share", 0.75}}), nullptr);
  EXPECT_EQ(direct.population.segment(1).share, m.population.segment(1).share);
  EXPECT_NE(message_of([&] { f.model({{"segment:s.share", 1.5}}); }).find("between 0 and 1"), std::string::npos);
}

TEST(EditedVariant, SegmentNamesMayHoldDots) {
  test::ScratchDir dir;
  std::string text = yaml;
  text.replace(text.find("{name: t,"), 9, "{name: t.v2,");
  const Scenario sc = load_scenario(dir.write("s.yaml", text), "").scenario;
  const ScenarioModel m =
      edited_model(sc, edited_variant(sc, nullptr, {{"segment:t.v2.silent_churn", 0.2}}, "e"), "baseline");
  EXPECT_EQ(m.population.segment(1).silent_churn, 0.2);
  EXPECT_EQ(
      checked_model(with_changes(sc, {{"segment:t.v2.silent_churn", 0.2}}), nullptr).population.segment(1).silent_churn,
      0.2);
}

TEST(EditedVariant, EconomicsAreNotPartOfARedesign) {
  const Fixture f;
  EXPECT_NE(message_of([&] {
              f.model({{"economics.value_per_customer", 10}});
            }).find("same for every redesign"),
            std::string::npos);
}

}  // namespace
}  // namespace cxsim
