#include "io/validation_report.hpp"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/csv_escape.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"

namespace cxsim {

std::string format_validation(const Validation& v, Format format) {
  const Agreement& agreement = v.agreement;
  std::ostringstream out;
  if (format == Format::csv) {
    out << "scenario,variant,customers,seed,figure,monte_carlo,exact,standard_error,z,agrees\n";
    for (const auto& c : agreement.checks)
      out << csv_escape(v.scenario) << ',' << csv_escape(v.variant) << ',' << v.customers << ',' << v.seed << ','
          << csv_escape(c.figure) << ',' << table_number(c.monte_carlo) << ',' << table_number(c.exact) << ','
          << table_number(c.standard_error) << ',' << table_number(c.z) << ','
          << (std::fabs(c.z) <= v.z_limit ? "true" : "false") << '\n';
    return out.str();
  }
  if (format == Format::json) {
    nlohmann::ordered_json j;
    j["scenario"] = v.scenario;
    j["variant"] = v.variant;
    j["customers"] = v.customers;
    j["seed"] = v.seed;
    j["max_abs_z"] = agreement.max_abs_z();
    j["agrees"] = v.agrees();
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& c : agreement.checks)
      rows.push_back({{"figure", c.figure},
                      {"monte_carlo", c.monte_carlo},
                      {"exact", c.exact},
                      {"standard_error", c.standard_error},
                      {"z", c.z}});
    j["figures"] = rows;
    return j.dump(2) + "\n";
  }
  // The answer first, the figures behind it after.
  out << formatted("%s — %s: %s: %zu figures compared, largest |z| = %.2f\n", v.scenario.c_str(), v.variant.c_str(),
                   v.agrees() ? "the engines agree (every |z| <= 5)" : "the engines DISAGREE (some |z| > 5)",
                   agreement.checks.size(), agreement.max_abs_z());
  out << formatted("Monte Carlo (%llu customers, seed %llu) against exact, figure by figure:\n",
                   static_cast<unsigned long long>(v.customers), static_cast<unsigned long long>(v.seed));
  using Align = TextTable::Align;
  TextTable figures({{"figure", Align::left, 44},
                     {"monte carlo", Align::right, 14},
                     {"exact", Align::right, 14},
                     {"std error", Align::right, 11},
                     {"z", Align::right, 8}});
  for (const auto& c : agreement.checks)
    figures.add({c.figure, formatted("%.8g", c.monte_carlo), formatted("%.8g", c.exact),
                 formatted("%.3g", c.standard_error), formatted("%.2f", c.z)},
                std::fabs(c.z) > v.z_limit ? "  <-- disagrees" : "");
  out << figures.str();
  return out.str();
}

}  // namespace cxsim
