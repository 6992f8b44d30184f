// A redesign written into a scenario file: appended to the `variants` list with every other byte
// of the file as it was, and read back by the loader as the same patches.
#include <gtest/gtest.h>

#include <string>

#include "io/diagnostics.hpp"
#include "io/variant_writer.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

VariantSource small_variant() {
  VariantSource v;
  v.name = "line test";
  v.description = "Test the line \"before\" the visit";
  v.cost_per_year = 1500;
  TouchpointSource p;
  p.touchpoint.id = "a";
  p.given.set(tp_id);
  p.touchpoint.reliability = 0.9;
  p.given.set(touchpoint_field("reliability"));
  v.touchpoints.push_back(p);
  return v;
}

// The text without the added item must be the file as it was, byte for byte.
void expect_only_added(const std::string& before, const std::string& after, const VariantSource& v, std::size_t indent,
                       const std::string& newline = "\n") {
  const std::string item = variant_yaml(v, indent, newline);
  const auto at = after.find(item);
  ASSERT_NE(at, std::string::npos) << after;
  EXPECT_EQ(after.substr(0, at) + after.substr(at + item.size()), before);
}

TEST(VariantWriter, AppendsAfterTheLastRedesignKeepingCommentsAndTheKeysAfterIt) {
  const std::string before =
      "name: X  # the title\n"
      "variants:\n"
      "  - name: one   # first\n"
      "    touchpoints:\n"
      "      a: {reliability: 0.8}\n"
      "  # a redesign we dropped\n"
      "\n"
      "sweeps: []\n";
  const std::string after = with_variant_added(before, "s.yaml", small_variant());
  expect_only_added(before, after, small_variant(), 2);
  EXPECT_LT(after.find("name: \"line test\""), after.find("# a redesign we dropped"));
}

TEST(VariantWriter, FollowsTheListIndentationOfTheFile) {
  const std::string before = "variants:\n- name: one\n  description: d\nsweeps: []\n";
  const std::string after = with_variant_added(before, "s.yaml", small_variant());
  expect_only_added(before, after, small_variant(), 0);
}

TEST(VariantWriter, KeepsWindowsLineEndings) {
  const std::string before = "name: X\r\nvariants:\r\n    - name: one\r\n";
  const std::string after = with_variant_added(before, "s.yaml", small_variant());
  expect_only_added(before, after, small_variant(), 4, "\r\n");
  EXPECT_EQ(after.find("\n"), after.find("\r\n") + 1);
}

TEST(VariantWriter, AddsAVariantsListWhenTheFileHasNone) {
  const std::string before = "name: X\njourney: {}\n";
  EXPECT_EQ(with_variant_added(before, "s.yaml", small_variant()),
            before + "variants:\n" + variant_yaml(small_variant(), 2, "\n"));
}

TEST(VariantWriter, EndsALastLineThatHadNoLineBreak) {
  EXPECT_EQ(with_variant_added("name: X", "s.yaml", small_variant()),
            "name: X\nvariants:\n" + variant_yaml(small_variant(), 2, "\n"));
  EXPECT_EQ(with_variant_added("variants:\n  - name: one", "s.yaml", small_variant()),
            "variants:\n  - name: one\n" + variant_yaml(small_variant(), 2, "\n"));
}

TEST(VariantWriter, TurnsAnEmptyFlowListIntoABlockListKeepingItsComment) {
  EXPECT_EQ(with_variant_added("variants: []  # none yet\nsweeps: []\n", "s.yaml", small_variant()),
            "variants:  # none yet\n" + variant_yaml(small_variant(), 2, "\n") + "sweeps: []\n");
}

