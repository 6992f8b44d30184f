#pragma once
// A scenario as written: the baseline journey, segments, simulation defaults and variants, each
// piece with the place it came from. `build_model` turns it (and one variant) into the immutable
// Journey and Population the engines run on.
#include <array>
#include <bitset>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "io/diagnostics.hpp"
#include "io/scenario_fields.hpp"
#include "models/segment.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim {

inline constexpr std::array<const char*, 5> transition_fields{"from", "to", "probability", "when", "segment"};

// The fields a row or a patch gave, with their values and places.
struct TouchpointSource {
  Touchpoint touchpoint;
  std::bitset<touchpoint_field_table.size()> given;  // by row of touchpoint_field_table
  SourceLocation where;                              // the row (CSV) or map (YAML)
};

struct TransitionSource {
  std::string from, to;
  double probability = 0.0;
  When when = When::any;
  std::string segment;   // empty: every segment without rows of its own here
  SourceLocation where;  // the row or map
  // Its cells, in the same file (a line and a column each: a 300,000-row table keeps one file
  // name per row, not five).
  struct Cell {
    std::uint32_t line = 0, column = 0;
  };
  Cell from_cell, to_cell, probability_cell, segment_cell;
  SourceLocation at(const Cell& c) const { return {where.file, c.line, c.column}; }
  SourceLocation from_where() const { return at(from_cell); }
  SourceLocation to_where() const { return at(to_cell); }
  SourceLocation probability_where() const { return at(probability_cell); }
  SourceLocation segment_where() const { return at(segment_cell); }
  static Cell cell_of(const SourceLocation& w) {
    return {static_cast<std::uint32_t>(w.line), static_cast<std::uint32_t>(w.column)};
  }
};

struct SegmentSource {
  Segment segment;
  // Which rows of segment_field_table were given: keys, then the four sensitivities (in either
  // form).
  std::bitset<segment_field_table.size()> given;
  // The walk-away odds as written, for `check` to show the hazards derived from them.
  std::array<std::optional<double>, sensitivity_count> walk_away;
  bool share_valid = false;  // given and read without error
  SourceLocation where;
};

struct TransitionReplacement {
  std::string from;
  SourceLocation where;
  std::vector<TransitionSource> transitions;
};

struct VariantSource {
  std::string name, description;
  SourceLocation where;
  std::optional<double> cost_per_year;  // what the redesign costs to run, per year
  SourceLocation cost_where;
  std::optional<double> one_off_cost;         // what it costs once, to build (counts in the NPV)
  std::vector<TouchpointSource> touchpoints;  // patches or additions, by id
  std::vector<TransitionReplacement> transitions;
  std::vector<SegmentSource> segments;  // patches, by name
};

// What defections are worth: turns differences in defection rate into money.
struct Economics {
  double customers_per_year = 0.0;  // customers entering the journey per year
  double value_per_customer = 0.0;  // what one defection loses
  std::string currency;
  SourceLocation where;
  // The net present value of a redesign: NPV = -one_off_cost + sum over years y = 0..H-1 of its
  // net benefit per year / (1 + r)^y. Without a horizon no NPV is reported.
  std::optional<std::uint64_t> horizon_years = std::nullopt;
  double discount_rate = 0.0;
  // The value lost when a customer leaves the journey in a stage (where they leave: abandoned at
  // a touchpoint -> its stage; routed defection -> the stage of the `defected` ending; silent
  // churn -> the stage of the `retained` ending); stages not listed use value_per_customer.
  std::vector<std::pair<std::string, double>> value_by_stage = {};
};

// A whole scenario file as a redesign (`compare BASELINE.yaml REDESIGN.yaml`): its own costs and
// description, from the top-level `redesign` block.
struct RedesignSource {
  std::string description;
  std::optional<double> cost_per_year = std::nullopt;
  std::optional<double> one_off_cost = std::nullopt;
  SourceLocation where = {};
};

