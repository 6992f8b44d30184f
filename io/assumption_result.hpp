#pragma once
// What `compare --assumptions` reports (io/assumptions.hpp computes it): kept apart so that the
// comparison's result can hold it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxsim {

// The mean and the 5% and 95% quantiles over the draws.
struct DrawSummary {
  double mean = 0.0, p5 = 0.0, p95 = 0.0;
};

struct RedesignUnderAssumptions {
  std::string name;
  DrawSummary defection_change, value_kept, net_benefit;  // per year
  std::optional<DrawSummary> npv;                         // with a horizon
  double p_pays = 0.0;                                    // P(net benefit > 0); with a horizon P(NPV > 0)
  double p_best = 0.0;                                    // P(the best choice among the redesigns and doing nothing)
  std::string verdict;  // "pays" (p >= 0.95), "does not pay" (p <= 0.05), else "uncertain under your assumptions"
};

// One bar of the tornado: the net benefit of the chosen redesign with one input (or a group,
// together) at its low and at its high, every other number at the scenario's own value.
struct TornadoBar {
  std::string input;                 // the input's name, or the group's
  std::vector<std::string> members;  // a group's inputs
  std::optional<double> low, high;   // an input's range (none for a group)
  double net_benefit_at_low = 0.0, net_benefit_at_high = 0.0;
  std::optional<double> npv_at_low = std::nullopt, npv_at_high = std::nullopt;
};

struct AssumptionResult {
  std::uint64_t draws = 0, seed = 0;
  std::vector<std::string> inputs;
  std::string decided_by;                           // "net_benefit_per_year" or "npv"
  std::vector<RedesignUnderAssumptions> redesigns;  // in the order of the comparison's variants
  double p_best_nothing = 0.0;                      // P(doing nothing is best)
  // E[max over the choices] - max over the choices of E, of the net benefit per year (and of
  // the NPV with a horizon).
  double evpi_per_year = 0.0;
  std::optional<double> evpi_npv;
  std::optional<std::size_t> tornado_for;  // index into redesigns: the highest mean
  std::vector<TornadoBar> tornado;         // sorted by swing, largest first
};

// Per redesign, {"net_benefit_per_year", "defection_change", "value_kept_per_year", "npv",
// "p_pays", "p_best", "verdict", "interval_covers"}.
nlohmann::ordered_json to_json(const RedesignUnderAssumptions& r);
// The top-level block: {"draws", "seed", "inputs", "decided_by", "p_best_nothing",
// "evpi_per_year", "evpi_npv", "tornado_for", "tornado": [...], "interval_covers"}.
nlohmann::ordered_json to_json(const AssumptionResult& r);
// The table's section, money in `currency`.
std::string format_assumptions(const AssumptionResult& r, const std::string& currency);

}  // namespace cxsim
