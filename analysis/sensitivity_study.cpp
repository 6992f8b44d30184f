#include "analysis/sensitivity_study.hpp"

#include "io/diagnostics.hpp"
#include "models/limits.hpp"

namespace cxsim {

SensitivityStudy sensitivity_study(std::shared_ptr<const ScenarioModel> model, const Scenario& scenario,
                                   const SensitivityRequest& request) {
  const double step = request.settings.step;
  if (!(step >= 1e-9 && step <= limits::max_sensitivity))
    throw UsageError("the step must be between 1e-9 and " + std::to_string(limits::max_sensitivity));
  SensitivityStudy study;
  study.model = std::move(model);
  SensitivityReport& report = study.report;
  report.scenario = scenario.name;
  report.variant = study.model->variant;
  report.journey = &study.model->journey;
  report.population = &study.model->population;
  report.economics = scenario.economics;
  report.result = with_threads(
      request.threads,
      [&](int) { return analyse_sensitivity(study.model->journey, study.model->population, request.settings); },
      request.cancel);
  for (const auto& p : report.result.parameters)
    if (p.error)
      study.warnings.push_back(std::string("the change of ") + p.attribute_name() +
                               " could not be solved: " + one_line(*p.error));
  return study;
}

}  // namespace cxsim
