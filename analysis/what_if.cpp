#include "analysis/what_if.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "io/diagnostics.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

void require_range(const std::string& name, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi))
    throw UsageError("change '" + one_line(name) + "' = " + shortest_text(value) + ": must be between " +
                     shortest_text(lo) + " and " + shortest_text(hi));
}

[[noreturn]] void unknown(const std::string& name, const std::string& what, const std::string& given,
                          const std::vector<std::string>& known) {
  const auto best = closest_name(given, known);
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  throw UsageError("change '" + one_line(name) + "': no " + what + " '" + one_line(given) + "'" +
                   (best ? " (did you mean '" + *best + "'?)" : std::string()) + "; known: " + list);
}

// Sets one touchpoint number (row or patch), after checking its range.
void set_touchpoint_number(TouchpointSource& tp, const std::string& name, const std::string& field, double value) {
  Touchpoint& t = tp.touchpoint;
  std::vector<std::string> known;
  for (std::size_t bit = 0; bit < touchpoint_field_table.size(); ++bit) {
    const TouchpointFieldRow& f = touchpoint_field_table[bit];
    if (!f.number && !f.optional) continue;
    if (field == f.key) {
      require_range(name, value, 0.0, f.max);
      if (f.number)
        t.*f.number = value;
      else
        t.*f.optional = value;
      tp.given.set(bit);
      return;
    }
    known.push_back(f.key);
  }
  unknown(name, "touchpoint attribute", field, known);
}

std::vector<std::string> touchpoint_ids(const Scenario& sc, const VariantSource* added) {
  std::vector<std::string> ids;
  for (const auto& t : sc.touchpoints) ids.push_back(t.touchpoint.id);
  if (added)
    for (const auto& t : added->touchpoints)
      if (std::find(ids.begin(), ids.end(), t.touchpoint.id) == ids.end()) ids.push_back(t.touchpoint.id);
  return ids;
}

void change_touchpoint(Scenario& sc, const std::string& name, const std::string& id, const std::string& field,
                       double value) {
  for (auto& t : sc.touchpoints)
    if (t.touchpoint.id == id) return set_touchpoint_number(t, name, field, value);
  unknown(name, "touchpoint", id, touchpoint_ids(sc, nullptr));
}

// Sets one segment number (the segment or a patch of it), after checking its range. (A share is
// set by the caller, which rebalances the others.)
void set_segment_number(SegmentSource& src, const std::string& name, const std::string& field, double value) {
  Segment& s = src.segment;
  std::vector<std::string> fields;
  for (std::size_t bit = 0; bit < segment_field_count; ++bit) {
    const SegmentFieldRow& f = segment_field_table[bit];
    if (!f.number) continue;
    if (bit != seg_share && field == f.key) {
      require_range(name, value, 0.0, f.max);
      s.*f.number = value;
      src.given.set(bit);
      return;
    }
    fields.push_back(f.key);
  }
  for (std::size_t i = 0; i < sensitivity_count; ++i) {
    const SegmentFieldRow& f = sensitivity_field(i);
    const std::size_t bit = sensitivity_bit(i);
    if (field == segment_field_name(f)) {
      require_range(name, value, 0.0, f.max);
      s.*f.number = value;
      src.walk_away[i].reset();
      src.given.set(bit);
      return;
    }
    if (field == std::string("walk_away.") + f.odds_key) {
      // The odds of walking away at one unit of this friction: a hazard of -ln(1 - p) per unit.
      if (!(value >= 0.0 && value < 1.0))
        throw UsageError("change '" + one_line(name) + "' = " + shortest_text(value) +
                         ": walk-away odds must be at least 0 and below 1");
      const double hazard = -std::log1p(-value) / f.odds_unit;
      require_range(name + " (as a sensitivity)", hazard, 0.0, f.max);
      s.*f.number = hazard;
      src.walk_away[i] = value;
      src.given.set(bit);
      return;
    }
  }
  for (std::size_t i = 0; i < sensitivity_count; ++i) fields.push_back(segment_field_name(sensitivity_field(i)));
  for (std::size_t i = 0; i < sensitivity_count; ++i) fields.push_back(std::string("walk_away.") + walk_away_keys[i]);
  unknown(name, "segment parameter", field, fields);
}

std::vector<std::string> segment_names(const Scenario& sc) {
  std::vector<std::string> names;
  for (const auto& s : sc.segments) names.push_back(s.segment.name);
  return names;
}

