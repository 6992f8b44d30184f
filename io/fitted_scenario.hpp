#pragma once
// FITTED.yaml: the scenario with the values `calibrate` fitted written in. It is self-contained
// (the touchpoint and transition tables inline), so `check`, `run` and every other command read
// it like any scenario; everything else (segments, variants, economics, sweeps) is carried over.
#include <string>

#include "io/scenario.hpp"
#include "sim/calibration.hpp"

namespace cxsim {

// The YAML text; `header` is written first as a comment block (one "# " line per line).
// Throws InputError if the scenario file can no longer be read.
std::string fitted_scenario_yaml(const Scenario& scenario, const CalibrationResult& result, const std::string& header);

// The same for any journey and population of the scenario's own touchpoints and segments;
// `segments_changed` writes the segments even where the scenario has none (its default one).
std::string scenario_yaml_with(const Scenario& scenario, const Journey& journey, const Population& population,
                               bool segments_changed, const std::string& header);

}  // namespace cxsim
