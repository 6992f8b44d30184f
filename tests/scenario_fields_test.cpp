// The scenario field tables (io/scenario_fields.hpp), row by row: every patchable field, patched
// alone by a variant, changes exactly that number of the built model (read here by hand, not
// through the table, so a row pointing at the wrong member, or a swapped bit, fails); and every
// row's key is accepted by the loader, with its range enforced and the message naming the file,
// line and column.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "io/scenario.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

// Touchpoint a carries distinct values for every field; y is the ending whose outcome a patch
// turns from defected to retained. Segment s carries distinct values for every number.
const char* const base_yaml =
    "name: Fields\n"
    "journey:\n"
    "  start: a\n"
    "  touchpoints:\n"
    "    - {id: a, name: Order, stage: buy, channel: web, reliability: 0.61, relevance: 0.62, value: 0.63,"
    " trust: 0.64, recovery: 0.65, effort_minutes: 6, cost: 7}\n"
    "    - {id: z, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained}\n"
    "    - {id: x, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: defected}\n"
    "    - {id: y, name: Leave, stage: end, channel: mail, reliability: 0.51, relevance: 0.52, value: 0.53,"
    " trust: 0.54, recovery: 0.55, outcome: defected, effort_minutes: 3, cost: 4}\n"
    "  transitions:\n"
    "    - {from: a, to: z, probability: 0.5}\n"
    "    - {from: a, to: x, probability: 0.3}\n"
    "    - {from: a, to: y, probability: 0.2}\n"
    "segments:\n"
    "  - {name: s, share: 0.5, value_expectation: 0.41, silent_churn: 0.42, heterogeneity: 0.43,\n"
    "     sensitivity: {reliability: 0.44, relevance: 0.45, value: 0.46, effort: 0.47}}\n"
    "  - {name: t, share: 0.5, value_expectation: 0.5, silent_churn: 0.2, sensitivity: {reliability: 0.3}}\n";

struct Fields {
  Touchpoint t;
  Segment s;
};

std::string num(double x) {
  return std::to_string(x);
}
std::string opt(const std::optional<double>& x) {
  return x ? num(*x) : std::string("none");
}

// Every field of a touchpoint and a segment, read by hand, by the table's name for it.
const std::map<std::string, std::function<std::string(const Fields&)>>& readers() {
  static const std::map<std::string, std::function<std::string(const Fields&)>> r{
      {"touchpoint.id", [](const Fields& f) { return f.t.id; }},
      {"touchpoint.name", [](const Fields& f) { return f.t.name; }},
      {"touchpoint.stage", [](const Fields& f) { return f.t.stage; }},
      {"touchpoint.channel", [](const Fields& f) { return f.t.channel; }},
      {"touchpoint.reliability", [](const Fields& f) { return num(f.t.reliability); }},
      {"touchpoint.relevance", [](const Fields& f) { return num(f.t.relevance); }},
      {"touchpoint.value", [](const Fields& f) { return num(f.t.value); }},
      {"touchpoint.trust", [](const Fields& f) { return num(f.t.trust); }},
      {"touchpoint.recovery", [](const Fields& f) { return num(f.t.recovery); }},
      {"touchpoint.outcome", [](const Fields& f) { return std::string(to_string(f.t.outcome)); }},
      {"touchpoint.effort_minutes", [](const Fields& f) { return opt(f.t.effort_minutes); }},
      {"touchpoint.cost", [](const Fields& f) { return opt(f.t.cost); }},
      {"segment.name", [](const Fields& f) { return f.s.name; }},
      {"segment.share", [](const Fields& f) { return num(f.s.share); }},
      {"segment.value_expectation", [](const Fields& f) { return num(f.s.value_expectation); }},
      {"segment.silent_churn", [](const Fields& f) { return num(f.s.silent_churn); }},
      {"segment.heterogeneity", [](const Fields& f) { return num(f.s.heterogeneity); }},
      {"segment.sensitivity.reliability", [](const Fields& f) { return num(f.s.reliability_sensitivity); }},
      {"segment.sensitivity.relevance", [](const Fields& f) { return num(f.s.relevance_sensitivity); }},
      {"segment.sensitivity.value", [](const Fields& f) { return num(f.s.value_sensitivity); }},
      {"segment.sensitivity.effort", [](const Fields& f) { return num(f.s.effort_sensitivity); }},
  };
  return r;
}

