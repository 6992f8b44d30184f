// From a parsed scenario and one variant to the immutable model the engines run on, checking
// the journey as a whole on the way.
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>
#include <set>

#include "io/names.hpp"
#include "io/scenario.hpp"
#include "sim/chain_states.hpp"
#include "sim/journey_graph.hpp"

namespace cxsim {

namespace {

constexpr double share_tolerance = 1e-6;

std::string where_key(const SourceLocation& w) {
  return w.file.str() + ":" + std::to_string(w.line) + ":" + std::to_string(w.column);
}

// "FILE:LINE[:COL]", as a message shows a place.
std::string where_text(const SourceLocation& w) {
  std::string s = w.file.str();
  if (w.line > 0) s += ":" + std::to_string(w.line);
  if (w.line > 0 && w.column > 0) s += ":" + std::to_string(w.column);
  return s;
}

// Copies the fields a patch gave (all but the id that names it).
void apply_touchpoint_patch(Touchpoint& t, const TouchpointSource& patch) {
  for (std::size_t f = 0; f < touchpoint_field_table.size(); ++f)
    if (f != tp_id && patch.given.test(f)) copy_touchpoint_field(t, patch.touchpoint, touchpoint_field_table[f]);
}

// Copies the values a patch gave (the sensitivities whichever way they were written).
void apply_segment_patch(Segment& s, const SegmentSource& patch) {
  for (std::size_t f = 0; f < segment_field_table.size(); ++f)
    if (const auto member = segment_field_table[f].number; member && patch.given.test(f))
      s.*member = patch.segment.*member;
}

// " (did you mean 'install'?)" for a mistyped name, or nothing. Only the first few misses look
// for the closest name: a table full of typos must not cost a search of every id for each.
class NameHints {
 public:
  explicit NameHints(std::function<std::vector<std::string>()> names) : names_(std::move(names)) {}
  std::string operator()(const std::string& name) {
    // Names of one or two characters are all within two edits of each other: no guess there.
    if (name.size() <= 2 || ++asked_ > 20) return "";
    if (!loaded_) {
      known_ = names_();
      loaded_ = true;
    }
    const auto best = closest_name(name, known_);
    return best ? " (did you mean '" + *best + "'?)" : "";
  }

