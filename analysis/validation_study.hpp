#pragma once
// `cxsim validate` as a study: the scenario walked by the Monte Carlo engine and solved exactly,
// every figure compared in standard errors (sim/engine_agreement.hpp). Shared by the command and
// Python's Scenario.validate.
#include "analysis/walk_request.hpp"
#include "io/scenario.hpp"
#include "io/validation_report.hpp"

namespace cxsim {

// Fewer customers give standard errors too rough to judge agreement by.
inline constexpr std::uint64_t validation_min_customers = 1000;

// Throws UsageError for a journey too large for the exact solver or fewer customers than
// validation_min_customers; SolverError when the journey cannot be solved.
Validation validation_study(const Scenario& scenario, const ScenarioModel& model, const WalkRequest& walk);

}  // namespace cxsim