TEST(VariantWriter, RefusesAFlowListWithItemsNamingTheLine) {
  try {
    with_variant_added("name: X\nvariants: [{name: one}]\n", "dir/s.yaml", small_variant());
    FAIL() << "a flow list with items was rewritten";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("dir/s.yaml:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("flow style"), std::string::npos) << e.what();
  }
}

TEST(VariantWriter, ChecksWhatItWroteAndRefusesALayoutItDoesNotHandle) {
  // A second YAML document after the list: the item would land in it. Read back, the first
  // document has no new redesign, so nothing is returned to be written.
  try {
    with_variant_added("variants:\n  - name: one\n---\nname: other\n", "s.yaml", small_variant());
    FAIL() << "a layout the writer does not handle was written";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing was written"), std::string::npos) << e.what();
  }
}

TEST(VariantWriter, AVeryLongLineIsReadWithoutTrouble) {
  const std::string before = "variants:  # " + std::string(4 << 20, 'x') + "\n  - name: one\n";
  expect_only_added(before, with_variant_added(before, "s.yaml", small_variant()), small_variant(), 2);
}

TEST(VariantWriter, AnEmptyVariantsKeyGetsTheItemRightBelowIt) {
  EXPECT_EQ(with_variant_added("variants:\nsweeps: []\n", "s.yaml", small_variant()),
            "variants:\n" + variant_yaml(small_variant(), 2, "\n") + "sweeps: []\n");
}

const char* const scenario_yaml =
    "name: Writer\n"
    "journey:\n"
    "  start: a\n"
    "  touchpoints:\n"
    "    - {id: a, name: Order, reliability: 0.6, relevance: 0.7, value: 0.8, trust: 0.1}\n"
    "    - {id: 'odd: id', reliability: 0.9, relevance: 1, value: 1, trust: 0}\n"
    "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
    "  transitions:\n"
    "    - {from: a, to: 'odd: id', probability: 0.3}\n"
    "    - {from: a, to: z, probability: 0.7}\n"
    "    - {from: 'odd: id', to: z, probability: 1}\n"
    "segments:\n"
    "  - {name: s, share: 1, value_expectation: 0.5, silent_churn: 0.05,\n"
    "     sensitivity: {reliability: 0.4, relevance: 0.3, value: 0.2}}\n";

TEST(VariantWriter, WhatItWritesReadsBackAsTheSamePatches) {
  VariantSource v;
  v.name = "all: kinds";
  v.description = "two\nlines";
  v.one_off_cost = 250000.5;
  TouchpointSource p;
  p.touchpoint.id = "odd: id";
  p.given.set(tp_id);
  p.touchpoint.name = "A name, with \"quotes\" and ünïcode";
  p.given.set(touchpoint_field("name"));
  p.touchpoint.trust = 0.1 + 0.2;  // 0.30000000000000004: written so that it reads back exactly
  p.given.set(touchpoint_field("trust"));
  p.touchpoint.cost = 12.25;
  p.given.set(touchpoint_field("cost"));
  v.touchpoints.push_back(p);
  TransitionReplacement r;
  r.from = "a";
  for (auto [to, prob] : {std::pair<const char*, double>{"odd: id", 0.55}, {"z", 0.45}}) {
    TransitionSource t;
    t.from = "a";
    t.to = to;
    t.probability = prob;
    t.when = When::ok;
    r.transitions.push_back(t);
  }
  TransitionSource failed;
  failed.from = "a";
  failed.to = "z";
  failed.probability = 1.0;
  failed.when = When::fail;
  r.transitions.push_back(failed);
  v.transitions.push_back(r);
  SegmentSource s;
  s.segment.name = "s";
  s.given.set(seg_name);
  s.segment.silent_churn = 0.07;
  s.given.set(segment_field("silent_churn"));
  s.segment.relevance_sensitivity = 0.9;
  s.given.set(sensitivity_bit(1));
  s.walk_away[0] = 0.25;
  s.given.set(sensitivity_bit(0));
  v.segments.push_back(s);

  test::ScratchDir dir;
  const std::string path = dir.write("s.yaml", with_variant_added(scenario_yaml, "s.yaml", v));
  const LoadedScenario l = load_scenario(path, "all: kinds");
  const VariantSource& back = l.scenario.variants.back();
  EXPECT_EQ(back.description, v.description);
  EXPECT_EQ(back.one_off_cost, v.one_off_cost);
  const Touchpoint& t = l.model.journey.touchpoint(*l.model.journey.find("odd: id"));
  EXPECT_EQ(t.name, p.touchpoint.name);
  EXPECT_EQ(t.trust, 0.1 + 0.2);
  EXPECT_EQ(t.cost, 12.25);
  EXPECT_EQ(t.reliability, 0.9);  // not patched: the baseline's
  const Segment& seg = l.model.population.segment(0);
  EXPECT_EQ(seg.silent_churn, 0.07);
  EXPECT_EQ(seg.relevance_sensitivity, 0.9);
  EXPECT_DOUBLE_EQ(seg.reliability_sensitivity, -std::log1p(-0.25));
  EXPECT_EQ(seg.value_sensitivity, 0.2);
  ASSERT_EQ(back.transitions.size(), 1u);
  ASSERT_EQ(back.transitions[0].transitions.size(), 3u);
  EXPECT_EQ(back.transitions[0].transitions[0].probability, 0.55);
  EXPECT_EQ(back.transitions[0].transitions[2].when, When::fail);
}

}  // namespace
}  // namespace cxsim