// `values` (a route set's probabilities, or the segments' shares) with `which` set to `x` and the
// others rescaled so they still sum to 1, shared out evenly when they were all 0. Rounded to 12
// significant digits, so the file reads 0.5, not 0.5000000000000001 (the sum is then 1 within
// 1e-11, far inside the checks' tolerance, and the engines normalise it).
std::vector<double> rebalanced(std::vector<double> values, std::size_t which, double x) {
  const double rest = 1.0 - values[which];
  const auto tidy = [](double v) { return v == 0.0 ? 0.0 : std::stod(formatted("%.12g", v)); };
  for (std::size_t i = 0; i < values.size(); ++i)
    if (i != which)
      values[i] = tidy(rest > 0.0 ? values[i] * (1.0 - x) / rest : (1.0 - x) / static_cast<double>(values.size() - 1));
  values[which] = x;
  return values;
}

// The segments' shares with `segment`'s set to `x`, the others re-balanced.
std::vector<double> rebalanced_shares(const std::vector<double>& shares, std::size_t which, double x,
                                      const std::string& name, const std::string& segment) {
  require_range(name, x, 0.0, 1.0);
  if (shares.size() == 1 && x != 1.0)
    throw UsageError("change '" + one_line(name) + "' = " + shortest_text(x) + ": '" + one_line(segment) +
                     "' is the only segment, so its share stays 1");
  return rebalanced(shares, which, x);
}

void change_segment(Scenario& sc, const std::string& name, const std::string& segment, const std::string& field,
                    double value) {
  for (std::size_t k = 0; k < sc.segments.size(); ++k) {
    if (sc.segments[k].segment.name != segment) continue;
    if (field != "share") return set_segment_number(sc.segments[k], name, field, value);
    std::vector<double> shares;
    for (const auto& s : sc.segments) shares.push_back(s.segment.share);
    shares = rebalanced_shares(shares, k, value, name, segment);
    for (std::size_t i = 0; i < shares.size(); ++i) {
      sc.segments[i].segment.share = shares[i];
      sc.segments[i].given.set(seg_share);
      sc.segments[i].share_valid = true;
    }
    return;
  }
  unknown(name, "segment", segment, segment_names(sc));
}

void change_economics(Scenario& sc, const std::string& name, const std::string& field, double value) {
  if (!sc.economics) throw UsageError("change '" + one_line(name) + "': the scenario has no economics block to change");
  Economics& e = *sc.economics;
  if (field == "customers_per_year") {
    require_range(name, value, 0.0, limits::max_money);
    e.customers_per_year = value;
  } else if (field == "value_per_customer") {
    require_range(name, value, 0.0, limits::max_money);
    e.value_per_customer = value;
  } else if (field == "discount_rate") {
    require_range(name, value, 0.0, 1.0);
    e.discount_rate = value;
  } else {
    unknown(name, "economics field", field, {"customers_per_year", "value_per_customer", "discount_rate"});
  }
}

// A transition row named as `transition:FROM->TO`, qualified by " when=ok|fail|any" and
// " segment=NAME" where several rows from FROM to TO differ only in those.
struct RowName {
  std::string from, to, segment;
  std::optional<When> when;
  bool segment_given = false;
};

RowName row_name(const std::string& name, const std::string& spec, const std::vector<std::string>& ids,
                 const std::vector<std::string>& segments) {
  RowName r;
  std::string rest = spec;
  if (const auto at = rest.rfind(" segment="); at != std::string::npos) {
    r.segment = rest.substr(at + 9);
    if (std::find(segments.begin(), segments.end(), r.segment) == segments.end())
      unknown(name, "segment", r.segment, segments);
    r.segment_given = true;
    rest.resize(at);
  }
  if (const auto at = rest.rfind(" when="); at != std::string::npos) {
    const std::string w = rest.substr(at + 6);
    if (w == "ok")
      r.when = When::ok;
    else if (w == "fail")
      r.when = When::fail;
    else if (w == "any")
      r.when = When::any;
    else
      throw UsageError("change '" + one_line(name) + "': when= takes ok, fail or any, not '" + one_line(w) + "'");
    rest.resize(at);
  }
  // Ids may hold "->" themselves: take the split where both sides are touchpoints.
  for (auto arrow = rest.find("->"); arrow != std::string::npos; arrow = rest.find("->", arrow + 1)) {
    const std::string from = rest.substr(0, arrow), to = rest.substr(arrow + 2);
    if (std::find(ids.begin(), ids.end(), from) != ids.end() && std::find(ids.begin(), ids.end(), to) != ids.end()) {
      r.from = from;
      r.to = to;
      return r;
    }
  }
  const auto arrow = rest.find("->");
  if (arrow == std::string::npos)
    throw UsageError("change '" + one_line(name) +
                     "': name a transition as transition:FROM->TO, like transition:install->support");
  const std::string from = rest.substr(0, arrow);
  if (std::find(ids.begin(), ids.end(), from) == ids.end()) unknown(name, "touchpoint", from, ids);
  unknown(name, "touchpoint", rest.substr(arrow + 2), ids);
}

