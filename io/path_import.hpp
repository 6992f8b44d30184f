#pragma once
// `cxsim import-paths`: a starting scenario from observed customer paths. PATHS.csv has one row
// per visit, `customer,step,touchpoint,ending` and optionally `segment` and `failed`; rows are
// read as a stream (millions of rows take memory for the touchpoints and counts only).
// The imported journey reproduces the observed visits and endings exactly: every transition has
// its maximum-likelihood probability, and customers who left are routed to `defected` endings;
// or, left to friction, abandonment and silent churn are for `calibrate` to fit.
// See docs/observed-data.md.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/diagnostics.hpp"

namespace cxsim {

struct PathImportSettings {
  // Segment routes seen fewer times than this (per touchpoint and transition set) use the
  // general route of the touchpoint instead.
  std::uint64_t min_count = 30;
  // Abandonment and silent churn left to friction, for `calibrate`: the transitions count the
  // customers who went on, churned paths end at the retained ending, and the observed counts
  // (OBSERVED.yaml and its touchpoint table) are written too.
  bool left_to_friction = false;
};

struct ImportedPaths {
  std::string scenario_yaml, touchpoints_csv, transitions_csv;
  std::string observed_yaml, observed_csv;  // with left_to_friction only
  std::uint64_t customers = 0, visits = 0;
  std::array<std::uint64_t, 4> endings{};  // customers who ended retained, churned, abandoned, defected
  std::size_t touchpoints = 0, segments = 0, transitions = 0;
  std::vector<std::string> fallbacks;  // "segment S at touchpoint T (after a failed visit): n times"
};

// Problems with the file go to `diagnostics` (file:line, and the column named); the result is
// only meaningful when there are none.
ImportedPaths import_paths(const std::string& path, const PathImportSettings& settings, Diagnostics& diagnostics);

}  // namespace cxsim
