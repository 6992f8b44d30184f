#include "io/report.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "io/csv_escape.hpp"

namespace cxsim {

Interval Report::interval(std::uint64_t successes) const {
  return wilson_interval(successes, tally ? tally->customers : 0);
}

namespace {

std::uint64_t visits_total(const Report& r) {
  if (!r.tally) return 0;
  std::uint64_t v = 0;
  for (const auto& t : r.tally->touchpoints) v += t.visits;
  return v;
}

// Defections a touchpoint causes: customers who abandon there, or end there as routed defection.
double defections_caused(const Report& r, std::size_t k) {
  const auto& t = r.figures.touchpoints[k];
  const bool routed = r.journey->is_terminal(k) && r.journey->outcomes()[k] == Outcome::defected;
  return t.abandoned + (routed ? t.visits : 0.0);
}

int dominant_friction(const TouchpointFigures& t) {
  const auto& f = t.friction;
  if (f[0] <= 0.0 && f[1] <= 0.0 && f[2] <= 0.0) return -1;
  return static_cast<int>(std::max_element(f.begin(), f.end()) - f.begin());
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

nlohmann::ordered_json to_json(const Report& r) {
  using json = nlohmann::ordered_json;
  json j;
  j["scenario"] = r.scenario;
  j["variant"] = r.variant;
  j["method"] = r.method;
  if (r.monte_carlo()) {
    j["customers"] = r.tally->customers;
    j["seed"] = r.seed;
    j["max_steps"] = r.max_steps;
  }
  j["threads"] = r.threads;
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

  json tps = json::array();
  for (std::size_t k = 0; k < r.figures.touchpoints.size(); ++k) {
    const auto& t = r.figures.touchpoints[k];
    json friction = json::object(), abandoned_by = json::object();
    for (int c = 0; c < friction_count; ++c) {
      friction[friction_names[c]] = t.friction[c];
      abandoned_by[friction_names[c]] = t.abandoned_by[c];
    }
    tps.push_back({{"id", r.journey->touchpoint(k).id},
                   {"visits", t.visits},
                   {"failures", t.failures},
                   {"averted", t.averted},
                   {"repeats", t.repeats},
                   {"abandoned", t.abandoned},
                   {"recoveries", t.recoveries},
                   {"abandoned_by", abandoned_by},
                   {"friction", friction}});
  }
  j["touchpoints"] = tps;

  json segs = json::array();
  for (std::size_t s = 0; s < r.figures.segments.size(); ++s) {
    json seg = {{"name", r.population->segment(s).name},
                {"share", r.population->segment(s).share},
                {"defection_rate", r.figures.segments[s].defection_rate}};
    if (r.monte_carlo()) seg["customers"] = r.tally->segments[s].customers;
    segs.push_back(seg);
  }
  j["segments"] = segs;
  j["elapsed_seconds"] = r.elapsed_seconds;
  if (r.monte_carlo())
    j["visits_per_second"] =
        r.elapsed_seconds > 0 ? static_cast<double>(visits_total(r)) / r.elapsed_seconds : 0.0;
  return j;
}

namespace {

std::string table(const Report& r) {
  std::ostringstream o;
  o << r.scenario << " — " << r.variant << "\n";
  if (r.monte_carlo()) {
    o << "Monte Carlo: " << r.tally->customers << " customers, seed " << r.seed << ", " << r.threads
      << (r.threads == 1 ? " thread" : " threads") << ", " << num(r.elapsed_seconds, 3) << " s\n";
    if (r.precision_target)
      o << "Precision target ±" << num(*r.precision_target) << (r.precision_reached ? " reached" : " NOT reached")
        << " (95% half-width " << num(r.interval(r.tally->defections()).half_width()) << ")\n";
  } else {
    o << "Exact solution" << (r.quadrature ? " (" + r.quadrature_rule + " quadrature over the customer multiplier, " +
                                                 std::to_string(r.quadrature_nodes) + " nodes, figures settled to " +
                                                 num(r.quadrature_change, 2) + ")"
                                           : "")
      << ", residual " << num(r.residual, 2) << "\n";
  }
  o << "\n";
  char line[256];
  const bool mc = r.monte_carlo();
  std::snprintf(line, sizeof line, "%-18s %10s  %s\n", "outcome", "share", mc ? "95% interval" : "");
  o << line;
  auto row = [&](const std::string& name, double share, std::uint64_t count) {
    std::string ci;
    if (mc) {
      const Interval i = r.interval(count);
      ci = "[" + pct(i.lo) + ", " + pct(i.hi) + "]";
    }
    std::snprintf(line, sizeof line, "%-18s %10s  %s\n", name.c_str(), pct(share).c_str(), ci.c_str());
    o << line;
  };
  row("defection rate", r.figures.defection_rate(), mc ? r.tally->defections() : 0);
  for (int e = 0; e < ending_count; ++e)
    row(std::string("  ") + ending_names[e], r.figures.outcomes[e], mc ? r.tally->endings[e] : 0);
  const auto causes = r.figures.abandonment_by_cause();
  o << "abandonment by cause:";
  for (int c = 0; c < friction_count; ++c) o << "  " << friction_names[c] << " " << pct(causes[c]);
  o << "\n\n";

  std::vector<std::size_t> order(r.figures.touchpoints.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return defections_caused(r, a) > defections_caused(r, b);
  });
  o << "touchpoints ranked by the defections they cause (per customer):\n";
  std::snprintf(line, sizeof line, "%-24s %10s %9s %9s %9s %9s %9s  %s\n", "touchpoint", "defections",
                "visits", "failures", "averted", "repeats", "recovered", "dominant friction");
  o << line;
  for (auto k : order) {
    const auto& t = r.figures.touchpoints[k];
    const int dom = dominant_friction(t);
    std::string id = r.journey->touchpoint(k).id;
    if (r.journey->is_terminal(k)) id += r.journey->outcomes()[k] == Outcome::defected ? " (defected)" : " (retained)";
    std::snprintf(line, sizeof line, "%-24s %10s %9s %9s %9s %9s %9s  %s\n", id.c_str(),
                  pct(defections_caused(r, k)).c_str(), num(t.visits, 4).c_str(), num(t.failures, 4).c_str(),
                  num(t.averted, 4).c_str(), num(t.repeats, 4).c_str(), num(t.recoveries, 4).c_str(),
                  dom < 0 ? "-" : friction_names[dom]);
    o << line;
  }
  o << "\nsegments:\n";
  for (std::size_t s = 0; s < r.figures.segments.size(); ++s) {
    std::snprintf(line, sizeof line, "  %-22s share %-8s defection rate %s\n",
                  r.population->segment(s).name.c_str(), num(r.population->segment(s).share, 4).c_str(),
                  pct(r.figures.segments[s].defection_rate).c_str());
    o << line;
  }
  return o.str();
}

// Long format (scope, id, metric, value): one figure a row, easy to pivot in a spreadsheet.
std::string csv(const Report& r) {
  std::ostringstream o;
  o.precision(17);
  o << "scope,id,metric,value\n";
  auto put = [&](const std::string& scope, const std::string& id, const std::string& metric, double v) {
    o << scope << ',' << csv_escape(id) << ',' << metric << ',' << v << '\n';
  };
  put("summary", "", "defection_rate", r.figures.defection_rate());
  if (r.monte_carlo()) {
    const Interval ci = r.interval(r.tally->defections());
    put("summary", "", "defection_ci95_lo", ci.lo);
    put("summary", "", "defection_ci95_hi", ci.hi);
    put("summary", "", "customers", static_cast<double>(r.tally->customers));
  }
  for (int e = 0; e < ending_count; ++e) put("outcome", ending_names[e], "share", r.figures.outcomes[e]);
  const auto causes = r.figures.abandonment_by_cause();
  for (int c = 0; c < friction_count; ++c) put("abandonment_by_cause", friction_names[c], "share", causes[c]);
  for (std::size_t k = 0; k < r.figures.touchpoints.size(); ++k) {
    const auto& t = r.figures.touchpoints[k];
    const std::string& id = r.journey->touchpoint(k).id;
    put("touchpoint", id, "visits", t.visits);
    put("touchpoint", id, "failures", t.failures);
    put("touchpoint", id, "averted", t.averted);
    put("touchpoint", id, "repeats", t.repeats);
    put("touchpoint", id, "abandoned", t.abandoned);
    put("touchpoint", id, "recoveries", t.recoveries);
  }
  for (std::size_t s = 0; s < r.figures.segments.size(); ++s)
    put("segment", r.population->segment(s).name, "defection_rate", r.figures.segments[s].defection_rate);
  return o.str();
}

}  // namespace

std::string format_report(const Report& r, Format f) {
  switch (f) {
    case Format::json: return to_json(r).dump(2) + "\n";
    case Format::csv: return csv(r);
    case Format::table: break;
  }
  return table(r);
}

}  // namespace cxsim
