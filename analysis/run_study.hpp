#pragma once
// One arm of a scenario studied on its own: a Monte Carlo run (`cxsim run`) or the exact
// solution (`cxsim exact`). Typed request in, typed result out: no options to parse, no files,
// no printing. The result owns the model its report points into, so it can outlive the scenario.
#include <atomic>
#include <memory>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "analysis/walk_request.hpp"
#include "io/report.hpp"
#include "io/scenario.hpp"
#include "sim/exact_solver.hpp"
#include "sim/monte_carlo.hpp"

namespace cxsim {

struct StudyResult {
  std::shared_ptr<const ScenarioModel> model;
  Report report;                      // points into *model
  std::vector<std::string> warnings;  // for the user, one sentence each
};

struct RunRequest {
  WalkRequest walk;
  ProcessShare processes;                          // MPI ranks walking together; alone by default
  std::atomic<std::uint64_t>* progress = nullptr;  // customers walked so far, for a progress bar
};

// A Monte Carlo run of `model` (scenario named `scenario`, with these defaults).
StudyResult run_study(std::shared_ptr<const ScenarioModel> model, const std::string& scenario,
                      const SimulationDefaults& defaults, const RunRequest& request);

// The exact solution of `model`.
StudyResult exact_study(std::shared_ptr<const ScenarioModel> model, const std::string& scenario,
                        tbb::task_group_context* cancel = nullptr);

// The warning a journey too large for the exact solver gets before it is solved; none when it fits.
std::optional<std::string> exact_size_warning(const Journey& journey);
// UsageError for a journey too large for the exact solver, saying what `command` needs it for.
void require_exact_size(const Journey& journey, const std::string& what_for);

// More than 0.1% of customers hitting max_steps biases the defection rate low: the warning that
// says so, with the exact figure (which has no step limit) beside it.
std::optional<std::string> unfinished_warning(const Tally& tally, std::uint64_t max_steps, const ScenarioModel& model);

// The report of a Monte Carlo run and of an exact solution of `model`.
Report monte_carlo_report(const std::string& scenario, const ScenarioModel& model, const MonteCarloRun& run,
                          const WalkSettings& walk, int threads, double seconds);
Report exact_report(const std::string& scenario, const ScenarioModel& model, const ExactSolution& solution);

// Wall-clock seconds since `t0`, as a study's elapsed_seconds.
double seconds_since(std::chrono::steady_clock::time_point t0);

}  // namespace cxsim
