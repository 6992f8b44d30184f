#include "io/sensitivity_report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"

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

json maybe(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

std::string cell(const std::optional<double>& v) {
  return v ? table_number(*v) : std::string();
}

std::string table(const SensitivityReport& r) {
  const SensitivityResult& s = r.result;
  std::ostringstream o;
  o << "what to fix first: " << r.scenario << " (" << r.variant << "), exact\n";
  o << "defection rate " << formatted("%.3f%%", 100.0 * s.defection_rate) << "; each change alone, "
    << shortest_text(s.step) << " better (up to 1)\n\n";
  std::size_t solved = 0;
  for (const auto& p : s.parameters) solved += p.delta_step.has_value() || p.error.has_value();
  using Align = TextTable::Align;
  if (solved == 0 && s.top == 0) {
    o << "no candidate re-solved (--top 0); every derivative is in --format csv or json\n";
  } else if (solved == 0) {
    const bool at_best = std::all_of(s.parameters.begin(), s.parameters.end(), [](const SensitivityParameter& p) {
      return !p.touchpoint || !(p.current < p.perfect);
    });
    if (at_best)
      o << "nothing to improve: every touchpoint attribute is already at its best value\n";
    else
      o << "nothing re-solved: a step of " << shortest_text(s.step)
        << " changes no attribute (values are kept to 12 decimals); use a larger --step\n";
  } else {
    const bool money = r.economics.has_value();
    std::vector<TextTable::Column> columns{{"rank", Align::left, 4},       {"touchpoint", Align::left, 24},
                                           {"stage", Align::left, 14},     {"channel", Align::left, 10},
                                           {"attribute", Align::left, 12}, {"current", Align::right, 8},
                                           {"improved", Align::right, 9},  {"derivative", Align::right, 11},
                                           {"kept/1k", Align::right, 9},   {"if perfect", Align::right, 10}};
    if (money) columns.push_back({" value kept/yr (" + r.economics->currency + ")", Align::right, 0});
    TextTable fixes(std::move(columns));
    std::size_t rank = 0;
    for (const auto& p : s.parameters) {
      if (!p.delta_step && !p.error) continue;
      const Touchpoint& t = r.journey->touchpoint(*p.touchpoint);
      std::vector<std::string> cells{std::to_string(++rank), t.id, t.stage.empty() ? "-" : t.stage,
                                     t.channel.empty() ? "-" : t.channel, p.attribute_name()};
      if (p.error) {
        fixes.add(std::move(cells), " could not be solved: " + *p.error);
        continue;
      }
      cells.insert(cells.end(), {formatted("%.4g", p.current), formatted("%.4g", p.improved),
                                 formatted("%.4g", p.derivative.value_or(0.0)), formatted("%.2f", *kept_per_1000(p)),
                                 formatted("%.2f", -1000.0 * *p.delta_perfect)});
      if (money) cells.push_back(formatted("%.0f", *value_kept(p, r.economics)));
      fixes.add(std::move(cells));
    }
    o << fixes.str();
    o << "\nkept/1k: customers kept per 1,000 by that change alone, exactly re-solved; if perfect: with the "
         "attribute at 1.\nderivative: change of the defection rate per unit of the attribute. These are the top "
      << rank << " touchpoint attributes by derivative x step; every derivative is in --format csv or json.\n";
  }
  o << "\nhow the defection rate responds to the segments (what the figures rest on, not fixes):\n";
  TextTable segments({{"segment", Align::left, 24},
                      {"parameter", Align::left, 24},
                      {"current", Align::right, 8},
                      {"derivative", Align::right, 11}},
                     "  ");
  for (const auto& p : s.parameters)
    if (p.segment)
      segments.add({r.population->segment(*p.segment).name, p.attribute_name(), formatted("%.4g", p.current),
                    formatted("%.4g", p.derivative.value_or(0.0))});
  o << segments.str();
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
    o << csv_escape(r.scenario) << ',' << csv_escape(r.variant) << ',' << ++rank << ',' << (t ? csv_escape(t->id) : "")
      << ',' << (t ? "" : csv_escape(r.population->segment(*p.segment).name)) << ',' << (t ? csv_escape(t->stage) : "")
      << ',' << (t ? csv_escape(t->channel) : "") << ',' << p.attribute_name() << ',' << table_number(p.current) << ','
      << cell(p.derivative) << ',' << table_number(p.improved) << ',' << cell(p.delta_step) << ','
      << cell(p.delta_perfect) << ',' << cell(kept_per_1000(p));
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