const char* when_text(When w) {
  return w == When::ok ? "ok" : w == When::fail ? "fail" : "any";
}

// The transitions out of `from` that `variant` runs: its replacement, else the baseline's rows.
std::vector<TransitionSource> transitions_out(const Scenario& sc, const VariantSource& variant,
                                              const std::string& from) {
  for (const auto& r : variant.transitions)
    if (r.from == from) return r.transitions;
  std::vector<TransitionSource> rows;
  for (const auto& t : sc.transitions)
    if (t.from == from) rows.push_back(t);
  return rows;
}

// One row of a set set to `p`; the set's other rows rescaled so it still sums to 1 (shared out
// evenly when they were all 0).
void change_transition(const Scenario& sc, VariantSource& v, const std::vector<std::string>& ids,
                       const std::vector<std::string>& segments, const std::string& name, const std::string& spec,
                       double p) {
  const RowName r = row_name(name, spec, ids, segments);
  std::vector<TransitionSource> rows = transitions_out(sc, v, r.from);
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].to == r.to && (!r.when || rows[i].when == *r.when) &&
        (!r.segment_given || rows[i].segment == r.segment))
      hits.push_back(i);
  if (hits.empty())
    throw UsageError("change '" + one_line(name) + "': no transition row from '" + one_line(r.from) + "' to '" +
                     one_line(r.to) + "'" + (r.when ? std::string(" when ") + when_text(*r.when) : std::string()) +
                     (r.segment_given ? " for segment '" + one_line(r.segment) + "'" : std::string()));
  if (hits.size() > 1)
    throw UsageError("change '" + one_line(name) + "': " + std::to_string(hits.size()) + " transition rows go from '" +
                     one_line(r.from) + "' to '" + one_line(r.to) +
                     "'; say which with \" when=ok|fail|any\" and \" segment=NAME\" after the name");
  require_range(name, p, 0.0, 1.0);
  // The row's set: the rows from FROM taken after the same outcome by the same customers.
  const TransitionSource& row = rows[hits.front()];
  std::vector<std::size_t> set;
  std::size_t which = 0;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].when == row.when && rows[i].segment == row.segment) {
      if (i == hits.front()) which = set.size();
      set.push_back(i);
    }
  if (set.size() == 1 && p != 1.0)
    throw UsageError("change '" + one_line(name) + "' = " + shortest_text(p) + ": it is the only route out of '" +
                     one_line(r.from) + "' (when " + when_text(row.when) + "), so its probability stays 1");
  std::vector<double> probabilities;
  for (std::size_t i : set) probabilities.push_back(rows[i].probability);
  probabilities = rebalanced(probabilities, which, p);
  for (std::size_t j = 0; j < set.size(); ++j) rows[set[j]].probability = probabilities[j];
  const auto it = std::find_if(v.transitions.begin(), v.transitions.end(),
                               [&](const TransitionReplacement& t) { return t.from == r.from; });
  if (it != v.transitions.end()) {
    it->transitions = std::move(rows);
  } else {
    TransitionReplacement replacement;
    replacement.from = r.from;
    replacement.transitions = std::move(rows);
    v.transitions.push_back(std::move(replacement));
  }
}

// The patch of `id` in `v`, added (naming only the id) when `v` has none yet.
TouchpointSource& touchpoint_patch(VariantSource& v, const std::string& id) {
  for (auto& t : v.touchpoints)
    if (t.touchpoint.id == id) return t;
  TouchpointSource patch;
  patch.touchpoint.id = id;
  patch.given.set(tp_id);
  v.touchpoints.push_back(std::move(patch));
  return v.touchpoints.back();
}

SegmentSource& segment_patch(VariantSource& v, const std::string& segment) {
  for (auto& s : v.segments)
    if (s.segment.name == segment) return s;
  SegmentSource patch;
  patch.segment.name = segment;
  patch.given.set(seg_name);
  v.segments.push_back(std::move(patch));
  return v.segments.back();
}

