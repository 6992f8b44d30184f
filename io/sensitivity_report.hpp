#pragma once
// `cxsim sensitivity`: what to fix first, as a table, JSON (a contract, see docs/analysis.md)
// or CSV (one row per parameter).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/report.hpp"
#include "io/scenario.hpp"
#include "sim/sensitivity.hpp"

namespace cxsim {

struct SensitivityReport {
  std::string scenario, variant = "baseline";
  const Journey* journey = nullptr;
  const Population* population = nullptr;
  SensitivityResult result;
  std::optional<Economics> economics;
};

nlohmann::ordered_json to_json(const SensitivityReport& r);
std::string format_sensitivity(const SensitivityReport& r, Format f);

}  // namespace cxsim
