#pragma once
// OBSERVED.yaml: the counts `cxsim calibrate` fits a journey to (a contract, docs/calibration.md).
//
//   customers: 250000                    # customers who entered the journey (required)
//   outcomes: {retained: 161000, abandoned: 47000, routed_defection: 17000, silent_churn: 25000}
//   touchpoints: observed_touchpoints.csv  # touchpoint,visits,failures,repeats,abandoned
//   segments:
//     - {name: switchers, customers: 150000, outcomes: {...}, touchpoints: switchers.csv}
//
// Every count is optional except `customers`. When segments have counts of their own, the
// top-level counts enter the likelihood only for the customers of the other segments (the
// top-level count less the segments' own), so no customer is counted twice.
#include <string>
#include <vector>

#include "io/diagnostics.hpp"
#include "sim/calibration.hpp"

namespace cxsim {

// Reads and checks `path` against the journey and population it will be fitted to; problems go
// to `diagnostics` with their file, line and column, and then the result must not be used.
struct ObservedFile {
  ObservedData data;
  std::vector<std::string> inputs;  // the YAML file and the CSV tables it names
};
ObservedFile load_observed(const std::string& path, const Journey& journey, const Population& population,
                           Diagnostics& diagnostics);

}  // namespace cxsim