// One patch of one field: the variant's YAML, the touchpoint it looks at, and the value expected.
struct Patch {
  std::string field;  // "touchpoint.KEY" or "segment.NAME"
  std::string yaml;
  std::string touchpoint = "a";
  std::string expected;
};

void PrintTo(const Patch& p, std::ostream* os) {
  *os << p.field << " by " << p.yaml;
}

std::string key_name(const std::string& field) {
  std::string s = field;
  for (char& c : s)
    if (c == '.') c = '_';
  return s;
}

// A patch for every patchable row of both tables (and each sensitivity as a walk-away odd too).
std::vector<Patch> patches() {
  std::vector<Patch> out;
  for (std::size_t bit = 0; bit < touchpoint_field_table.size(); ++bit) {
    const TouchpointFieldRow& f = touchpoint_field_table[bit];
    if (bit == tp_id) continue;  // names the touchpoint; never patched
    Patch p{std::string("touchpoint.") + f.key, "", "a", ""};
    std::string value;
    switch (f.kind) {
      case FieldKind::text: value = p.expected = "Patched"; break;
      case FieldKind::probability: value = "0.91", p.expected = num(0.91); break;
      case FieldKind::amount: value = "16", p.expected = num(16); break;
      case FieldKind::outcome:
        p.touchpoint = "y";
        value = p.expected = "retained";
        break;
      case FieldKind::id:
      case FieldKind::group: continue;  // none (EveryRowHasAHandReaderHere counts the rows)
    }
    p.yaml = "    touchpoints:\n      " + p.touchpoint + ": {" + f.key + ": " + value + "}\n";
    out.push_back(p);
  }
  for (std::size_t bit = 0; bit < segment_field_table.size(); ++bit) {
    const SegmentFieldRow& f = segment_field_table[bit];
    if (!f.number) continue;  // the name, and the maps the sensitivities sit in
    const std::string name = segment_field_name(f);
    Patch p{"segment." + name, "", "a", ""};
    if (bit == seg_share) {  // the shares must still sum to 1: t's moves too (and only s is read)
      p.yaml = "    segments:\n      s: {share: 0.3}\n      t: {share: 0.7}\n";
      p.expected = num(0.3);
    } else if (*f.group) {
      p.yaml = std::string("    segments:\n      s: {") + f.group + ": {" + f.key + ": 1.5}}\n";
      p.expected = num(1.5);
      out.push_back(p);
      // The same sensitivity as a walk-away odd: a hazard of -ln(1 - p) per unit.
      p.yaml = std::string("    segments:\n      s: {walk_away: {") + f.odds_key + ": 0.3}}\n";
      p.expected = num(-std::log(0.7) / f.odds_unit);
    } else {
      p.yaml = std::string("    segments:\n      s: {") + f.key + ": 0.77}\n";
      p.expected = num(0.77);
    }
    out.push_back(p);
  }
  return out;
}

Fields fields_of(const std::string& variant_yaml, const std::string& touchpoint) {
  test::ScratchDir dir;
  const std::string yaml =
      std::string(base_yaml) + (variant_yaml.empty() ? "" : "variants:\n  - name: v\n" + variant_yaml);
  const LoadedScenario l = load_scenario(dir.write("s.yaml", yaml), variant_yaml.empty() ? "" : "v");
  return {l.model.journey.touchpoint(*l.model.journey.find(touchpoint)), l.model.population.segment(0)};
}

TEST(ScenarioFieldTable, EveryRowHasAHandReaderHere) {
  std::size_t rows = 0;
  for (const auto& f : touchpoint_field_table) {
    ++rows;
    EXPECT_TRUE(readers().count(std::string("touchpoint.") + f.key)) << f.key << ": add a reader for the new row";
  }
  for (const auto& f : segment_field_table) {
    if (f.kind == FieldKind::group) continue;
    ++rows;
    EXPECT_TRUE(readers().count("segment." + segment_field_name(f)))
        << segment_field_name(f) << ": add a reader for the new row";
  }
  EXPECT_EQ(rows, readers().size());
}

