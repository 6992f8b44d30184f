#include "io/fitted_scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <sstream>

#include "io/number.hpp"
#include "io/yaml_tree.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

// Text is always written quoted: an id such as `yes`, `007` or `#3` stays text.
void text(YAML::Emitter& out, const std::string& s) {
  out << YAML::DoubleQuoted << s;
}
void number(YAML::Emitter& out, double x) {
  out << shortest_text(x);
}

// A node of the original file, as it was written.
void copy(YAML::Emitter& out, const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::null: out << YAML::Null; break;
    case YamlNode::Kind::scalar:
      if (n.quoted) out << YAML::DoubleQuoted;
      out << n.value;
      break;
    case YamlNode::Kind::sequence:
      out << YAML::BeginSeq;
      for (const auto& item : n.items) copy(out, item);
      out << YAML::EndSeq;
      break;
    case YamlNode::Kind::map:
      out << YAML::BeginMap;
      for (const auto& e : n.entries) {
        out << YAML::Key << e.key.value << YAML::Value;
        copy(out, e.value);
      }
      out << YAML::EndMap;
      break;
  }
}

void touchpoints(YAML::Emitter& out, const Scenario& sc, const Journey& fitted) {
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < fitted.size(); ++k) index.emplace(fitted.touchpoint(k).id, k);
  out << YAML::BeginSeq;
  for (const auto& src : sc.touchpoints) {
    const auto it = index.find(src.touchpoint.id);
    const Touchpoint& t = it != index.end() ? fitted.touchpoint(it->second) : src.touchpoint;
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value;
    text(out, t.id);
    for (int f = tp_name; f < static_cast<int>(touchpoint_fields.size()); ++f) {
      // Fitted attributes are written whether the row gave them or not.
      const bool attribute = f == tp_reliability || f == tp_relevance || f == tp_value || f == tp_trust;
      if (!src.given[static_cast<std::size_t>(f)] && !attribute && !(f == tp_recovery && t.recovery > 0.0)) continue;
      if ((f == tp_outcome && t.outcome == Outcome::none) || (f == tp_effort_minutes && !t.effort_minutes) ||
          (f == tp_cost && !t.cost))
        continue;
      out << YAML::Key << touchpoint_fields[static_cast<std::size_t>(f)] << YAML::Value;
      switch (f) {
        case tp_name: text(out, t.name); break;
        case tp_stage: text(out, t.stage); break;
        case tp_channel: text(out, t.channel); break;
        case tp_reliability: number(out, t.reliability); break;
        case tp_relevance: number(out, t.relevance); break;
        case tp_value: number(out, t.value); break;
        case tp_trust: number(out, t.trust); break;
        case tp_recovery: number(out, t.recovery); break;
        case tp_outcome: out << to_string(t.outcome); break;
        case tp_effort_minutes: number(out, *t.effort_minutes); break;
        case tp_cost: number(out, *t.cost); break;
        default: break;
      }
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void transitions(YAML::Emitter& out, const Scenario& sc) {
  out << YAML::BeginSeq;
  for (const auto& t : sc.transitions) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "from" << YAML::Value;
    text(out, t.from);
    out << YAML::Key << "to" << YAML::Value;
    text(out, t.to);
    out << YAML::Key << "probability" << YAML::Value;
    number(out, t.probability);
    if (t.when != When::any) out << YAML::Key << "when" << YAML::Value << to_string(t.when);
    if (!t.segment.empty()) {
      out << YAML::Key << "segment" << YAML::Value;
      text(out, t.segment);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void segments(YAML::Emitter& out, const Population& fitted) {
  out << YAML::BeginSeq;
  for (const auto& s : fitted.segments()) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value;
    text(out, s.name);
    out << YAML::Key << "share" << YAML::Value;
    number(out, s.share);
    out << YAML::Key << "value_expectation" << YAML::Value;
    number(out, s.value_expectation);
    out << YAML::Key << "sensitivity" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "reliability" << YAML::Value;
    number(out, s.reliability_sensitivity);
    out << YAML::Key << "relevance" << YAML::Value;
    number(out, s.relevance_sensitivity);
    out << YAML::Key << "value" << YAML::Value;
    number(out, s.value_sensitivity);
    if (s.effort_sensitivity > 0.0) {  // a v1.2 segment stays as it was written
      out << YAML::Key << "effort" << YAML::Value;
      number(out, s.effort_sensitivity);
    }
    out << YAML::EndMap;
    out << YAML::Key << "silent_churn" << YAML::Value;
    number(out, s.silent_churn);
    out << YAML::Key << "heterogeneity" << YAML::Value;
    number(out, s.heterogeneity);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

bool fits_a_segment(const CalibrationResult& r) {
  for (const auto& p : r.parameters)
    if (p.parameter.ref.segment) return true;
  return false;
}

}  // namespace

std::string fitted_scenario_yaml(const Scenario& sc, const CalibrationResult& result, const std::string& header) {
  return scenario_yaml_with(sc, result.journey, result.population, fits_a_segment(result), header);
}

std::string scenario_yaml_with(const Scenario& sc, const Journey& journey, const Population& population,
                               bool segments_changed, const std::string& header) {
  Diagnostics diag;
  const auto bytes = read_text_file(sc.path, diag, {}, limits::max_scenario_file_bytes);
  const auto root = bytes ? parse_yaml(*bytes, sc.path, diag) : std::nullopt;
  if (!root || !root->is_map())
    throw InputError(diag.all().empty()
                         ? std::vector<Diagnostic>{Diagnostic{
                               Severity::error, {sc.path, 0, 0}, "the scenario changed while it was calibrated"}}
                         : diag.all());

  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  bool wrote_segments = false;
  for (const auto& e : root->entries) {
    const std::string& key = e.key.value;
    out << YAML::Key << key << YAML::Value;
    if (key == "journey" && e.value.is_map()) {
      out << YAML::BeginMap;
      for (const auto& j : e.value.entries) {
        out << YAML::Key << j.key.value << YAML::Value;
        if (j.key.value == "touchpoints")
          touchpoints(out, sc, journey);
        else if (j.key.value == "transitions")
          transitions(out, sc);
        else
          copy(out, j.value);
      }
      out << YAML::EndMap;
    } else if (key == "segments") {
      segments(out, population);
      wrote_segments = true;
    } else {
      copy(out, e.value);
    }
  }
  // A scenario without segments has the default one; a fitted parameter of it must be written.
  if (!wrote_segments && segments_changed) {
    out << YAML::Key << "segments" << YAML::Value;
    segments(out, population);
  }
  out << YAML::EndMap;
  if (!out.good()) throw std::runtime_error(std::string("cannot write the fitted scenario: ") + out.GetLastError());

  std::ostringstream text_out;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) text_out << (line.empty() ? "#" : "# " + line) << '\n';
  text_out << out.c_str() << '\n';
  return text_out.str();
}

}  // namespace cxsim
