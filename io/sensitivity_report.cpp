#include "io/sensitivity_report.hpp"

#include <cstdio>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/number.hpp"

namespace cxsim {

namespace {

using json = nlohmann::ordered_json;

std::optional<double> kept_per_1000(const SensitivityParameter& p) {
  if (!p.delta_step) return std::nullopt;
  return -1000.0 * *p.delta_step;
}

// What the step is worth per year: defections avoided x what each loses.
std::optional<double> value_kept(const SensitivityParameter& p, const std::optional<Economics>& e) {
  if (!p.delta_step || !e) return std::nullopt;
  return -*p.delta_step * e->customers_per_year * e->value_per_customer;
}

json maybe(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string cell(const std::optional<double>& v) { return v ? shortest_text(*v) : std::string(); }

std::string text(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string table(const SensitivityReport& r) {
  const SensitivityResult& s = r.result;
  std::ostringstream o;
  o << "what to fix first: " << r.scenario << " (" << r.variant << "), exact\n";
  o << "defection rate " << text("%.3f%%", 100.0 * s.defection_rate) << "; each change alone, "
    << shortest_text(s.step) << " better (up to 1)\n\n";
  std::size_t solved = 0;
  for (const auto& p : s.parameters) solved += p.delta_step.has_value() || p.error.has_value();
  char line[512];
  if (solved == 0 && s.top == 0) {
    o << "no candidate re-solved (--top 0); every derivative is in --format csv or json\n";
  } else if (solved == 0) {
    o << "nothing to improve: every touchpoint attribute is already at its best value\n";
  } else {
    const bool money = r.economics.has_value();
    std::snprintf(line, sizeof line, "%-4s %-24s %-14s %-10s %-12s %8s %9s %11s %9s %10s%s\n", "rank", "touchpoint",
                  "stage", "channel", "attribute", "current", "improved", "derivative", "kept/1k", "if perfect",
                  money ? ("  value kept/yr (" + r.economics->currency + ")").c_str() : "");
    o << line;
    std::size_t rank = 0;
    for (const auto& p : s.parameters) {
      if (!p.delta_step && !p.error) continue;
      const Touchpoint& t = r.journey->touchpoint(*p.touchpoint);
      const std::string stage = t.stage.empty() ? "-" : t.stage;
      const std::string channel = t.channel.empty() ? "-" : t.channel;
      if (p.error) {
        std::snprintf(line, sizeof line, "%-4zu %-24s %-14s %-10s %-12s could not be solved: %s\n", ++rank, t.id.c_str(),
                      stage.c_str(), channel.c_str(), p.attribute_name(), p.error->c_str());
        o << line;
        continue;
      }
      const std::string worth = money ? "  " + text("%.0f", *value_kept(p, r.economics)) : "";
      std::snprintf(line, sizeof line, "%-4zu %-24s %-14s %-10s %-12s %8.4g %9.4g %11.4g %9.2f %10.2f%s\n", ++rank,
                    t.id.c_str(), stage.c_str(), channel.c_str(), p.attribute_name(), p.current, p.improved,
                    p.derivative.value_or(0.0), *kept_per_1000(p), -1000.0 * *p.delta_perfect, worth.c_str());
      o << line;
    }
    o << "\nkept/1k: customers kept per 1,000 by that change alone, exactly re-solved; if perfect: with the "
         "attribute at 1.\nderivative: change of the defection rate per unit of the attribute. These are the top "
      << rank << " touchpoint attributes by derivative x step; every derivative is in --format csv or json.\n";
  }
  o << "\nhow the defection rate responds to the segments (what the figures rest on, not fixes):\n";
  std::snprintf(line, sizeof line, "  %-24s %-24s %8s %11s\n", "segment", "parameter", "current", "derivative");
  o << line;
  for (const auto& p : s.parameters) {
    if (!p.segment) continue;
    std::snprintf(line, sizeof line, "  %-24s %-24s %8.4g %11.4g\n", r.population->segment(*p.segment).name.c_str(),
                  p.attribute_name(), p.current, p.derivative.value_or(0.0));
    o << line;
  }
  return o.str();
}

std::string csv(const SensitivityReport& r) {
  std::ostringstream o;
  const bool money = r.economics.has_value();
  o << "scenario,variant,rank,touchpoint,segment,stage,channel,attribute,current,derivative,improved,"
       "delta_defection_step,delta_if_perfect,customers_kept_per_1000"
    << (money ? ",value_kept_per_year" : "") << '\n';
  std::size_t rank = 0;
  for (const auto& p : r.result.parameters) {
    const Touchpoint* t = p.touchpoint ? &r.journey->touchpoint(*p.touchpoint) : nullptr;
    o << csv_escape(r.scenario) << ',' << csv_escape(r.variant) << ',' << ++rank << ','
      << (t ? csv_escape(t->id) : "") << ',' << (t ? "" : csv_escape(r.population->segment(*p.segment).name)) << ','
      << (t ? csv_escape(t->stage) : "") << ',' << (t ? csv_escape(t->channel) : "") << ',' << p.attribute_name()
      << ',' << shortest_text(p.current) << ',' << cell(p.derivative) << ',' << shortest_text(p.improved) << ','
      << cell(p.delta_step) << ',' << cell(p.delta_perfect) << ',' << cell(kept_per_1000(p));
    if (money) o << ',' << cell(value_kept(p, r.economics));
    o << '\n';
  }
  return o.str();
}

}  // namespace

json to_json(const SensitivityReport& r) {
  json j;
  j["scenario"] = r.scenario;
  j["variant"] = r.variant;
  j["step"] = r.result.step;
  j["top"] = r.result.top;
  j["defection_rate"] = r.result.defection_rate;
  if (r.economics)
    j["economics"] = {{"customers_per_year", r.economics->customers_per_year},
                      {"value_per_customer", r.economics->value_per_customer},
                      {"currency", r.economics->currency}};
  json list = json::array();
  for (const auto& p : r.result.parameters) {
    json x;
    if (p.touchpoint) {
      const Touchpoint& t = r.journey->touchpoint(*p.touchpoint);
      x["touchpoint"] = t.id;
      x["segment"] = nullptr;
      x["stage"] = t.stage;
      x["channel"] = t.channel;
    } else {
      x["touchpoint"] = nullptr;
      x["segment"] = r.population->segment(*p.segment).name;
      x["stage"] = nullptr;
      x["channel"] = nullptr;
    }
    x["attribute"] = p.attribute_name();
    x["current"] = p.current;
    x["derivative"] = maybe(p.derivative);
    x["improved"] = p.improved;
    x["delta_defection_step"] = maybe(p.delta_step);
    x["delta_if_perfect"] = maybe(p.delta_perfect);
    x["customers_kept_per_1000"] = maybe(kept_per_1000(p));
    if (r.economics) x["value_kept_per_year"] = maybe(value_kept(p, r.economics));
    if (p.error) x["error"] = *p.error;
    list.push_back(std::move(x));
  }
  j["parameters"] = std::move(list);
  return j;
}

std::string format_sensitivity(const SensitivityReport& r, Format f) {
  switch (f) {
    case Format::json: return to_json(r).dump(2) + "\n";
    case Format::csv: return csv(r);
    case Format::table: break;
  }
  return table(r);
}

}  // namespace cxsim
