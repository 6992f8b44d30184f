#pragma once
// `cxsim validate`: the Monte Carlo engine against the exact solver, figure by figure, as a
// table, JSON or tidy CSV (one row per figure, the scenario and variant in each).
#include <cstdint>
#include <string>

#include "io/report.hpp"
#include "sim/engine_agreement.hpp"

namespace cxsim {

struct Validation {
  std::string scenario, variant;
  std::uint64_t customers = 0, seed = 0;
  double z_limit = 5.0;  // the engines agree when no |z| is above it
  Agreement agreement;
  bool agrees() const { return agreement.agrees(z_limit); }
};

std::string format_validation(const Validation& v, Format format);

}  // namespace cxsim
