#include "io/report_context.hpp"

#include <cmath>
#include <filesystem>

namespace cxsim {

namespace {

using json = nlohmann::ordered_json;

json optional_number(const std::optional<double>& x) {
  return x ? json(*x) : json(nullptr);
}

}  // namespace

json report_context(const Scenario& scenario, const ScenarioModel& model,
                    const std::vector<const VariantSource*>& redesigns, const std::optional<Economics>& economics) {
  json j;
  j["description"] = scenario.description;
  json rs = json::array();
  for (const VariantSource* v : redesigns)
    rs.push_back({{"name", v->name},
                  {"description", v->description},
                  {"cost_per_year", optional_number(v->cost_per_year)},
                  {"one_off_cost", optional_number(v->one_off_cost)}});
  j["redesigns"] = rs;
  json segs = json::array();
  for (const Segment& s : model.population.segments()) {
    const auto odds = [](double hazard, double unit) { return -std::expm1(-hazard * unit); };
    segs.push_back({{"name", s.name},
                    {"share", s.share},
                    {"value_expectation", s.value_expectation},
                    {"walk_away",
                     {{"failed", odds(s.reliability_sensitivity, 1.0)},
                      {"repeated", odds(s.relevance_sensitivity, 1.0)},
                      {"value_gap", odds(s.value_sensitivity, 0.1)},
                      {"effort_hour", odds(s.effort_sensitivity, 1.0)}}},
                    {"silent_churn", s.silent_churn},
                    {"heterogeneity", s.heterogeneity}});
  }
  j["segments"] = segs;
  j["default_segments"] = scenario.default_segments;
  if (economics)
    j["economics"] = {{"customers_per_year", economics->customers_per_year},
                      {"value_per_customer", economics->value_per_customer},
                      {"currency", economics->currency},
                      {"horizon_years", economics->horizon_years ? json(*economics->horizon_years) : json(nullptr)},
                      {"discount_rate", economics->discount_rate}};
  else
    j["economics"] = nullptr;
  return j;
}

std::string shell_quote(const std::string& a) {
  if (!a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") ==
                        std::string::npos)
    return a;
  std::string q = "'";
  for (const char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string relative_to_output(const std::string& path, const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path folder = fs::absolute(fs::path(out), ec).parent_path();
  if (ec) return fs::path(path).filename().generic_string();
  const fs::path canonical_folder = fs::weakly_canonical(folder, ec);
  if (!ec) folder = canonical_folder;
  fs::path target = fs::absolute(fs::path(path), ec);
  if (ec) return fs::path(path).filename().generic_string();
  const fs::path canonical_target = fs::weakly_canonical(target, ec);
  if (!ec) target = canonical_target;
  const fs::path rel = target.lexically_relative(folder);
  return rel.empty() ? fs::path(path).filename().generic_string() : rel.generic_string();
}

std::string reproduce_command(const ReproduceRequest& r) {
  std::string c = "cxsim report " + shell_quote(relative_to_output(r.scenario, r.out));
  if (r.segment) c += " --segment " + shell_quote(*r.segment);
  for (const auto& v : r.variants) c += " --variant " + shell_quote(v);
  c += " --seed " + std::to_string(r.seed) + " --customers " + std::to_string(r.customers);
  c += " --out " + shell_quote(std::filesystem::path(r.out).filename().generic_string());
  return c;
}

std::string reproduce_portfolio_command(const std::vector<std::string>& scenarios, const std::string& out,
                                        const std::optional<std::uint64_t>& seed,
                                        const std::optional<std::uint64_t>& customers) {
  std::string c = "cxsim report";
  for (const auto& s : scenarios) c += " " + shell_quote(relative_to_output(s, out));
  if (seed) c += " --seed " + std::to_string(*seed);
  if (customers) c += " --customers " + std::to_string(*customers);
  return c + " --out " + shell_quote(std::filesystem::path(out).filename().generic_string());
}

}  // namespace cxsim
