#pragma once
// What to fix first (`cxsim sensitivity`, Python's Scenario.sensitivity): the exact derivative of
// the defection rate for every attribute and segment parameter, and the candidates re-solved with
// a step and at their best. Typed request in, typed result out: no options to parse, no files, no
// printing. The result owns the model its report points into.
#include <memory>
#include <string>
#include <vector>

#include "analysis/threads.hpp"
#include "io/scenario.hpp"
#include "io/sensitivity_report.hpp"
#include "sim/sensitivity.hpp"

namespace cxsim {

struct SensitivityRequest {
  SensitivitySettings settings;
  std::uint64_t threads = 0;  // 0: every core
  tbb::task_group_context* cancel = nullptr;
};

struct SensitivityStudy {
  std::shared_ptr<const ScenarioModel> model;
  SensitivityReport report;           // points into *model
  std::vector<std::string> warnings;  // a change that could not be solved, one sentence each
};

// Throws UsageError for a step the model cannot take (below 1e-9: values are kept on a 1e-12
// grid, so a smaller step would change nothing; above the largest sensitivity).
SensitivityStudy sensitivity_study(std::shared_ptr<const ScenarioModel> model, const Scenario& scenario,
                                   const SensitivityRequest& request);

}  // namespace cxsim
