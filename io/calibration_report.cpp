#include "io/calibration_report.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"

namespace cxsim {

namespace {

using json = nlohmann::ordered_json;

json number_or_null(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? json(*x) : json(nullptr);
}

json fit_json(const GoodnessOfFit& g) {
  json rows = json::array();
  for (const auto& r : g.rows)
    rows.push_back({{"measure", r.measure},
                    {"observed", r.observed},
                    {"expected", r.expected},
                    {"pearson_residual", number_or_null(r.pearson_residual)},
                    {"structural_zero", r.structural}});
  return {{"log_likelihood", g.log_likelihood},
          {"deviance", g.deviance},
          {"measures", g.rows.size()},
          {"degrees_of_freedom", number_or_null(g.degrees_of_freedom)},
          {"p_value", number_or_null(g.p_value)},
          {"fit", rows}};
}

void fit_table(const GoodnessOfFit& g, std::ostringstream& o) {
  using Align = TextTable::Align;
  TextTable fit({{"measure", Align::left, 44},
                 {"observed", Align::right, 14},
                 {"expected", Align::right, 16},
                 {"pearson", Align::right, 10}},
                "  ");
  for (const auto& r : g.rows)
    fit.add({r.measure, formatted("%.0f", r.observed), formatted("%.1f", r.expected),
             r.pearson_residual ? formatted("%.2f", *r.pearson_residual) : "-"},
            r.pearson_residual && std::fabs(*r.pearson_residual) > 3.0 ? "  <- |residual| > 3" : "");
  o << fit.str()
    << formatted("  log-likelihood %.6g, deviance %.4g over %zu counts", g.log_likelihood, g.deviance, g.rows.size());
  if (const std::size_t zeros = g.rows.size() - g.informative_counts(); zeros > 0)
    o << formatted(" (%zu structural zero%s left out)", zeros, zeros == 1 ? "" : "s");
  if (g.degrees_of_freedom)
    o << formatted("; %.0f degrees of freedom, p = %.2g", *g.degrees_of_freedom, *g.p_value);
  else
    o << "; no more counts than fitted parameters, so the fit cannot be tested";
  o << "\n";
}

int reached_best(const CalibrationResult& c) {
  double best = -INFINITY;
  for (const auto& s : c.starts) best = std::max(best, s.log_likelihood);
  int n = 0;
  for (const auto& s : c.starts)
    if (std::isfinite(s.log_likelihood) && best - s.log_likelihood <= 1e-6 * std::max(1.0, std::fabs(best))) ++n;
  return n;
}

}  // namespace

json to_json(const CalibrationReport& r) {
  const CalibrationResult& c = *r.result;
  json params = json::array();
  for (const auto& p : c.parameters) {
    json ci = nullptr;
    if (p.ci95) ci = json::array({(*p.ci95)[0], (*p.ci95)[1]});
    params.push_back({{"name", p.parameter.name},
                      {"start", p.start},
                      {"fitted", p.fitted},
                      {"se", number_or_null(p.se)},
                      {"ci95", ci},
                      {"lower", p.lower},
                      {"upper", p.upper},
                      {"at_bound", p.at_bound}});
  }
  json starts = json::array();
  for (const auto& s : c.starts)
    starts.push_back({{"from", s.from},
                      {"log_likelihood", std::isfinite(s.log_likelihood) ? json(s.log_likelihood) : json(nullptr)},
                      {"evaluations", s.evaluations},
                      {"status", s.status}});
  json fit = fit_json(c.fit);
  json out{{"scenario", r.scenario},
           {"observed", r.observed},
           {"fitted_scenario", r.fitted_file},
           {"parameters", params},
           {"log_likelihood", c.fit.log_likelihood},
           {"deviance", c.fit.deviance},
           {"degrees_of_freedom", fit["degrees_of_freedom"]},
           {"p_value", fit["p_value"]},
           {"fit", fit["fit"]},
           {"holdout", nullptr},
           {"warnings", c.warnings},
           {"defection_rate", {{"start", c.defection_rate_start}, {"fitted", c.defection_rate_fitted}}},
           {"starts", starts},
           {"starts_at_best", reached_best(c)}};
  if (c.holdout) {
    json h = fit_json(*c.holdout);
    h["file"] = r.holdout;
    out["holdout"] = h;
  }
  return out;
}

std::string calibration_csv_header() {
  return "scenario,parameter,start,fitted,se,ci95_low,ci95_high,lower,upper,at_bound\n";
}

std::string format_calibration(const CalibrationReport& r, Format f) {
  if (f == Format::json) return to_json(r).dump(2) + "\n";
  if (f == Format::csv) {
    // The fitted numbers only, one row each: the fit's counts are a table of other rows (JSON).
    std::string out = calibration_csv_header();
    const auto cell = [](const std::optional<double>& x) { return x ? table_number(*x) : std::string(); };
    for (const auto& p : r.result->parameters)
      out += csv_escape(r.scenario) + ',' + csv_escape(p.parameter.name) + ',' + table_number(p.start) + ',' +
             table_number(p.fitted) + ',' + cell(p.se) + ',' +
             cell(p.ci95 ? std::optional((*p.ci95)[0]) : std::nullopt) + ',' +
             cell(p.ci95 ? std::optional((*p.ci95)[1]) : std::nullopt) + ',' + table_number(p.lower) + ',' +
             table_number(p.upper) + ',' + (p.at_bound ? "true" : "false") + '\n';
    return out;
  }
  const CalibrationResult& c = *r.result;
  std::ostringstream o;
  o << "calibration: " << r.scenario << " to " << r.observed << "\n\n";
  using Align = TextTable::Align;
  TextTable fitted({{"parameter", Align::left, 44},
                    {"start", Align::right, 10},
                    {"fitted", Align::right, 10},
                    {"se", Align::right, 10},
                    {" 95% interval", Align::left, 0}},
                   "  ");
  for (const auto& p : c.parameters) {
    std::string ci = "-";
    if (p.ci95) ci = formatted("[%.4g, %.4g]", (*p.ci95)[0], (*p.ci95)[1]);
    if (p.at_bound) ci = formatted("at a bound of [%g, %g]", p.lower, p.upper);
    fitted.add({p.parameter.name, formatted("%.4g", p.start), formatted("%.4g", p.fitted),
                p.se ? formatted("%.4g", *p.se) : "-", " " + ci});
  }
  o << fitted.str();
  o << formatted("\n  defection rate: %.3f%% with the scenario's values, %.3f%% fitted\n",
                 100.0 * c.defection_rate_start, 100.0 * c.defection_rate_fitted);
  o << "  " << c.starts.size() << " starts, " << reached_best(c) << " reached the best log-likelihood (within 1e-6)\n";
  o << "\ngoodness of fit (observed against expected):\n";
  fit_table(c.fit, o);
  if (c.holdout) {
    o << "\nholdout " << r.holdout << " (not used in the fit):\n";
    fit_table(*c.holdout, o);
  }
  if (!c.warnings.empty()) {
    o << "\nwarnings:\n";
    for (const auto& w : c.warnings) o << "  - " << w << '\n';
  }
  if (!r.fitted_file.empty()) o << "\nfitted scenario written to " << r.fitted_file << '\n';
  return o.str();
}

}  // namespace cxsim