// "NAME.PARAMETER" after "segment:": segment names may hold dots, so the longest known name
// followed by a dot wins; else the text up to the first dot (an unknown name, said as such).
std::pair<std::string, std::string> segment_and_field(const Scenario& sc, const std::string& change,
                                                      const std::string& rest) {
  std::size_t best = 0;
  for (const auto& s : sc.segments) {
    const std::string& n = s.segment.name;
    if (n.size() > best && rest.size() > n.size() && rest.compare(0, n.size(), n) == 0 && rest[n.size()] == '.')
      best = n.size();
  }
  const auto dot = best ? best : rest.find('.');
  if (dot == std::string::npos || dot == 0)
    throw UsageError("change '" + one_line(change) + "': name a segment parameter as segment:NAME.PARAMETER");
  return {rest.substr(0, dot), rest.substr(dot + 1)};
}

}  // namespace

Scenario with_changes(const Scenario& scenario, const std::vector<NamedChange>& changes) {
  Scenario sc = scenario;
  for (const auto& [name, value] : changes) {
    if (!std::isfinite(value)) throw UsageError("change '" + one_line(name) + "': the value must be a finite number");
    if (name.rfind("segment:", 0) == 0) {
      const auto [segment, field] = segment_and_field(sc, name, name.substr(8));
      change_segment(sc, name, segment, field, value);
    } else if (name.rfind("economics.", 0) == 0) {
      change_economics(sc, name, name.substr(10), value);
    } else {
      // Touchpoint ids may hold dots; the attribute is after the last one.
      const auto dot = name.rfind('.');
      if (dot == std::string::npos || dot == 0)
        throw UsageError("change '" + one_line(name) +
                         "': name a number as TOUCHPOINT.ATTRIBUTE, segment:NAME.PARAMETER or economics.FIELD");
      change_touchpoint(sc, name, name.substr(0, dot), name.substr(dot + 1), value);
    }
  }
  // The changed scenario must still build, baseline and every redesign.
  (void)checked_model(sc, nullptr);
  for (const auto& v : sc.variants) (void)checked_model(sc, &v);
  return sc;
}

}  // namespace cxsim

namespace cxsim {

VariantSource edited_variant(const Scenario& scenario, const VariantSource* base,
                             const std::vector<NamedChange>& changes, const std::string& name) {
  VariantSource v = base ? *base : VariantSource{};
  v.name = name;
  // Patches name known touchpoints and segments only, so these stay the same through the changes.
  const auto ids = touchpoint_ids(scenario, &v);
  const auto names = segment_names(scenario);
  for (const auto& [change, value] : changes) {
    if (!std::isfinite(value)) throw UsageError("change '" + one_line(change) + "': the value must be a finite number");
    if (change.rfind("transition:", 0) == 0) {
      change_transition(scenario, v, ids, names, change, change.substr(11), value);
    } else if (change.rfind("segment:", 0) == 0) {
      const auto [segment, field] = segment_and_field(scenario, change, change.substr(8));
      if (std::find(names.begin(), names.end(), segment) == names.end()) unknown(change, "segment", segment, names);
      if (field == "share") {
        // The shares the redesign runs (its patches, else the file's), re-balanced around this one.
        std::vector<double> shares;
        std::size_t which = 0;
        for (const auto& s : scenario.segments) {
          double share = s.segment.share;
          for (const auto& p : v.segments)
            if (p.segment.name == s.segment.name && p.given.test(seg_share)) share = p.segment.share;
          if (s.segment.name == segment) which = shares.size();
          shares.push_back(share);
        }
        shares = rebalanced_shares(shares, which, value, change, segment);
        for (std::size_t i = 0; i < shares.size(); ++i) {
          SegmentSource& patch = segment_patch(v, scenario.segments[i].segment.name);
          patch.segment.share = shares[i];
          patch.given.set(seg_share);
          patch.share_valid = true;
        }
      } else {
        set_segment_number(segment_patch(v, segment), change, field, value);
      }
    } else if (change.rfind("economics.", 0) == 0) {
      throw UsageError("change '" + one_line(change) +
                       "': the economics are the same for every redesign; change them in the scenario file");
    } else {
      const auto dot = change.rfind('.');
      if (dot == std::string::npos || dot == 0)
        throw UsageError("change '" + one_line(change) +
                         "': name a number as TOUCHPOINT.ATTRIBUTE, segment:NAME.PARAMETER or transition:FROM->TO");
      const std::string id = change.substr(0, dot);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) unknown(change, "touchpoint", id, ids);
      set_touchpoint_number(touchpoint_patch(v, id), change, change.substr(dot + 1), value);
    }
  }
  return v;
}

ScenarioModel edited_model(const Scenario& scenario, const VariantSource& edited, const std::string& label) {
  ScenarioModel model = checked_model(scenario, &edited);
  model.variant = label;
  return model;
}

}  // namespace cxsim