 private:
  std::function<std::vector<std::string>()> names_;
  std::vector<std::string> known_;
  bool loaded_ = false;
  std::size_t asked_ = 0;
};

}  // namespace

std::optional<ScenarioModel> build_model(const Scenario& sc, const VariantSource* variant, Diagnostics& diag,
                                         bool references_only) {
  const bool ids_known = !references_only || sc.touchpoint_ids_known;
  const std::size_t errors_before = diag.error_count();
  const std::string prefix = variant ? "variant '" + variant->name + "': " : "";

  // Touchpoints, patched or added by the variant.
  std::vector<Touchpoint> touchpoints;
  std::vector<SourceLocation> tp_where;
  std::set<std::size_t> patched;  // touchpoints the variant patches or adds
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(sc.touchpoints.size() + (variant ? variant->touchpoints.size() : 0));
  touchpoints.reserve(sc.touchpoints.size());
  tp_where.reserve(sc.touchpoints.size());
  for (const auto& src : sc.touchpoints) {
    if (src.touchpoint.id.empty() || index.count(src.touchpoint.id)) continue;
    index.emplace(src.touchpoint.id, touchpoints.size());
    touchpoints.push_back(src.touchpoint);
    tp_where.push_back(src.where);
  }
  // Touchpoint ids in the order of the table, for "did you mean".
  NameHints touchpoint_hint([&] {
    std::vector<std::string> ids;
    for (const auto& t : touchpoints) ids.push_back(t.id);
    return ids;
  });
  NameHints segment_hint([&] {
    std::vector<std::string> names;
    for (const auto& seg : sc.segments) names.push_back(seg.segment.name);
    return names;
  });
  if (variant) {
    for (const auto& patch : variant->touchpoints) {
      if (auto it = index.find(patch.touchpoint.id); it != index.end()) {
        apply_touchpoint_patch(touchpoints[it->second], patch);
        tp_where[it->second] = patch.where;
        patched.insert(it->second);
        continue;
      }
      bool complete = true;
      for (std::size_t f = 0; f < touchpoint_field_table.size(); ++f)
        if (touchpoint_field_table[f].required && !patch.given.test(f)) {
          diag.error(patch.where, prefix + "'" + patch.touchpoint.id + "' is not a touchpoint of the journey" +
                                      touchpoint_hint(patch.touchpoint.id) +
                                      ", so this adds it, and a new touchpoint needs the field '" +
                                      touchpoint_field_table[f].key + "'");
          complete = false;
        }
      if (!complete) continue;
      patched.insert(touchpoints.size());
      index.emplace(patch.touchpoint.id, touchpoints.size());
      touchpoints.push_back(patch.touchpoint);
      tp_where.push_back(patch.where);
    }
  }

  // Transitions, with the variant's replacements of whole outgoing sets.
  std::vector<const TransitionSource*> sources;
  std::map<std::string, const TransitionReplacement*> replaced;
  if (variant)
    for (const auto& r : variant->transitions) {
      if (!index.count(r.from))
        diag.error(r.where, prefix + "replaces the transitions out of '" + r.from +
                                "', which is not a touchpoint of the journey" + touchpoint_hint(r.from));
      replaced[r.from] = &r;
    }
  sources.reserve(sc.transitions.size());
  for (const auto& t : sc.transitions)
    if (replaced.empty() || !replaced.count(t.from)) sources.push_back(&t);
  for (const auto& [from, r] : replaced)
    for (const auto& t : r->transitions) sources.push_back(&t);

  std::map<std::string, int> segment_index;
  for (const auto& seg : sc.segments) segment_index.emplace(seg.segment.name, static_cast<int>(segment_index.size()));
  std::vector<Transition> transitions;
  std::vector<const TransitionSource*> tr_source;  // where each came from, for messages
  transitions.reserve(sources.size());
  tr_source.reserve(sources.size());
  for (const TransitionSource* t : sources) {
    if (!ids_known) break;  // unknown names would only echo the touchpoint table's own errors
    const auto from = index.find(t->from);
    const auto to = index.find(t->to);
    if (from == index.end())
      diag.error(t->from_where(),
                 prefix + "transition from unknown touchpoint '" + t->from + "'" + touchpoint_hint(t->from));
    if (to == index.end())
      diag.error(t->to_where(), prefix + "transition to unknown touchpoint '" + t->to + "'" + touchpoint_hint(t->to));
    int segment = every_segment;
    if (!t->segment.empty()) {
      const auto it = segment_index.find(t->segment);
      if (it == segment_index.end()) {
        std::string names;
        for (const auto& seg : sc.segments) names += (names.empty() ? "" : ", ") + seg.segment.name;
        diag.error(t->segment_where(), prefix + "this transition is for segment '" + t->segment +
                                           "', which the scenario does not define" + segment_hint(t->segment) +
                                           " (segments: " + names + ")");
        continue;
      }
      segment = it->second;
    }
    if (from == index.end() || to == index.end()) continue;
    transitions.push_back({from->second, to->second, t->probability, t->when, segment});
    tr_source.push_back(t);
  }

  std::size_t start = 0;
  if (const auto it = index.find(sc.start); it != index.end())
    start = it->second;
  else if (!variant && ids_known && touchpoints.empty())
    diag.error(sc.start_where.file.empty() ? SourceLocation{sc.path, 0, 0} : sc.start_where,
               "the journey has no touchpoints");
  else if (!variant && ids_known && !sc.start.empty())
    diag.error(sc.start_where,
               "the start '" + sc.start + "' is not a touchpoint of the journey" + touchpoint_hint(sc.start));

  // Segments, patched by the variant.
  std::vector<Segment> segments;
  for (const auto& s : sc.segments) segments.push_back(s.segment);
  if (variant) {
    std::unordered_map<std::string, std::size_t> by_name;
    for (std::size_t s = 0; s < segments.size(); ++s) by_name.emplace(segments[s].name, s);
    for (const auto& patch : variant->segments) {
      const auto found = by_name.find(patch.segment.name);
      const auto it =
          found == by_name.end() ? segments.end() : segments.begin() + static_cast<std::ptrdiff_t>(found->second);
      if (it == segments.end()) {
        diag.error(patch.where, prefix + "patches segment '" + patch.segment.name +
                                    "', which the scenario does not define" + segment_hint(patch.segment.name));
        continue;
      }
      apply_segment_patch(*it, patch);
    }
  }
  double total = 0.0;
  for (const auto& s : segments) total += s.share;
  const bool shares_known =
      !references_only || sc.default_segments ||
      std::all_of(sc.segments.begin(), sc.segments.end(), [](const SegmentSource& s) { return s.share_valid; });
  if (!segments.empty() && shares_known && std::fabs(total - 1.0) > share_tolerance)
    diag.error(variant && !variant->segments.empty() ? variant->where : sc.segments_where,
               prefix + "segment shares sum to " + std::to_string(total) + "; they must sum to 1 (within 1e-6)");

  if (references_only || diag.error_count() > errors_before || touchpoints.empty()) return std::nullopt;

  ScenarioModel model;
  model.variant = variant ? variant->name : "baseline";
  std::vector<std::string> segment_names;
  for (const auto& seg : segments) segment_names.push_back(seg.name);
  model.journey = Journey(std::move(touchpoints), std::move(transitions), start, segments.size());
  model.population = Population(std::move(segments));
  // A variant is checked on a valid baseline, so an error at a place the variant did not touch
  // is the variant's doing: it is told at the variant's patch (the replaced transitions out of
  // that touchpoint, else the variant itself), with the baseline's place in the message.
  const auto variant_error = [&](std::size_t k, const std::optional<std::size_t>& transition, SourceLocation where,
                                 std::string message) {
    const bool from_variant = transition ? replaced.count(tr_source[*transition]->from) > 0 : patched.count(k) > 0;
    if (variant && !from_variant) {
      const auto r = replaced.find(model.journey.touchpoint(k).id);
      message += " (at " + where_text(where) + ", which the variant does not change)";
      where = r != replaced.end() ? r->second->where : variant->where;
    }
    diag.error(std::move(where), prefix + message);
  };
  for (const auto& p : check_journey(model.journey, segment_names)) {
    const SourceLocation where = p.transition ? tr_source[*p.transition]->probability_where() : tp_where[p.touchpoint];
    if (p.error)
      variant_error(p.touchpoint, p.transition, where, p.message);
    else
      diag.warning(where, prefix + p.message);
  }
  if (diag.error_count() > errors_before) return std::nullopt;
  // The journey graph can show a way out that no customer can take (an `ok` edge that only a
  // guard armed elsewhere opens, say): follow the states the exact solver follows.
  // Segments without rows of their own whose friction is positive on the same visits follow the
  // same states: one search for each such kind, not one per segment (thousands of segments on a
  // large journey would make loading quadratic).
  std::set<std::vector<std::size_t>> reported;
  std::vector<double> values(model.journey.value().begin(), model.journey.value().end());
  std::sort(values.begin(), values.end());
  std::vector<std::uint8_t> own_rows(model.population.size(), 0);
  for (const auto& t : model.journey.transitions())
    if (t.segment != every_segment && static_cast<std::size_t>(t.segment) < own_rows.size())
      own_rows[static_cast<std::size_t>(t.segment)] = 1;
  std::set<std::array<std::size_t, 5>> kinds;
  for (std::size_t s = 0; s < model.population.size(); ++s) {
    const Segment& seg = model.population.segment(s);
    if (!own_rows[s]) {
      // A visit's friction is positive where the segment is sensitive to a part that is there; a
      // value gap is there at touchpoints whose value is below the expectation.
      const auto below = static_cast<std::size_t>(
          std::lower_bound(values.begin(), values.end(), seg.value_expectation) - values.begin());
      const std::array<std::size_t, 5> kind{seg.reliability_sensitivity > 0.0, seg.relevance_sensitivity > 0.0,
                                            seg.effort_sensitivity > 0.0, seg.value_sensitivity > 0.0,
                                            seg.value_sensitivity > 0.0 ? below : 0};
      if (!kinds.insert(kind).second) continue;
    }
    const ChainStates states = enumerate_chain_states(model.journey, s, seg);
    if (states.trapped.empty() || !reported.insert(states.trapped).second) continue;
    std::string names;
    for (std::size_t i = 0; i < states.trapped.size() && i < 8; ++i)
      names += (i ? ", '" : "'") + model.journey.touchpoint(states.trapped[i]).id + "'";
    if (states.trapped.size() > 8) names += " and " + std::to_string(states.trapped.size() - 8) + " more";
    variant_error(states.trapped.front(), std::nullopt, tp_where[states.trapped.front()],
                  "customers" + (model.population.size() > 1 ? " of segment '" + seg.name + "'" : "") + " who reach " +
                      names +
                      " can never leave: from there no ending can be reached with the guard and history "
                      "they can have, and no friction lets them abandon");
  }
  if (diag.error_count() > errors_before) return std::nullopt;
  return model;
}

namespace {

// The touchpoints and segments the scenario's sweeps name, in the baseline journey.
void check_sweeps(const Scenario& sc, const ScenarioModel& m, Diagnostics& diag) {
  for (const auto& s : sc.sweeps) {
    if (!s.touchpoint.empty()) {
      const auto k = m.journey.find(s.touchpoint);
      if (!k) {
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < m.journey.size(); ++i) ids.push_back(m.journey.touchpoint(i).id);
        const auto best = closest_name(s.touchpoint, ids);
        diag.error(s.name_where, "the sweep's touchpoint '" + s.touchpoint + "' is not in the journey" +
                                     (best ? " (did you mean '" + *best + "'?)" : ""));
      } else if (m.journey.is_terminal(*k))
        diag.error(s.name_where, "the sweep's touchpoint '" + s.touchpoint +
                                     "' is an ending: customers do not visit it, so its attributes do nothing");
      continue;
    }
    const auto segs = m.population.segments();
    if (std::none_of(segs.begin(), segs.end(), [&](const Segment& g) { return g.name == s.segment; })) {
      std::vector<std::string> names;
      for (const auto& g : segs) names.push_back(g.name);
      const auto best = closest_name(s.segment, names);
      diag.error(s.name_where, "the sweep's segment '" + s.segment + "' is not a segment of the scenario" +
                                   (best ? " (did you mean '" + *best + "'?)" : ""));
    }
  }
}

}  // namespace

