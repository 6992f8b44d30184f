#include "analysis/calibration_study.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "analysis/threads.hpp"
#include "io/file_digest.hpp"
#include "io/fit_parameters.hpp"
#include "io/fitted_scenario.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/staging_folder.hpp"
#include "io/text_table.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

std::string fitted_header(const CalibrationRequest& request, const Scenario& scenario,
                          const std::vector<std::string>& observed_inputs, const CalibrationResult& r) {
  std::ostringstream h;
  h << "Fitted by cxsim calibrate " CXSIM_VERSION " on " << utc_now() << ".\n";
  h << "Scenario: " << one_line(request.scenario_file) << " (SHA-256 " << sha256_of_files(scenario.inputs) << ")\n";
  h << "Observed counts: " << one_line(request.observed) << " (SHA-256 " << sha256_of_files(observed_inputs) << ")\n";
  h << "\nFitted by maximum likelihood (" << r.starts.size()
    << " starts; 95% intervals from the observed information):\n";
  for (const auto& p : r.parameters) {
    h << "  " << one_line(p.parameter.name) << ": " << shortest_text(p.start) << " -> " << shortest_text(p.fitted);
    if (p.ci95)
      h << "  (se " << shortest_text(*p.se) << ", 95% [" << shortest_text((*p.ci95)[0]) << ", "
        << shortest_text((*p.ci95)[1]) << "])";
    if (p.at_bound) h << "  (at a bound of its range)";
    h << "\n";
  }
  h << formatted("Log-likelihood %.10g, deviance %.6g over %zu counts", r.fit.log_likelihood, r.fit.deviance,
                 r.fit.rows.size());
  if (r.fit.degrees_of_freedom)
    h << formatted(" (%.0f degrees of freedom, p = %.2g)", *r.fit.degrees_of_freedom, *r.fit.p_value);
  h << formatted(". Defection rate %.4f%% (was %.4f%%).\n", 100.0 * r.defection_rate_fitted,
                 100.0 * r.defection_rate_start);
  for (const auto& w : r.warnings) h << "Warning: " << one_line(w) << "\n";
  h << "\nEverything else is as in the scenario, whose comments are not carried over; the touchpoint\n"
       "and transition tables are written inline so this file stands alone.\n";
  return h.str();
}

}  // namespace

void refuse_if_too_large_to_fit(const Journey& journey) {
  if (journey.size() > limits::exact_solver_touchpoints)
    throw UsageError(
        "calibrate solves the journey exactly dozens of times, and the exact solver is for journeys of up to " +
        std::to_string(limits::exact_solver_touchpoints) + " touchpoints; this one has " +
        std::to_string(journey.size()));
}

// The check runs in a private folder (mkdtemp) of the temporary folder: a predictable name there
// would let another user plant a symlink that this process then writes through.
void write_checked_scenario(OutputFile& out, const std::string& yaml) {
  std::optional<StagingFolder> scratch;
  try {
    scratch.emplace(std::filesystem::temp_directory_path().string(), "fitted");
  } catch (const std::exception&) {
    // no usable temporary folder: the check is a safeguard, not a requirement
  }
  if (scratch) {
    const CheckedScenario check = check_scenario(scratch->write("fitted.yaml", yaml));
    if (check.diagnostics.has_errors()) {
      std::string problems;
      for (const auto& d : check.diagnostics.sorted()) problems += "\n" + d.to_string();
      throw std::runtime_error("the fitted scenario does not load; please report this with the scenario" + problems);
    }
  }
  out.stream() << yaml;
  out.commit();
}

CalibrationInputs read_calibration_inputs(const Scenario& scenario, const ScenarioModel& model,
                                          const CalibrationRequest& request) {
  if (request.observed.empty() || request.fit.empty())
    throw UsageError("calibrate needs --observed OBSERVED.yaml and --fit PARAMETER (or --defection-rate RATE)");
  if (request.threads > max_threads) throw UsageError("threads must be at most " + std::to_string(max_threads));
  refuse_if_too_large_to_fit(model.journey);
  CalibrationInputs in;
  Diagnostics diag;
  in.observed = load_observed(request.observed, model.journey, model.population, diag);
  if (!request.holdout.empty()) in.holdout = load_observed(request.holdout, model.journey, model.population, diag);
  if (diag.has_errors()) throw InputError(diag.sorted());
  in.warnings = diag.sorted();
  in.files = scenario.inputs;
  in.files.insert(in.files.end(), in.observed.inputs.begin(), in.observed.inputs.end());
  if (in.holdout) in.files.insert(in.files.end(), in.holdout->inputs.begin(), in.holdout->inputs.end());
  in.parameters = resolve_fit_parameters(request.fit, model.journey, model.population);
  return in;
}

