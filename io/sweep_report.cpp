#include "io/sweep_report.hpp"

#include <cstdio>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/number.hpp"
#include "sim/statistics.hpp"

namespace cxsim {

namespace {

using json = nlohmann::ordered_json;

std::string who(const SweepReport& r, const SweepCurve& c) {
  return c.number.touchpoint ? r.journey->touchpoint(*c.number.touchpoint).id
                             : r.population->segment(*c.number.segment).name;
}

double share(const Tally& t, std::uint64_t n) {
  return t.customers ? static_cast<double>(n) / static_cast<double>(t.customers) : 0.0;
}

void table_curve(const SweepReport& r, const SweepCurve& c, std::ostringstream& o) {
  o << "response curve: " << r.scenario << " (" << r.variant << "), "
    << (c.number.touchpoint ? "touchpoint " : "segment ") << who(r, c) << ", " << c.number.attribute_name() << " (now "
    << shortest_text(c.current) << ")\n\n";
  const bool mc = r.monte_carlo();
  char line[256];
  std::snprintf(line, sizeof line, "%10s  %14s %10s %10s %10s%s\n", c.number.attribute_name(), "defection rate",
                "abandoned", "routed", "silent", mc ? "   Monte Carlo (95% interval)" : "");
  o << line;
  for (const auto& p : c.points) {
    if (p.exact) {
      const Figures& f = *p.exact;
      std::snprintf(line, sizeof line, "%10.4g  %13.3f%% %9.3f%% %9.3f%% %9.3f%%", p.value, 100.0 * f.defection_rate(),
                    100.0 * f.outcomes[static_cast<int>(Ending::abandoned)],
                    100.0 * f.outcomes[static_cast<int>(Ending::routed_defection)],
                    100.0 * f.outcomes[static_cast<int>(Ending::silent_churn)]);
    } else {
      std::snprintf(line, sizeof line, "%10.4g  %14s %10s %10s %10s", p.value, "-", "-", "-", "-");
    }
    o << line;
    if (p.monte_carlo) {
      const Tally& t = *p.monte_carlo;
      const Interval ci = wilson_interval(t.defections(), t.customers);
      std::snprintf(line, sizeof line, "   %.3f%% [%.3f%%, %.3f%%]", 100.0 * share(t, t.defections()), 100.0 * ci.lo,
                    100.0 * ci.hi);
      o << line;
    }
    if (p.exact_error) o << "   exact solver: " << *p.exact_error;
    o << '\n';
  }
}

std::string table(const SweepReport& r) {
  std::ostringstream o;
  for (std::size_t i = 0; i < r.curves.size(); ++i) {
    if (i) o << '\n';
    table_curve(r, r.curves[i], o);
  }
  if (r.monte_carlo())
    o << "\nMonte Carlo: " << r.curves.front().points.front().monte_carlo->customers << " customers per point, seed "
      << r.seed << ", the same customers at every point\n";
  return o.str();
}

std::string cell(double v) {
  return table_number(v);
}

std::string csv(const SweepReport& r) {
  std::ostringstream o;
  const bool mc = r.monte_carlo();
  o << "scenario,variant,sweep,touchpoint,segment,attribute,point,value,defection_rate_exact,abandoned_exact,"
       "routed_exact,silent_exact";
  if (mc) o << ",customers,defection_rate,defection_ci95_low,defection_ci95_high";
  o << '\n';
  for (std::size_t c = 0; c < r.curves.size(); ++c) {
    const SweepCurve& curve = r.curves[c];
    const std::string id = csv_escape(who(r, curve));
    for (std::size_t i = 0; i < curve.points.size(); ++i) {
      const SweepPoint& p = curve.points[i];
      o << csv_escape(r.scenario) << ',' << csv_escape(r.variant) << ',' << c + 1 << ','
        << (curve.number.touchpoint ? id : "") << ',' << (curve.number.touchpoint ? "" : id) << ','
        << curve.number.attribute_name() << ',' << i + 1 << ',' << cell(p.value);
      if (p.exact) {
        const Figures& f = *p.exact;
        o << ',' << cell(f.defection_rate()) << ',' << cell(f.outcomes[static_cast<int>(Ending::abandoned)]) << ','
          << cell(f.outcomes[static_cast<int>(Ending::routed_defection)]) << ','
          << cell(f.outcomes[static_cast<int>(Ending::silent_churn)]);
      } else {
        o << ",,,,";
      }
      if (p.monte_carlo) {
        const Tally& t = *p.monte_carlo;
        const Interval ci = wilson_interval(t.defections(), t.customers);
        o << ',' << t.customers << ',' << cell(share(t, t.defections())) << ',' << cell(ci.lo) << ',' << cell(ci.hi);
      } else if (mc) {
        o << ",,,,";
      }
      o << '\n';
    }
  }
  return o.str();
}

json curve_json(const SweepReport& r, const SweepCurve& c) {
  json j;
  j["touchpoint"] = c.number.touchpoint ? json(who(r, c)) : json(nullptr);
  j["segment"] = c.number.touchpoint ? json(nullptr) : json(who(r, c));
  j["attribute"] = c.number.attribute_name();
  j["current"] = c.current;
  json points = json::array();
  for (const auto& p : c.points) {
    json x;
    x["value"] = p.value;
    if (p.exact) {
      x["defection_rate_exact"] = p.exact->defection_rate();
      x["abandoned_exact"] = p.exact->outcomes[static_cast<int>(Ending::abandoned)];
      x["routed_exact"] = p.exact->outcomes[static_cast<int>(Ending::routed_defection)];
      x["silent_exact"] = p.exact->outcomes[static_cast<int>(Ending::silent_churn)];
    } else {
      for (const char* k : {"defection_rate_exact", "abandoned_exact", "routed_exact", "silent_exact"}) x[k] = nullptr;
      if (p.exact_error) x["exact_error"] = *p.exact_error;
    }
    if (p.monte_carlo) {
      const Tally& t = *p.monte_carlo;
      const Interval ci = wilson_interval(t.defections(), t.customers);
      x["customers"] = t.customers;
      x["defection_rate"] = share(t, t.defections());
      x["defection_ci95"] = {ci.lo, ci.hi};
    }
    points.push_back(std::move(x));
  }
  j["points"] = std::move(points);
  return j;
}

}  // namespace

json to_json(const SweepReport& r) {
  json j;
  j["scenario"] = r.scenario;
  j["variant"] = r.variant;
  if (r.monte_carlo()) j["seed"] = r.seed;
  json curves = json::array();
  for (const auto& c : r.curves) curves.push_back(curve_json(r, c));
  j["sweeps"] = std::move(curves);
  return j;
}

std::string format_sweep(const SweepReport& r, Format f) {
  switch (f) {
    case Format::json: return to_json(r).dump(2) + "\n";
    case Format::csv: return csv(r);
    case Format::table: break;
  }
  return table(r);
}

}  // namespace cxsim
