#pragma once
// `cxsim calibrate`: the fitted parameters with their intervals, the goodness of fit, and the
// holdout, as a table or JSON (a contract, see docs/calibration.md).
#include <string>

#include <nlohmann/json.hpp>

#include "io/report.hpp"
#include "sim/calibration.hpp"

namespace cxsim {

struct CalibrationReport {
  std::string scenario, observed, holdout;  // names and files, for the reader
  std::string fitted_file;                  // where FITTED.yaml was written
  const CalibrationResult* result = nullptr;
};

nlohmann::ordered_json to_json(const CalibrationReport& r);
// Table, JSON, or CSV: the fitted numbers, one row each, with the columns of
// calibration_csv_header (the goodness of fit is in the table and the JSON).
std::string format_calibration(const CalibrationReport& r, Format f);
std::string calibration_csv_header();

}  // namespace cxsim