std::string unknown_variant_message(const Scenario& scenario, const std::string& path, const std::string& variant) {
  std::vector<std::string> known{"baseline"};
  for (const auto& x : scenario.variants) known.push_back(x.name);
  std::string names;
  for (const auto& n : known) names += (names.empty() ? "" : ", ") + n;
  const auto best = closest_name(variant, known);
  return "scenario '" + path + "' has no variant '" + variant + "'" + (best ? " (did you mean '" + *best + "'?)" : "") +
         "; it has: " + names;
}

CheckedScenario check_scenario(const std::string& path) {
  CheckedScenario c;
  c.scenario = parse_scenario(path, c.diagnostics);
  if (c.diagnostics.has_errors()) {
    build_model(c.scenario, nullptr, c.diagnostics, true);
    return c;
  }
  const auto baseline = build_model(c.scenario, nullptr, c.diagnostics);
  if (!baseline) return c;
  check_sweeps(c.scenario, *baseline, c.diagnostics);
  // Variants are checked on a valid baseline, and what the baseline already said (an unreachable
  // touchpoint, say) is not said again for every variant.
  std::set<std::pair<std::string, std::string>> said;
  for (const auto& d : c.diagnostics.all()) said.emplace(where_key(d.where), d.message);
  for (const auto& v : c.scenario.variants) {
    Diagnostics mine;
    build_model(c.scenario, &v, mine);
    const std::string prefix = "variant '" + v.name + "': ";
    for (const auto& d : mine.all()) {
      const bool prefixed = d.message.rfind(prefix, 0) == 0;
      if (prefixed && said.count({where_key(d.where), d.message.substr(prefix.size())})) continue;
      (d.severity == Severity::error ? c.diagnostics.error(d.where, d.message)
                                     : c.diagnostics.warning(d.where, d.message));
    }
    c.diagnostics.add_left_out(mine);
  }
  return c;
}

