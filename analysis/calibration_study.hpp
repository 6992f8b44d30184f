#pragma once
// `cxsim calibrate` as a study, shared by the command and the Python module (Scenario.calibrate):
// typed request in, typed result out. Nothing is printed and no file is written; the result holds
// the text of FITTED.yaml, for the caller to write (write_checked_scenario) where it is asked to.
//
//  - Fit to observed counts (--observed, --fit): read_calibration_inputs checks the counts and
//    what is fitted before any work, then calibration_study fits by maximum likelihood.
//  - Fit to a known headline (--defection-rate): headline_study scales every sensitivity.
#include <tbb/task_group.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/calibration_report.hpp"
#include "io/diagnostics.hpp"
#include "io/observed_loader.hpp"
#include "io/output_file.hpp"
#include "io/scenario.hpp"
#include "sim/calibration.hpp"
#include "sim/headline_fit.hpp"

namespace cxsim {

struct CalibrationRequest {
  std::string scenario_file;     // the scenario as the user named it (FITTED.yaml's header says so)
  std::string observed;          // OBSERVED.yaml: the counts to fit to
  std::string holdout;           // more counts, not fitted, to check the fit against; empty: none
  std::vector<std::string> fit;  // what to fit: install.reliability, *.reliability, segment:*.silent_churn
  CalibrationSettings settings;  // starts, seed; `progress` is also told how many parameters are fitted
  std::uint64_t threads = 0;     // 0: every core
  bool accept_poor_fit = false;  // a fit far from the counts may be written all the same
  // How the caller's user asks for that, for the sentence that refuses a poor fit.
  std::string accept_poor_fit_option = "add --accept-poor-fit";
  tbb::task_group_context* cancel = nullptr;  // cancelling it stops the fit (Cancelled is thrown)
};

// What a fit reads, checked before any fitting: the counts, the parameters the patterns name.
struct CalibrationInputs {
  ObservedFile observed;
  std::optional<ObservedFile> holdout;
  std::vector<FitParameter> parameters;
  std::vector<std::string> files;    // the scenario's files and the counts': FITTED.yaml is none of them
  std::vector<Diagnostic> warnings;  // about the counts
};

// Throws InputError for counts that cannot be read (file, line, column), UsageError for a
// pattern that names nothing fittable and for a journey too large to fit.
CalibrationInputs read_calibration_inputs(const Scenario& scenario, const ScenarioModel& model,
                                          const CalibrationRequest& request);

struct CalibrationStudy {
  std::string scenario;  // its name (its file when it has none), for the report
  std::string observed, holdout;
  std::vector<std::string> files;  // as in CalibrationInputs
  CalibrationResult result;
  // Why nothing may be written: the fit never moved, or (unless accepted) it is too poor. The
  // report is still the reader's best guide to why.
  std::optional<std::string> refusal;
  std::string fitted_yaml;  // FITTED.yaml, with its header; empty when refused

  // The report of `cxsim calibrate` (it points into `result`); "" for no fitted file.
  CalibrationReport report(const std::string& fitted_file) const;
};

// The maximum likelihood fit. Throws UsageError when a parameter cannot be fitted (saying which
// and why).
CalibrationStudy calibration_study(const Scenario& scenario, const ScenarioModel& model,
                                   const CalibrationInputs& inputs, const CalibrationRequest& request);

// --defection-rate: one factor on every sensitivity of every segment meets a known headline.
struct HeadlineStudy {
  std::string scenario;  // its name
  double target = 0.0;
  HeadlineFit fit;
  std::vector<std::string> files;              // the scenario's: FITTED.yaml is none of them
  std::vector<std::string> unscaled_variants;  // variants that set sensitivities of their own
  std::string fitted_yaml;                     // FITTED.yaml, with its header

  // `cxsim calibrate --defection-rate R --format json`.
  nlohmann::ordered_json to_json(const std::string& fitted_file) const;
};

// UsageError unless `target` is a share in [0, 1] (`name` is how the caller's user spells it).
void check_headline_target(double target, const std::string& name);

// Throws std::domain_error (saying which rates can be reached) when no factor gives `target`.
HeadlineStudy headline_study(const Scenario& scenario, const ScenarioModel& model, const std::string& scenario_file,
                             double target);

// Every step of a fit is an exact solve: UsageError for a journey too large for the exact solver.
void refuse_if_too_large_to_fit(const Journey& journey);

// Writes a fitted scenario, which must load (anything else is a bug, and then nothing is
// written): checked in a private temporary folder first, then committed to `out`.
void write_checked_scenario(OutputFile& out, const std::string& yaml);

}  // namespace cxsim
