#include "io/report.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"
#include "sim/journey_graph.hpp"

namespace cxsim {

Interval Report::interval(std::uint64_t successes) const {
  return wilson_interval(successes, tally ? tally->customers : 0);
}

namespace {

std::uint64_t visits_total(const Report& r) {
  if (!r.tally) return 0;
  std::uint64_t v = 0;
  for (const auto& t : r.tally->touchpoints) v += t[fig_visits];
  return v;
}

std::string num(double x, int digits = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return buf;
}

std::string pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", 100.0 * x);
  return buf;
}

}  // namespace

namespace {

nlohmann::ordered_json rollup_json(const LossGroup& g, const char* key) {
  nlohmann::ordered_json by_cause = nlohmann::ordered_json::object();
  for (int c = 0; c < cause_count; ++c) by_cause[cause_names[c]] = g.by_cause[static_cast<std::size_t>(c)];
  return {{key, g.name},
          {"touchpoints", g.touchpoints},
          {"defections", g.defections},
          {"abandoned", g.abandoned},
          {"routed", g.routed},
          {"silent", g.silent},
          {"defections_by_cause", by_cause}};
}

}  // namespace

nlohmann::ordered_json to_json(const Report& r) {
  using json = nlohmann::ordered_json;
  json j;
  j["scenario"] = r.scenario;
  j["variant"] = r.variant;
  j["segment"] = r.segment.empty() ? json(nullptr) : json(r.segment);
  j["method"] = r.method;
  if (r.monte_carlo()) {
    j["customers"] = r.tally->customers;
    j["seed"] = r.seed;
    j["max_steps"] = r.max_steps;
  }
  j["threads"] = r.threads;
  j["processes"] = r.processes;
  j["defection_rate"] = r.figures.defection_rate();
  if (r.monte_carlo()) {
    const Interval ci = r.interval(r.tally->defections());
    j["defection_ci95"] = {ci.lo, ci.hi};
    if (r.precision_target) {
      j["precision"] = {{"target_half_width", *r.precision_target},
                        {"half_width", ci.half_width()},
                        {"reached", r.precision_reached}};
    }
  } else {
    j["quadrature"] = r.quadrature;
    if (r.quadrature) {
      j["quadrature_rule"] = r.quadrature_rule;
      j["quadrature_nodes"] = r.quadrature_nodes;
      j["quadrature_change"] = r.quadrature_change;
    }
    j["residual"] = r.residual;
  }
  json outcomes = json::object();
  for (int e = 0; e < ending_count; ++e) outcomes[ending_names[e]] = r.figures.outcomes[e];
  j["outcomes"] = outcomes;
  const auto causes = r.figures.abandonment_by_cause();
  json by_cause = json::object();
  for (int c = 0; c < friction_count; ++c) by_cause[friction_names[c]] = causes[c];
  j["abandonment_by_cause"] = by_cause;
  const auto blamed = r.figures.defections_by_cause();
  json defections_by_cause = json::object();
  for (int c = 0; c < cause_count; ++c) defections_by_cause[cause_names[c]] = blamed[c];
  j["defections_by_cause"] = defections_by_cause;
  const PerCustomer each = per_customer(r.figures, *r.journey);
  j["effort_minutes_per_customer"] = each.effort_minutes;
  j["cost_to_serve_per_customer"] = each.cost_to_serve ? json(*each.cost_to_serve) : json(nullptr);

  json tps = json::array();
  for (std::size_t k = 0; k < r.figures.touchpoints.size(); ++k) {
    const auto& t = r.figures.touchpoints[k];
    const Touchpoint& tp = r.journey->touchpoint(k);
    json row = {{"id", tp.id}, {"name", tp.name}, {"stage", tp.stage}, {"channel", tp.channel}};
    row["effort_minutes"] = tp.effort_minutes ? json(*tp.effort_minutes) : json(nullptr);
    row["cost"] = tp.cost ? json(*tp.cost) : json(nullptr);
    for (int f = 0; f < touchpoint_figure_count; ++f) {
      const FigureField& field = touchpoint_figure_fields[static_cast<std::size_t>(f)];
      if (*field.group)
        row[field.group][field.name] = t[f];
      else
        row[field.name] = t[f];
      if (f == fig_silent) row["defections"] = t.defections();
    }
    tps.push_back(std::move(row));
  }
  j["touchpoints"] = tps;

  json stages = json::array(), channels = json::array();
  for (const auto& g : rollup(r, &Touchpoint::stage)) stages.push_back(rollup_json(g, "stage"));
  for (const auto& g : rollup(r, &Touchpoint::channel)) channels.push_back(rollup_json(g, "channel"));
  j["stages"] = stages;
  j["channels"] = channels;

  json segs = json::array();
  for (std::size_t s = 0; s < r.figures.segments.size(); ++s) {
    const SegmentFigures& f = r.figures.segments[s];
    json seg = {{"name", r.population->segment(s).name}, {"share", r.population->segment(s).share}};
    if (r.monte_carlo()) seg["customers"] = r.tally->segments[s].customers;
    // A segment nobody belongs to has no defection rate.
    seg["defection_rate"] = f.has_customers ? json(f.defection_rate) : json(nullptr);
    seg["defections"] = f.has_customers ? f.share * f.defection_rate : 0.0;
    segs.push_back(seg);
  }
  j["segments"] = segs;
  j["elapsed_seconds"] = r.elapsed_seconds;
  if (r.unfinished_warning) j["warnings"] = {*r.unfinished_warning};
  if (r.monte_carlo())
    j["visits_per_second"] = r.elapsed_seconds > 0 ? static_cast<double>(visits_total(r)) / r.elapsed_seconds : 0.0;
  return j;
}