TEST(ScenarioFieldTable, EveryAttributeAndParameterIsARowOfTheSameMember) {
  for (int a = 0; a < touchpoint_attribute_count; ++a) {
    const auto attribute = static_cast<TouchpointAttribute>(a);
    const auto f = touchpoint_field(attribute);
    ASSERT_LT(f, touchpoint_field_table.size()) << attribute_field(attribute).name;
    EXPECT_STREQ(touchpoint_field_table[f].key, attribute_field(attribute).name);
  }
  for (int q = 0; q < segment_parameter_count; ++q) {
    const auto parameter = static_cast<SegmentParameter>(q);
    ASSERT_LT(segment_field(parameter), segment_field_table.size()) << parameter_field(parameter).name;
  }
}

class PatchOneField : public ::testing::TestWithParam<Patch> {};

TEST_P(PatchOneField, ChangesExactlyThatFieldOfTheBuiltModel) {
  const Patch& p = GetParam();
  const Fields before = fields_of("", p.touchpoint);
  const Fields after = fields_of(p.yaml, p.touchpoint);
  ASSERT_TRUE(readers().count(p.field)) << p.field;
  for (const auto& [name, read] : readers()) {
    if (name == p.field) {
      EXPECT_NE(read(before), p.expected) << "test setup: the baseline already has " << name << " = " << p.expected;
      EXPECT_EQ(read(after), p.expected) << p.field << " was not patched";
    } else {
      EXPECT_EQ(read(after), read(before)) << "patching " << p.field << " moved " << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPatchableField, PatchOneField, ::testing::ValuesIn(patches()),
                         [](const ::testing::TestParamInfo<Patch>& p) {
                           return key_name(p.param.field) +
                                  (p.param.yaml.find("walk_away") != std::string::npos ? "_as_walk_away" : "");
                         });

// ---- the loader: every key accepted, every range enforced, at the right place ----

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// The diagnostics of checking `yaml` (with touchpoints.csv beside it), the scratch folder cut off.
std::vector<std::string> diagnostics_of(const std::string& yaml, const std::string& csv) {
  test::ScratchDir dir;
  dir.write("touchpoints.csv", csv);
  const CheckedScenario c = check_scenario(dir.write("scenario.yaml", yaml));
  std::vector<std::string> out;
  const std::string prefix = dir.path("");
  for (const auto& d : c.diagnostics.sorted()) {
    std::string s = d.to_string();
    if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
    out.push_back(s);
  }
  return out;
}

std::string all(const std::vector<std::string>& ds) {
  std::string s;
  for (const auto& d : ds) s += d + "\n";
  return s;
}

bool has(const std::vector<std::string>& ds, const std::string& start, const std::string& part) {
  for (const auto& d : ds)
    if (d.rfind(start, 0) == 0 && d.find(part) != std::string::npos) return true;
  return false;
}

// A scenario whose touchpoints are touchpoints.csv: a (tested) -> z (retained) or x (defected).
std::string scenario_with_csv() {
  return "name: Keys\n"
         "journey:\n"
         "  start: a\n"
         "  touchpoints: touchpoints.csv\n"
         "  transitions:\n"
         "    - {from: a, to: z, probability: 0.5}\n"
         "    - {from: a, to: x, probability: 0.5}\n";
}

// touchpoints.csv with the column `key` first after the id, `value` in it on line 2 (a).
std::string csv_with(const std::string& key, const std::string& value) {
  std::string header = "id," + key, a = "a," + value, z = "z,", x = "x,";
  // The endings need a value in a required column, and their outcomes in the outcome column.
  const bool required = touchpoint_field_table[touchpoint_field(key)].required;
  const std::string zv = key == "outcome" ? "retained" : required ? "1" : "";
  const std::string xv = key == "outcome" ? "defected" : required ? "1" : "";
  z += zv;
  x += xv;
  for (const auto& f : touchpoint_field_table) {
    if (std::string(f.key) == key || std::string(f.key) == "id" || !f.required) continue;
    header += std::string(",") + f.key;
    a += ",1";
    z += ",1";
    x += ",1";
  }
  if (key != "outcome") {
    header += ",outcome";
    a += ",";
    z += ",retained";
    x += ",defected";
  }
  return header + "\n" + a + "\n" + z + "\n" + x + "\n";
}

TEST(ScenarioFieldTable, EveryTouchpointKeyIsAColumnTheLoaderAccepts) {
  for (std::size_t bit = 0; bit < touchpoint_field_table.size(); ++bit) {
    const TouchpointFieldRow& f = touchpoint_field_table[bit];
    if (bit == tp_id) continue;
    SCOPED_TRACE(f.key);
    const std::string ok = f.kind == FieldKind::outcome ? "" : f.kind == FieldKind::text ? "Words" : "0.5";
    const auto ds = diagnostics_of(scenario_with_csv(), csv_with(f.key, ok));
    EXPECT_TRUE(ds.empty()) << all(ds);
  }
}

TEST(ScenarioFieldTable, EveryTouchpointNumberHasItsRangeEnforcedAtItsCell) {
  for (const auto& f : touchpoint_field_table) {
    if (f.kind != FieldKind::probability && f.kind != FieldKind::amount) continue;
    SCOPED_TRACE(f.key);
    for (const double bad : {-1.0, f.max * 2}) {
      const auto ds = diagnostics_of(scenario_with_csv(), csv_with(f.key, fmt(bad)));
      // Line 2, column 3: "a," then the value.
      EXPECT_TRUE(has(ds, "touchpoints.csv:2:3: error: ",
                      std::string("'") + f.key + "' is " + fmt(bad) + "; expected a number in [0, " + fmt(f.max) + "]"))
          << all(ds);
    }
  }
}

TEST(ScenarioFieldTable, TheOutcomeIsOneOfItsWords) {
  const auto ds = diagnostics_of(scenario_with_csv(), csv_with("outcome", "maybe"));
  EXPECT_TRUE(has(ds, "touchpoints.csv:2:3: error: ", "'outcome' is 'maybe'; expected 'retained', 'defected' or empty"))
      << all(ds);
}

// A scenario whose segment s has only its name and `line` (line 11): the missing keys are
// reported too, and do not matter here. Segment t is complete.
std::string scenario_with_segment_line(const std::string& line) {
  return "name: Keys\n"                                                                                     // 1
         "journey:\n"                                                                                       // 2
         "  start: a\n"                                                                                     // 3
         "  touchpoints: touchpoints.csv\n"                                                                 // 4
         "  transitions:\n"                                                                                 // 5
         "    - {from: a, to: z, probability: 0.5}\n"                                                       // 6
         "    - {from: a, to: x, probability: 0.5}\n"                                                       // 7
         "segments:\n"                                                                                      // 8
         "  - {name: t, share: 0.5, value_expectation: 0.5, silent_churn: 0.2, sensitivity: {value: 1}}\n"  // 9
         "  - name: s\n"                                                                                    // 10
         "    " +
         line + "\n";  // 11
}

TEST(ScenarioFieldTable, EverySegmentNumberHasItsRangeEnforcedAtItsValue) {
  for (const auto& f : segment_field_table) {
    if (!f.number) continue;
    const std::string name = segment_field_name(f);
    SCOPED_TRACE(name);
    std::vector<std::pair<std::string, std::string>> forms;  // (line 11, the name the message gives)
    if (*f.group) {
      forms.push_back({std::string(f.group) + ": {" + f.key + ": BAD}", name});
      forms.push_back({std::string("walk_away: {") + f.odds_key + ": BAD}", std::string("walk_away.") + f.odds_key});
    } else {
      forms.push_back({std::string(f.key) + ": BAD", name});
    }
    for (const auto& [form, shown] : forms) {
      const double max = form.rfind("walk_away", 0) == 0 ? 1.0 : f.max;
      for (const double bad : {-1.0, max * 2}) {
        std::string line = form;
        const auto at = line.find("BAD");
        line.replace(at, 3, fmt(bad));
        const auto ds = diagnostics_of(scenario_with_segment_line(line), csv_with("recovery", ""));
        const std::string place = "scenario.yaml:11:" + std::to_string(4 + at + 1) + ": error: ";
        EXPECT_TRUE(has(ds, place, "'" + shown + "' is " + fmt(bad) + "; expected a number in [0, " + fmt(max) + "]"))
            << place << "\n"
            << all(ds);
      }
    }
  }
}

}  // namespace
}  // namespace cxsim
