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
    for (std::size_t bit = 0; bit < touchpoint_field_table.size(); ++bit) {
      const TouchpointFieldRow& f = touchpoint_field_table[bit];
      if (bit == tp_id) continue;
      // Fitted attributes are written whether the row gave them or not (an optional one, such as
      // recovery, when it is not 0).
      const bool always = f.number && (f.required || t.*f.number > 0.0);
      if (!src.given[bit] && !always) continue;
      if ((f.outcome && t.*f.outcome == Outcome::none) || (f.optional && !(t.*f.optional))) continue;
      out << YAML::Key << f.key << YAML::Value;
      if (f.text)
        text(out, t.*f.text);
      else if (f.number)
        number(out, t.*f.number);
      else if (f.optional)
        number(out, *(t.*f.optional));
      else if (f.outcome)
        out << to_string(t.*f.outcome);
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

// Every segment key of the table, the sensitivities as hazards (the fit moved them; odds as
// written would no longer say the same).
void segments(YAML::Emitter& out, const Population& fitted) {
  out << YAML::BeginSeq;
  for (const auto& s : fitted.segments()) {
    out << YAML::BeginMap;
    for (std::size_t bit = 0; bit < segment_field_count; ++bit) {
      const SegmentFieldRow& f = segment_field_table[bit];
      if (bit == seg_walk_away) continue;
      out << YAML::Key << f.key << YAML::Value;
      if (f.text) {
        text(out, s.*f.text);
      } else if (f.number) {
        number(out, s.*f.number);
      } else if (bit == seg_sensitivity) {
        out << YAML::Flow << YAML::BeginMap;
        for (std::size_t k = 0; k < sensitivity_count; ++k) {
          const SegmentFieldRow& h = sensitivity_field(k);
          if (!h.written_when_zero && !(s.*h.number > 0.0)) continue;
          out << YAML::Key << h.key << YAML::Value;
          number(out, s.*h.number);
        }
        out << YAML::EndMap;
      }
    }
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
