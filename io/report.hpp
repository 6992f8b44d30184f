#pragma once
// The result of a run (Monte Carlo or exact) and its three output formats.
#include <cstdint>
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
  std::string scenario;            // the scenario's name
  std::string variant = "baseline";
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

  int threads = 1;
  double elapsed_seconds = 0.0;

  bool monte_carlo() const { return tally.has_value(); }
  // Wilson 95% interval of an outcome share (Monte Carlo only).
  Interval interval(std::uint64_t successes) const;
};

enum class Format { table, json, csv };

nlohmann::ordered_json to_json(const Report& r);
std::string format_report(const Report& r, Format f);

}  // namespace cxsim
