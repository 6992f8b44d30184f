#pragma once
// What `cxsim report` shows beside the figures: the redesigns as the scenario describes them
// (description, costs), the segments and economics the figures rest on, and a reproduce line
// that names files relative to the page and the program as `cxsim` (no paths of the author's
// machine).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/scenario.hpp"

namespace cxsim {

// {"description", "redesigns": [{name, description, cost_per_year, one_off_cost}],
//  "segments": [{name, share, value_expectation, walk_away: {failed, repeated, value_gap,
//  effort_hour}, silent_churn, heterogeneity}], "economics": {...} or null}. Walk-away odds are
// probabilities for a customer of average multiplier (1 - e^-hazard per unit of each friction:
// a failed visit, one repeat, a value gap of 0.1, an hour of effort).
nlohmann::ordered_json report_context(const Scenario& scenario, const ScenarioModel& model,
                                      const std::vector<const VariantSource*>& redesigns,
                                      const std::optional<Economics>& economics);

// `path` as seen from the folder the report `out` is written to ("scenario.yaml",
// "../scenarios/broadband/scenario.yaml"), with '/' separators.
std::string relative_to_output(const std::string& path, const std::string& out);

// One word as a shell reads it back: as is when it holds nothing a shell treats specially, else
// single-quoted.
std::string shell_quote(const std::string& a);

struct ReproduceRequest {
  std::string scenario, out;  // as given on the command line
  std::uint64_t seed = 0, customers = 0;
  std::optional<std::string> segment = std::nullopt;
  std::vector<std::string> variants = {};  // as given (empty: every variant)
};
// The command that makes the same page again, run from the folder the page is in:
// `cxsim report scenario.yaml --seed 7 --customers 40000 --out report.html`.
std::string reproduce_command(const ReproduceRequest& r);

// The command that makes the same portfolio page again, from its folder: every scenario relative
// to the page, and --seed / --customers only when they were given (else each scenario's own).
std::string reproduce_portfolio_command(const std::vector<std::string>& scenarios, const std::string& out,
                                        const std::optional<std::uint64_t>& seed,
                                        const std::optional<std::uint64_t>& customers);

}  // namespace cxsim