namespace {

std::string per_1000(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", 1000.0 * x);
  return buf;
}

std::string table(const Report& r) {
  std::ostringstream o;
  o << r.scenario << " — " << r.variant;
  if (!r.segment.empty())
    o << " — segment " << r.segment << " only (" << num(100.0 * r.segment_share, 4)
      << "% of all customers; figures per customer of this segment)";
  o << "\n";
  if (r.monte_carlo()) {
    o << "Monte Carlo: " << r.tally->customers << " customers, seed " << r.seed << ", " << r.threads
      << (r.threads == 1 ? " thread" : " threads")
      << (r.processes > 1 ? " in each of " + std::to_string(r.processes) + " processes" : "") << ", "
      << num(r.elapsed_seconds, 3) << " s\n";
    if (r.precision_target)
      o << "Precision target ±" << num(*r.precision_target) << (r.precision_reached ? " reached" : " NOT reached")
        << " (95% half-width " << num(r.interval(r.tally->defections()).half_width()) << ")\n";
  } else {
    o << "Exact solution: expected figures, no sampling (how it was solved: at the end)\n";
  }
  o << "\n";
  const bool mc = r.monte_carlo();
  using Align = TextTable::Align;
  std::vector<TextTable::Column> columns{{"outcome", Align::left, 18}, {"share", Align::right, 10}};
  if (mc) columns.push_back({" 95% interval", Align::left, 0});
  TextTable outcomes(std::move(columns));
  auto row = [&](const std::string& name, double share, std::uint64_t count) {
    std::vector<std::string> cells{name, pct(share)};
    if (mc) {
      const Interval i = r.interval(count);
      cells.push_back(" [" + pct(i.lo) + ", " + pct(i.hi) + "]");
    }
    outcomes.add(std::move(cells));
  };
  row("defection rate", r.figures.defection_rate(), mc ? r.tally->defections() : 0);
  for (int e = 0; e < ending_count; ++e)
    row(std::string("  ") + ending_names[e], r.figures.outcomes[e], mc ? r.tally->endings[e] : 0);
  o << outcomes.str();
  if (r.unfinished_warning) o << "\nWARNING: " << *r.unfinished_warning << "\n";
  const auto causes = r.figures.defections_by_cause();
  o << "defections by cause:";
  for (int c = 0; c < cause_count; ++c) o << "  " << cause_names[c] << " " << pct(causes[c]);
  o << "\n  (route: the journey sent them to a defection ending after a visit that worked)\n";
  const PerCustomer each = per_customer(r.figures, *r.journey);
  o << "per customer: effort " << num(each.effort_minutes, 4) << " minutes, cost to serve "
    << (each.cost_to_serve ? num(*each.cost_to_serve, 4) : std::string("unknown (no touchpoint gives a cost)"))
    << "\n\n";

  // Where customers are lost: every defection blamed on one touchpoint, biggest first.
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < r.figures.touchpoints.size(); ++k)
    if (!r.journey->is_terminal(k)) order.push_back(k);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return r.figures.touchpoints[a].defections() > r.figures.touchpoints[b].defections();
  });
  o << "where customers are lost (defections per 1,000 customers, lost = abandoned + routed + silent = the causes; "
       "visits and failures per customer):\n";
  std::vector<TextTable::Column> lost_columns{{"touchpoint", Align::left, 22}, {"stage", Align::left, 14},
                                              {"channel", Align::left, 10},    {"lost", Align::right, 9},
                                              {"abandoned", Align::right, 9},  {"routed", Align::right, 7},
                                              {"silent", Align::right, 7}};
  for (int c = 0; c < cause_count; ++c)
    lost_columns.push_back({c == 0 ? "reliab." : cause_names[static_cast<std::size_t>(c)], Align::right, 9});
  lost_columns.push_back({"visits", Align::right, 8});
  lost_columns.push_back({"failures", Align::right, 9});
  TextTable lost(std::move(lost_columns));
  for (auto k : order) {
    const auto& t = r.figures.touchpoints[k];
    const Touchpoint& tp = r.journey->touchpoint(k);
    std::vector<std::string> cells{tp.id,
                                   tp.stage.empty() ? "-" : tp.stage,
                                   tp.channel.empty() ? "-" : tp.channel,
                                   per_1000(t.defections()),
                                   per_1000(t[fig_abandoned]),
                                   per_1000(t[fig_routed]),
                                   per_1000(t[fig_silent])};
    for (int c = 0; c < cause_count; ++c) cells.push_back(per_1000(t[fig_cause + c]));
    cells.push_back(num(t[fig_visits], 4));
    cells.push_back(num(t[fig_failures], 4));
    lost.add(std::move(cells));
  }
  o << lost.str();
  auto groups = [&](const char* title, const std::vector<LossGroup>& gs) {
    if (gs.size() < 2 && (gs.empty() || gs.front().name.empty())) return;  // nothing to roll up
    o << "\nby " << title << " (defections per 1,000 customers):\n";
    TextTable table({{title, Align::left, 20},
                     {"lost", Align::right, 9},
                     {"abandoned", Align::right, 9},
                     {"routed", Align::right, 7},
                     {"silent", Align::right, 7}},
                    "  ");
    for (const auto& g : gs)
      table.add({g.name.empty() ? "(none)" : g.name, per_1000(g.defections), per_1000(g.abandoned), per_1000(g.routed),
                 per_1000(g.silent)});
    o << table.str();
  };
  groups("stage", rollup(r, &Touchpoint::stage));
  groups("channel", rollup(r, &Touchpoint::channel));

  o << "\nby segment:\n";
  TextTable segments({{"", Align::left, 22}, {}, {"", Align::left, 8}, {}, {"", Align::left, 12}, {}, {}}, "  ");
  for (std::size_t s = 0; s < r.figures.segments.size(); ++s) {
    const SegmentFigures& f = r.figures.segments[s];
    segments.add({r.population->segment(s).name, "share", num(r.population->segment(s).share, 4), "defection rate",
                  f.has_customers ? pct(f.defection_rate) : "no customers", "lost per 1,000 customers",
                  per_1000(f.has_customers ? f.share * f.defection_rate : 0.0)});
  }
  o << segments.str();
  if (!r.monte_carlo())
    o << "\nsolved exactly"
      << (r.quadrature ? " with " + r.quadrature_rule + " quadrature over the customer multiplier (" +
                             std::to_string(r.quadrature_nodes) + " nodes, figures settled to " +
                             num(r.quadrature_change, 2) + ")"
                       : "")
      << ", residual " << num(r.residual, 2) << "\n";
  return o.str();
}