CalibrationReport CalibrationStudy::report(const std::string& fitted_file) const {
  return CalibrationReport{scenario, observed, holdout, fitted_file, &result};
}

CalibrationStudy calibration_study(const Scenario& scenario, const ScenarioModel& model,
                                   const CalibrationInputs& inputs, const CalibrationRequest& request) {
  CalibrationStudy study;
  study.scenario = scenario.name.empty() ? request.scenario_file : scenario.name;
  study.observed = request.observed;
  study.holdout = request.holdout;
  study.files = inputs.files;
  const auto& parameters = inputs.parameters;
  if (request.settings.progress)
    request.settings.progress("fitting " + std::to_string(parameters.size()) + " parameter" +
                              (parameters.size() == 1 ? "" : "s"));
  study.result = with_threads(
      request.threads,
      [&](int) {
        try {
          return calibrate(model.journey, model.population, parameters, inputs.observed.data,
                           inputs.holdout ? &inputs.holdout->data : nullptr, request.settings);
        } catch (const std::invalid_argument& e) {
          throw UsageError(e.what());
        }
      },
      request.cancel);
  // Starting values are not a fit, and a model far from the counts is no calibration.
  const CalibrationResult& r = study.result;
  if (r.unmoved)
    study.refusal =
        "the fit never moved from its starting point (every step made the likelihood worse or could not be solved), "
        "so there are no fitted values to write";
  else if (r.fit.p_value && *r.fit.p_value < poor_fit_p &&
           r.fit.deviance > poor_fit_ratio * *r.fit.degrees_of_freedom && !request.accept_poor_fit)
    study.refusal = formatted(
                        "the model cannot fit the counts: deviance %.6g is more than %.0f times its %.0f degrees of "
                        "freedom (p = %.2g); change the journey or what is fitted (the largest Pearson residuals show "
                        "where), or ",
                        r.fit.deviance, poor_fit_ratio, *r.fit.degrees_of_freedom, *r.fit.p_value) +
                    request.accept_poor_fit_option + " to write it anyway";
  if (!study.refusal)
    study.fitted_yaml = fitted_scenario_yaml(scenario, r, fitted_header(request, scenario, inputs.observed.inputs, r));
  return study;
}

void check_headline_target(double target, const std::string& name) {
  if (!(target >= 0.0 && target <= 1.0))
    throw UsageError(
        name + " must be a share in [0, 1] (30% is 0.3)" +
        std::string(target > 1.0 && target <= 100.0 ? "; did you mean " + shortest_text(target / 100.0) + "?" : ""));
}

HeadlineStudy headline_study(const Scenario& scenario, const ScenarioModel& model, const std::string& scenario_file,
                             double target) {
  refuse_if_too_large_to_fit(model.journey);
  HeadlineStudy study;
  study.scenario = scenario.name;
  study.target = target;
  study.files = scenario.inputs;
  study.fit = fit_headline(model.journey, model.population, target);
  const HeadlineFit& fit = study.fit;
  std::ostringstream h;
  h << "Fitted by cxsim calibrate " CXSIM_VERSION " --defection-rate " << shortest_text(target) << " on " << utc_now()
    << ".\nScenario: " << one_line(scenario_file) << " (SHA-256 " << sha256_of_files(scenario.inputs) << ")\n"
    << "Every sensitivity of every segment (reliability, relevance, value, effort) multiplied by "
    << formatted("%.6g", fit.factor)
    << formatted(": the exact defection rate goes from %.4f%% to %.4f%%.\n", 100.0 * fit.defection_rate_before,
                 100.0 * fit.defection_rate_after)
    << "Walk-away odds are written as the hazards they became. Everything else is as in the scenario,\n"
       "whose comments are not carried over; the tables are written inline so this file stands alone.\n";
  study.fitted_yaml = scenario_yaml_with(scenario, model.journey, fit.population, true, h.str());
  // Variant patches that set sensitivities keep their own numbers.
  for (const auto& v : scenario.variants)
    for (const auto& s : v.segments)
      for (std::size_t i = 0; i < sensitivity_keys.size(); ++i)
        if (s.given.test(sensitivity_bit(i))) {
          study.unscaled_variants.push_back(v.name);
          i = sensitivity_keys.size();
        }
  return study;
}

nlohmann::ordered_json HeadlineStudy::to_json(const std::string& fitted_file) const {
  nlohmann::ordered_json j;
  j["scenario"] = scenario;
  j["target_defection_rate"] = target;
  j["factor"] = fit.factor;
  j["defection_rate_before"] = fit.defection_rate_before;
  j["defection_rate_after"] = fit.defection_rate_after;
  j["reachable"] = {fit.lowest, fit.highest};
  j["exact_solves"] = fit.solves;
  j["fitted_file"] = fitted_file;
  return j;
}

}  // namespace cxsim
