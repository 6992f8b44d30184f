#include "analysis/what_if.hpp"

#include <cmath>

#include "io/diagnostics.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
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

void change_touchpoint(Scenario& sc, const std::string& name, const std::string& id, const std::string& field,
                       double value) {
  TouchpointSource* tp = nullptr;
  std::vector<std::string> ids;
  for (auto& t : sc.touchpoints) {
    ids.push_back(t.touchpoint.id);
    if (t.touchpoint.id == id) tp = &t;
  }
  if (!tp) unknown(name, "touchpoint", id, ids);
  Touchpoint& t = tp->touchpoint;
  const auto set = [&](double& member, int bit, double hi) {
    require_range(name, value, 0.0, hi);
    member = value;
    tp->given.set(static_cast<std::size_t>(bit));
  };
  if (field == "reliability") return set(t.reliability, tp_reliability, 1.0);
  if (field == "relevance") return set(t.relevance, tp_relevance, 1.0);
  if (field == "value") return set(t.value, tp_value, 1.0);
  if (field == "trust") return set(t.trust, tp_trust, 1.0);
  if (field == "recovery") return set(t.recovery, tp_recovery, 1.0);
  if (field == "effort_minutes" || field == "cost") {
    require_range(name, value, 0.0, limits::max_effort_or_cost);
    (field == "cost" ? t.cost : t.effort_minutes) = value;
    tp->given.set(field == "cost" ? tp_cost : tp_effort_minutes);
    return;
  }
  unknown(name, "touchpoint attribute", field,
          {"reliability", "relevance", "value", "trust", "recovery", "effort_minutes", "cost"});
}

void change_segment(Scenario& sc, const std::string& name, const std::string& segment, const std::string& field,
                    double value) {
  SegmentSource* src = nullptr;
  std::vector<std::string> names;
  for (auto& s : sc.segments) {
    names.push_back(s.segment.name);
    if (s.segment.name == segment) src = &s;
  }
  if (!src) unknown(name, "segment", segment, names);
  Segment& s = src->segment;
  const auto set = [&](double& member, int bit, double hi) {
    require_range(name, value, 0.0, hi);
    member = value;
    src->given.set(static_cast<std::size_t>(bit));
  };
  if (field == "value_expectation") return set(s.value_expectation, seg_value_expectation, 1.0);
  if (field == "silent_churn") return set(s.silent_churn, seg_silent_churn, limits::max_silent_churn);
  if (field == "heterogeneity") return set(s.heterogeneity, seg_heterogeneity, limits::max_heterogeneity);
  for (std::size_t i = 0; i < sensitivity_keys.size(); ++i) {
    const std::size_t bit = segment_field_count + i;
    if (field == std::string("sensitivity.") + sensitivity_keys[i]) {
      require_range(name, value, 0.0, limits::max_sensitivity);
      sensitivity_of(s, i) = value;
      src->walk_away[i].reset();
      src->given.set(bit);
      return;
    }
    if (field == std::string("walk_away.") + walk_away_keys[i]) {
      // The odds of walking away at one unit of this friction: a hazard of -ln(1 - p) per unit.
      if (!(value >= 0.0 && value < 1.0))
        throw UsageError("change '" + one_line(name) + "' = " + shortest_text(value) +
                         ": walk-away odds must be at least 0 and below 1");
      const double hazard = -std::log1p(-value) / walk_away_units[i];
      require_range(name + " (as a sensitivity)", hazard, 0.0, limits::max_sensitivity);
      sensitivity_of(s, i) = hazard;
      src->walk_away[i] = value;
      src->given.set(bit);
      return;
    }
  }
  std::vector<std::string> fields{"value_expectation", "silent_churn", "heterogeneity"};
  for (const char* k : sensitivity_keys) fields.push_back(std::string("sensitivity.") + k);
  for (const char* k : walk_away_keys) fields.push_back(std::string("walk_away.") + k);
  unknown(name, "segment parameter", field, fields);
}

void change_economics(Scenario& sc, const std::string& name, const std::string& field, double value) {
  if (!sc.economics)
    throw UsageError("change '" + one_line(name) + "': the scenario has no economics block to change");
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

}  // namespace

Scenario with_changes(const Scenario& scenario, const std::vector<NamedChange>& changes) {
  Scenario sc = scenario;
  for (const auto& [name, value] : changes) {
    if (!std::isfinite(value)) throw UsageError("change '" + one_line(name) + "': the value must be a finite number");
    if (name.rfind("segment:", 0) == 0) {
      const std::string rest = name.substr(8);
      const auto dot = rest.find('.');
      if (dot == std::string::npos || dot == 0)
        throw UsageError("change '" + one_line(name) + "': name a segment parameter as segment:NAME.PARAMETER");
      change_segment(sc, name, rest.substr(0, dot), rest.substr(dot + 1), value);
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
