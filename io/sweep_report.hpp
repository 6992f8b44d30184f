#pragma once
// `cxsim sweep`: one row per point of a response curve, as a table, CSV or JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/report.hpp"
#include "sim/sweep.hpp"

namespace cxsim {

struct SweepReport {
  std::string scenario, variant = "baseline";
  const Journey* journey = nullptr;
  const Population* population = nullptr;
  ParameterRef number;
  double current = 0.0;  // the scenario's own value
  std::vector<SweepPoint> points;
  std::uint64_t seed = 0;  // Monte Carlo only
};

nlohmann::ordered_json to_json(const SweepReport& r);
std::string format_sweep(const SweepReport& r, Format f);

}  // namespace cxsim