void keep_only_segment(ScenarioModel& model, const std::string& segment) {
  std::vector<std::string> names;
  for (std::size_t s = 0; s < model.population.size(); ++s) {
    if (model.population.segment(s).name == segment) {
      model.segment = segment;
      model.segment_share = model.population.segment(s).share;
      model.population = model.population.only(s);
      return;
    }
    names.push_back(model.population.segment(s).name);
  }
  throw UsageError("--segment: " + unknown_name_message("segment", segment, names));
}

ScenarioModel checked_model(const Scenario& scenario, const VariantSource* variant) {
  Diagnostics quiet;
  auto model = build_model(scenario, variant, quiet);
  if (!model) throw InputError(quiet.sorted());
  return std::move(*model);
}

LoadedScenario load_scenario(const std::string& path, const std::string& variant) {
  CheckedScenario c = check_scenario(path);
  if (c.diagnostics.has_errors()) throw InputError(c.diagnostics.sorted());
  const VariantSource* v = nullptr;
  if (!variant.empty() && variant != "baseline") {
    v = c.scenario.variant(variant);
    if (!v) throw UsageError(unknown_variant_message(c.scenario, path, variant));
  }
  ScenarioModel model = checked_model(c.scenario, v);
  LoadedScenario out{std::move(c.scenario), std::move(model), {}};
  for (const auto& d : c.diagnostics.sorted())
    if (d.severity == Severity::warning) out.warnings.push_back(d);
  return out;
}

}  // namespace cxsim
