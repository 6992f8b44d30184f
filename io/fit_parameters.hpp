#pragma once
// The numbers `calibrate --fit` names: `install.reliability`, `*.reliability` (every touchpoint
// where it can be fitted), `segment:switchers.sensitivity.value`, `segment:*.silent_churn`.
#include <string>
#include <vector>

#include "sim/calibration.hpp"

namespace cxsim {

// Resolves the patterns against the journey, in order, without duplicates. Throws UsageError
// for an unknown touchpoint, segment or attribute, an ending, recovery where the touchpoint is
// no recovery point, reliability where a failure (or success) would have no transition, and a
// pattern that matches nothing.
std::vector<FitParameter> resolve_fit_parameters(const std::vector<std::string>& patterns, const Journey& journey,
                                                 const Population& population);

}  // namespace cxsim
