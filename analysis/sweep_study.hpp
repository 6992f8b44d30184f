#pragma once
// Response curves (`cxsim sweep`, the scenario's `sweeps` in the report): one number of the journey
// moved through a range of values, the exact figures (and, when asked, Monte Carlo estimates) at
// each. Typed request in, typed result out: no options to parse, no files, no printing.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/threads.hpp"
#include "io/scenario.hpp"
#include "io/sweep_report.hpp"
#include "sim/sweep.hpp"

namespace cxsim {

// The number named by touchpoint (or segment) and attribute, in the model; UsageError, with the
// closest name, if there is none.
ParameterRef number_named(const std::string& touchpoint, const std::string& segment, const std::string& attribute,
                          const ScenarioModel& model);

// A curve to draw: the number and its values.
struct CurveRequest {
  ParameterRef number;
  std::vector<double> values;
};

// Every curve of the scenario's `sweeps`, in the model (UsageError as number_named).
std::vector<CurveRequest> scenario_curves(const Scenario& scenario, const ScenarioModel& model);

// The curves on the threads the caller runs on (the report's own).
SweepReport sweep_curves(const std::string& scenario, const ScenarioModel& model,
                         const std::vector<CurveRequest>& curves, const SweepSettings& settings);

struct SweepRequest {
  std::vector<CurveRequest> curves;
  std::optional<MonteCarloSettings> monte_carlo;  // estimates beside the exact figures
  std::uint64_t threads = 0;                      // 0: every core
  tbb::task_group_context* cancel = nullptr;
};

struct SweepStudy {
  std::shared_ptr<const ScenarioModel> model;
  SweepReport report;                 // points into *model
  std::vector<std::string> warnings;  // one sentence each
  int exact_failures = 0;             // points the exact solver could not solve (each has a warning)
};

SweepStudy sweep_study(std::shared_ptr<const ScenarioModel> model, const Scenario& scenario,
                       const SweepRequest& request);

}  // namespace cxsim
