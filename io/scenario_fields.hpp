#pragma once
// The fields of a scenario's touchpoints and segments, listed once: the input-side twin of
// sim/figure_fields.hpp. The loader (keys, CSV columns, kinds, ranges, required fields), variant
// patches (which fields a patch gave, copying them, stacking them), the variant and fitted-scenario
// writers, `what-if` and the path importer's header all iterate these tables, so a new field is
// one row here (plus its member in Touchpoint or Segment; see docs/architecture.md for what else
// a new kind of field needs).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "io/number.hpp"
#include "models/limits.hpp"
#include "models/segment.hpp"
#include "sim/attributes.hpp"
#include "sim/journey.hpp"

namespace cxsim {

enum class FieldKind : std::uint8_t {
  id,           // the touchpoint's id: text, never empty
  text,         // free text
  probability,  // a number in [0, 1]
  amount,       // a number in [0, max]
  outcome,      // 'retained', 'defected' or empty
  group         // a map of the rows whose group is this key (a segment's `sensitivity`)
};

// One touchpoint field: a CSV column and a YAML key. Its index in the table is its bit in
// TouchpointSource::given.
struct TouchpointFieldRow {
  const char* key;
  FieldKind kind;
  double max = 0.0;       // number kinds: the range is [0, max]
  bool required = false;  // every touchpoint (and a variant's new one) gives it; else empty is the default
  // The member it sets: exactly one is set.
  std::string Touchpoint::*text = nullptr;
  double Touchpoint::*number = nullptr;                   // an empty optional one is 0
  std::optional<double> Touchpoint::*optional = nullptr;  // an empty one is absent
  Outcome Touchpoint::*outcome = nullptr;
};

inline constexpr std::array<TouchpointFieldRow, 12> touchpoint_field_table{{
    {.key = "id", .kind = FieldKind::id, .required = true, .text = &Touchpoint::id},
    {.key = "name", .kind = FieldKind::text, .text = &Touchpoint::name},
    {.key = "stage", .kind = FieldKind::text, .text = &Touchpoint::stage},
    {.key = "channel", .kind = FieldKind::text, .text = &Touchpoint::channel},
    {.key = "reliability",
     .kind = FieldKind::probability,
     .max = 1.0,
     .required = true,
     .number = &Touchpoint::reliability},
    {.key = "relevance",
     .kind = FieldKind::probability,
     .max = 1.0,
     .required = true,
     .number = &Touchpoint::relevance},
    {.key = "value", .kind = FieldKind::probability, .max = 1.0, .required = true, .number = &Touchpoint::value},
    {.key = "trust", .kind = FieldKind::probability, .max = 1.0, .required = true, .number = &Touchpoint::trust},
    {.key = "recovery", .kind = FieldKind::probability, .max = 1.0, .number = &Touchpoint::recovery},
    {.key = "outcome", .kind = FieldKind::outcome, .outcome = &Touchpoint::outcome},
    {.key = "effort_minutes",
     .kind = FieldKind::amount,
     .max = limits::max_effort_or_cost,
     .optional = &Touchpoint::effort_minutes},
    {.key = "cost", .kind = FieldKind::amount, .max = limits::max_effort_or_cost, .optional = &Touchpoint::cost},
}};

// Touchpoint fields: CSV header names and YAML keys, in the table's order.
inline constexpr auto touchpoint_fields = [] {
  std::array<const char*, touchpoint_field_table.size()> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = touchpoint_field_table[i].key;
  return keys;
}();

// The index (and `given` bit) of the touchpoint field `key`; the table's size when there is none.
constexpr std::size_t touchpoint_field(std::string_view key) {
  std::size_t i = 0;
  while (i < touchpoint_field_table.size() && key != touchpoint_field_table[i].key) ++i;
  return i;
}
inline constexpr std::size_t tp_id = touchpoint_field("id");
static_assert(tp_id == 0, "the id comes first: a patch is named by it and never sets it");

// The touchpoint field that holds an attribute (sim/attributes.hpp).
constexpr std::size_t touchpoint_field(TouchpointAttribute a) {
  std::size_t i = 0;
  while (i < touchpoint_field_table.size() && touchpoint_field_table[i].number != attribute_field(a).member) ++i;
  return i;
}
static_assert(
    [] {
      for (int a = 0; a < touchpoint_attribute_count; ++a) {
        const auto f = touchpoint_field(static_cast<TouchpointAttribute>(a));
        if (f == touchpoint_field_table.size()) return false;
        const auto& row = touchpoint_field_table[f];
        const auto& attr = touchpoint_attributes[static_cast<std::size_t>(a)];
        if (std::string_view(row.key) != attr.name || row.max != attr.max) return false;
      }
      return true;
    }(),
    "every touchpoint attribute is a field of the same name and range");

inline void copy_touchpoint_field(Touchpoint& to, const Touchpoint& from, const TouchpointFieldRow& f) {
  if (f.text) to.*f.text = from.*f.text;
  if (f.number) to.*f.number = from.*f.number;
  if (f.optional) to.*f.optional = from.*f.optional;
  if (f.outcome) to.*f.outcome = from.*f.outcome;
}

// A field's value as text ("" for an absent optional number), to compare two patches and to say
// what each set.
inline std::string touchpoint_field_text(const Touchpoint& t, const TouchpointFieldRow& f) {
  if (f.text) return t.*f.text;
  if (f.number) return shortest_text(t.*f.number);
  if (f.optional) return t.*f.optional ? shortest_text(*(t.*f.optional)) : "";
  if (f.outcome) return to_string(t.*f.outcome);
  return "";
}

// One segment value. Its index in the table is its bit in SegmentSource::given: the keys of a
// segment first (including the `sensitivity` and `walk_away` maps, which carry no value of their
// own), then the four sensitivities (hazards a, b, c, d), which `sensitivity` gives as hazards and
// `walk_away` as the walk-away odds a designer would state, in the same order.
struct SegmentFieldRow {
  const char* group;  // "" for a key of its own; else the map it sits in
  const char* key;
  FieldKind kind;
  double max = 0.0;
  bool required = false;  // a segment (not a patch) gives it
  std::string Segment::*text = nullptr;
  double Segment::*number = nullptr;
  // Sensitivities: the key under `walk_away`, the friction of one walk-away odd (a value gap of
  // 0.1; everything else one unit: a failed visit, one repeat, one hour) and that unit in words.
  const char* odds_key = nullptr;
  double odds_unit = 1.0;
  const char* per_unit = "";
  // A fitted scenario writes it even when it is 0 (the effort sensitivity came with model v1.3: a
  // segment written without it stays so).
  bool written_when_zero = true;
};

inline constexpr std::array<SegmentFieldRow, 11> segment_field_table{{
    {"", "name", FieldKind::text, 0.0, true, &Segment::name},
    {"", "share", FieldKind::probability, 1.0, true, nullptr, &Segment::share},
    {"", "value_expectation", FieldKind::probability, 1.0, true, nullptr, &Segment::value_expectation},
    {"", "sensitivity", FieldKind::group},
    {"", "walk_away", FieldKind::group},
    {"", "silent_churn", FieldKind::amount, limits::max_silent_churn, true, nullptr, &Segment::silent_churn},
    {"", "heterogeneity", FieldKind::amount, limits::max_heterogeneity, false, nullptr, &Segment::heterogeneity},
    {"sensitivity", "reliability", FieldKind::amount, limits::max_sensitivity, false, nullptr,
     &Segment::reliability_sensitivity, "failed", 1.0},
    {"sensitivity", "relevance", FieldKind::amount, limits::max_sensitivity, false, nullptr,
     &Segment::relevance_sensitivity, "repeated", 1.0},
    {"sensitivity", "value", FieldKind::amount, limits::max_sensitivity, false, nullptr, &Segment::value_sensitivity,
     "value_gap", 0.1, " per unit of value gap"},
    {"sensitivity", "effort", FieldKind::amount, limits::max_sensitivity, false, nullptr, &Segment::effort_sensitivity,
     "effort_hour", 1.0, " per hour", false},
}};

// "share", "sensitivity.value": a segment value's name in messages and `what-if`.
inline std::string segment_field_name(const SegmentFieldRow& f) {
  return *f.group ? std::string(f.group) + "." + f.key : std::string(f.key);
}

// The bit of the segment value named `name` ("share", "sensitivity.value"); the table's size
// when there is none.
constexpr std::size_t segment_field(std::string_view name) {
  for (std::size_t i = 0; i < segment_field_table.size(); ++i) {
    const std::string_view group = segment_field_table[i].group, key = segment_field_table[i].key;
    if (group.empty() ? name == key
                      : name.size() == group.size() + 1 + key.size() && name.substr(0, group.size()) == group &&
                            name[group.size()] == '.' && name.substr(group.size() + 1) == key)
      return i;
  }
  return segment_field_table.size();
}
inline constexpr std::size_t seg_name = segment_field("name");
inline constexpr std::size_t seg_share = segment_field("share");
inline constexpr std::size_t seg_sensitivity = segment_field("sensitivity");
inline constexpr std::size_t seg_walk_away = segment_field("walk_away");
static_assert(seg_name == 0, "a patch is named by its segment's name and never sets it");

// The keys of a segment, in order (rows of no group).
inline constexpr std::size_t segment_field_count = [] {
  std::size_t n = 0;
  while (n < segment_field_table.size() && !*segment_field_table[n].group) ++n;
  return n;
}();
inline constexpr auto segment_fields = [] {
  std::array<const char*, segment_field_count> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = segment_field_table[i].key;
  return keys;
}();
// The four sensitivities: their bits follow the keys.
inline constexpr std::size_t sensitivity_count = segment_field_table.size() - segment_field_count;
constexpr std::size_t sensitivity_bit(std::size_t which) {
  return segment_field_count + which;
}
constexpr const SegmentFieldRow& sensitivity_field(std::size_t which) {
  return segment_field_table[sensitivity_bit(which)];
}
static_assert(
    [] {
      for (std::size_t i = segment_field_count; i < segment_field_table.size(); ++i)
        if (std::string_view(segment_field_table[i].group) != "sensitivity" || !segment_field_table[i].odds_key)
          return false;
      return true;
    }(),
    "the rows after a segment's keys are its sensitivities");
inline constexpr auto sensitivity_keys = [] {
  std::array<const char*, sensitivity_count> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = sensitivity_field(i).key;
  return keys;
}();
inline constexpr auto walk_away_keys = [] {
  std::array<const char*, sensitivity_count> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = sensitivity_field(i).odds_key;
  return keys;
}();
inline constexpr auto walk_away_units = [] {
  std::array<double, sensitivity_count> units{};
  for (std::size_t i = 0; i < units.size(); ++i) units[i] = sensitivity_field(i).odds_unit;
  return units;
}();

inline double& sensitivity_of(Segment& s, std::size_t which) {
  return s.*sensitivity_field(which).number;
}
inline double sensitivity_of(const Segment& s, std::size_t which) {
  return s.*sensitivity_field(which).number;
}

// The segment value that holds a parameter (sim/attributes.hpp).
constexpr std::size_t segment_field(SegmentParameter p) {
  std::size_t i = 0;
  while (i < segment_field_table.size() && segment_field_table[i].number != parameter_field(p).member) ++i;
  return i;
}
static_assert(
    [] {
      for (int p = 0; p < segment_parameter_count; ++p) {
        const auto f = segment_field(static_cast<SegmentParameter>(p));
        if (f == segment_field_table.size() || segment_field_table[f].max != segment_parameters[std::size_t(p)].max)
          return false;
      }
      return true;
    }(),
    "every segment parameter is a segment value of the same range");

// Whether a bit carries a value (the `name`, and the `sensitivity` and `walk_away` maps, which
// are carried by the sensitivities themselves, do not).
constexpr bool carries_value(const SegmentFieldRow& f) {
  return f.number != nullptr;
}

// A segment value as text, to compare two patches and to say what each set.
inline std::string segment_field_text(const Segment& s, const SegmentFieldRow& f) {
  return f.number ? shortest_text(s.*f.number) : std::string();
}

}  // namespace cxsim