// One uncertain number of the `assumptions` block: uniform on [low, high], or triangular with a
// mode. Its name is resolved against the scenario when the assumptions are used
// (io/assumptions.hpp); inputs with the same group move together.
struct AssumptionInput {
  std::string name, group;
  std::optional<When> when = std::nullopt;  // transition rows: which set
  std::string segment = {};                 // transition rows: whose route
  double low = 0.0, high = 0.0;
  std::optional<double> mode = std::nullopt;
  SourceLocation where = {}, name_where = {};
};
struct AssumptionsSource {
  std::optional<std::uint64_t> draws = std::nullopt;  // default for --assumptions
  std::uint64_t seed = 1;
  std::vector<AssumptionInput> inputs = {};
  SourceLocation where = {};
};

// A response curve the scenario asks for (`cxsim sweep SCENARIO` draws them all).
struct SweepSource {
  std::string touchpoint, segment;  // exactly one is given
  std::string attribute;
  double from = 0.0, to = 1.0;
  std::uint64_t steps = 11;  // points, both ends included
  SourceLocation where, name_where;
};

struct SimulationDefaults {
  std::uint64_t customers = 100000;
  std::uint64_t seed = 1;
  std::uint64_t max_steps = 1000;
};

struct Scenario {
  std::string path;                 // the YAML file
  std::vector<std::string> inputs;  // every file read: the YAML file, then the CSV tables it names
  std::string name, description;
  std::string start;
  SourceLocation start_where;
  std::vector<TouchpointSource> touchpoints;
  bool touchpoint_ids_known = false;  // the touchpoint table was read and every row has an id
  std::vector<TransitionSource> transitions;
  std::vector<SegmentSource> segments;
  bool default_segments = false;
  SourceLocation segments_where;
  SimulationDefaults simulation;
  std::optional<Economics> economics;
  std::optional<RedesignSource> redesign;
  std::optional<AssumptionsSource> assumptions;
  std::vector<VariantSource> variants;
  std::vector<SweepSource> sweeps;

  // A variant by name; `a+b` stacks a's patches and b's (io/stacked_variant.hpp): InputError
  // where they disagree, nullptr when a name is unknown.
  const VariantSource* variant(const std::string& name) const;

 private:
  // Stacked variants built on demand; a deque, so a pointer handed out stays valid.
  mutable std::deque<VariantSource> stacked_;
};

// What the engines run: one variant of the scenario ("baseline" for none).
struct ScenarioModel {
  std::string variant = "baseline";
  std::string segment;         // a persona view: only this segment's customers walk ("" for everyone)
  double segment_share = 1.0;  // that segment's share of all customers
  Journey journey;
  Population population;
};

// Reads the scenario and its CSV files, checking every field; problems go to `diagnostics`.
Scenario parse_scenario(const std::string& path, Diagnostics& diagnostics);

// Applies `variant` (nullptr: baseline) and checks the journey as a whole: ids, transition
// sets, outcomes, reachability, shares. Returns nothing when there were errors.
// With `references_only` (for a scenario whose fields had errors) it checks only what those
// errors cannot have set off: the start and the transitions name known touchpoints, and the
// shares sum to 1.
std::optional<ScenarioModel> build_model(const Scenario& scenario, const VariantSource* variant,
                                         Diagnostics& diagnostics, bool references_only = false);

// Narrows the model to the customers of one segment (`--segment NAME`); UsageError, with the
// closest name, when the scenario has no such segment.
void keep_only_segment(ScenarioModel& model, const std::string& segment);

// The model of `variant` (nullptr: baseline) of a scenario already checked; InputError if it
// cannot be built.
ScenarioModel checked_model(const Scenario& scenario, const VariantSource* variant);

// Everything `cxsim check` does: parse, then build the baseline and every variant.
struct CheckedScenario {
  Scenario scenario;
  Diagnostics diagnostics;
};
CheckedScenario check_scenario(const std::string& path);

// For the commands that run a model: check everything, throw InputError on any error, and return
// the model of `variant` ("" or "baseline" for the baseline; UsageError when unknown).
struct LoadedScenario {
  Scenario scenario;
  ScenarioModel model;
  std::vector<Diagnostic> warnings;
};
LoadedScenario load_scenario(const std::string& path, const std::string& variant);

// "scenario 'PATH' has no variant 'X' (did you mean 'Y'?); it has: baseline, ...", as the
// commands say it.
std::string unknown_variant_message(const Scenario& scenario, const std::string& path, const std::string& variant);

}  // namespace cxsim