// Long format (scenario, variant, scope, id, metric, value): one figure a row, easy to pivot in
// a spreadsheet and to concatenate across runs.
std::string csv(const Report& r) {
  std::ostringstream o;
  o << "scenario,variant,scope,id,metric,value\n";
  const std::string lead = csv_escape(r.scenario) + ',' + csv_escape(r.variant) + ',';
  auto put = [&](const std::string& scope, const std::string& id, const std::string& metric, double v) {
    o << lead << scope << ',' << csv_escape(id) << ',' << metric << ',' << table_number(v) << '\n';
  };
  if (!r.segment.empty()) put("persona", r.segment, "share_of_customers", r.segment_share);
  put("summary", "", "defection_rate", r.figures.defection_rate());
  if (r.monte_carlo()) {
    const Interval ci = r.interval(r.tally->defections());
    put("summary", "", "defection_ci95_low", ci.lo);
    put("summary", "", "defection_ci95_high", ci.hi);
    put("summary", "", "customers", static_cast<double>(r.tally->customers));
  }
  const PerCustomer each = per_customer(r.figures, *r.journey);
  put("summary", "", "effort_minutes_per_customer", each.effort_minutes);
  if (each.cost_to_serve) put("summary", "", "cost_to_serve_per_customer", *each.cost_to_serve);
  for (int e = 0; e < ending_count; ++e) put("outcome", ending_names[e], "share", r.figures.outcomes[e]);
  const auto causes = r.figures.abandonment_by_cause();
  for (int c = 0; c < friction_count; ++c) put("abandonment_by_cause", friction_names[c], "share", causes[c]);
  const auto blamed = r.figures.defections_by_cause();
  for (int c = 0; c < cause_count; ++c) put("defections_by_cause", cause_names[c], "share", blamed[c]);
  for (std::size_t k = 0; k < r.figures.touchpoints.size(); ++k) {
    const auto& t = r.figures.touchpoints[k];
    const std::string& id = r.journey->touchpoint(k).id;
    for (int f = 0; f < touchpoint_figure_count; ++f) {
      put("touchpoint", id, figure_name(f), t[f]);
      if (f == fig_silent) put("touchpoint", id, "defections", t.defections());
    }
  }
  for (const auto& g : rollup(r, &Touchpoint::stage)) put("stage", g.name, "defections", g.defections);
  for (const auto& g : rollup(r, &Touchpoint::channel)) put("channel", g.name, "defections", g.defections);
  for (std::size_t s = 0; s < r.figures.segments.size(); ++s) {
    const SegmentFigures& f = r.figures.segments[s];
    if (f.has_customers)
      put("segment", r.population->segment(s).name, "defection_rate", f.defection_rate);
    else
      o << lead << "segment," << csv_escape(r.population->segment(s).name) << ",defection_rate,\n";
  }
  return o.str();
}

}  // namespace

std::vector<LossGroup> rollup(const Report& r, std::string Touchpoint::*key) {
  std::vector<LossGroup> out;
  for (const std::size_t k : journey_order(*r.journey)) {
    if (k >= r.figures.touchpoints.size() || r.journey->is_terminal(k)) continue;
    const std::string& name = r.journey->touchpoint(k).*key;
    auto it = std::find_if(out.begin(), out.end(), [&](const LossGroup& g) { return g.name == name; });
    if (it == out.end()) {
      out.push_back(LossGroup{name});
      it = out.end() - 1;
    }
    const auto& t = r.figures.touchpoints[k];
    it->defections += t.defections();
    it->abandoned += t[fig_abandoned];
    it->routed += t[fig_routed];
    it->silent += t[fig_silent];
    for (int c = 0; c < cause_count; ++c) it->by_cause[static_cast<std::size_t>(c)] += t[fig_cause + c];
    ++it->touchpoints;
  }
  return out;
}

std::string format_report(const Report& r, Format f) {
  switch (f) {
    case Format::json: return to_json(r).dump(2) + "\n";
    case Format::csv: return csv(r);
    case Format::table: break;
  }
  return table(r);
}

}  // namespace cxsim
