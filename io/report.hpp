#pragma once
// The result of a run (Monte Carlo or exact) and its three output formats.
#include <array>
#include <cstdint>
#include <vector>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/figures.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"
#include "sim/statistics.hpp"
#include "sim/tally.hpp"

namespace cxsim {

struct Report {
  std::string scenario;  // the scenario's name
  std::string variant = "baseline";
  std::string segment;  // a persona view: the figures of this segment's customers alone ("" for all)
  double segment_share = 1.0;
  std::string method = "monte_carlo";  // or "exact"
  const Journey* journey = nullptr;
  const Population* population = nullptr;
  Figures figures;

  // Monte Carlo only.
  std::optional<Tally> tally;
  std::uint64_t seed = 0;
  std::uint64_t max_steps = 0;
  std::optional<double> precision_target;
  bool precision_reached = false;

  // Exact only.
  bool quadrature = false;
  int quadrature_nodes = 0;
  std::string quadrature_rule;
  double quadrature_change = 0.0;  // largest change of a figure at the last node doubling
  double residual = 0.0;

  int threads = 1;    // worker threads (of each process)
  int processes = 1;  // MPI processes that walked the customers together
  double elapsed_seconds = 0.0;
  // Set when too many customers ended unfinished for the defection rate to be trusted.
  std::optional<std::string> unfinished_warning;

  bool monte_carlo() const { return tally.has_value(); }
  // Wilson 95% interval of an outcome share (Monte Carlo only).
  Interval interval(std::uint64_t successes) const;
};

enum class Format { table, json, csv };

// Defections of a group of touchpoints (a stage, a channel), per customer.
struct LossGroup {
  std::string name;
  double defections = 0, abandoned = 0, routed = 0, silent = 0;
  std::array<double, cause_count> by_cause{};
  std::size_t touchpoints = 0;
};
// Non-terminal touchpoints grouped by `key` (e.g. &Touchpoint::stage), in journey order (the group
// of the touchpoint customers meet first comes first).
std::vector<LossGroup> rollup(const Report& r, std::string Touchpoint::*key);

nlohmann::ordered_json to_json(const Report& r);
std::string format_report(const Report& r, Format f);

}  // namespace cxsim
