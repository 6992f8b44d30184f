#pragma once
// `cxsim sweep`: one row per point of one or more response curves, as a table, CSV or JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/report.hpp"
#include "sim/sweep.hpp"

namespace cxsim {

struct SweepCurve {
  ParameterRef number;
  double current = 0.0;  // the scenario's own value
  std::vector<SweepPoint> points;
};

struct SweepReport {
  std::string scenario, variant = "baseline";
  const Journey* journey = nullptr;
  const Population* population = nullptr;
  std::vector<SweepCurve> curves;
  std::uint64_t seed = 0;  // Monte Carlo only
  bool monte_carlo() const {
    return !curves.empty() && !curves.front().points.empty() && curves.front().points.front().monte_carlo;
  }
};

nlohmann::ordered_json to_json(const SweepReport& r);
std::string format_sweep(const SweepReport& r, Format f);

}  // namespace cxsim
