#include "analysis/run_study.hpp"

#include <tbb/info.h>

#include <chrono>
#include <cstdio>

#include "analysis/threads.hpp"
#include "io/diagnostics.hpp"
#include "io/number.hpp"
#include "models/limits.hpp"

namespace cxsim {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

namespace {

std::string percent(double share) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f%%", 100.0 * share);
  return buf;
}

}  // namespace

std::optional<std::string> exact_size_warning(const Journey& j) {
  if (j.size() <= limits::exact_solver_touchpoints) return std::nullopt;
  return "the exact solver is meant for journeys of up to " + std::to_string(limits::exact_solver_touchpoints) +
         " touchpoints; this one has " + std::to_string(j.size()) + ", so it may take minutes and gigabytes";
}

void require_exact_size(const Journey& j, const std::string& what_for) {
  if (j.size() > limits::exact_solver_touchpoints)
    throw UsageError(what_for + ", which is for journeys of up to " + std::to_string(limits::exact_solver_touchpoints) +
                     " touchpoints; this one has " + std::to_string(j.size()));
}

std::optional<std::string> unfinished_warning(const Tally& tally, std::uint64_t max_steps, const ScenarioModel& model) {
  const std::uint64_t unfinished = tally.endings[static_cast<int>(Ending::unfinished)];
  if (tally.customers == 0 || unfinished * 1000 <= tally.customers) return std::nullopt;
  std::string exact;
  try {
    const ExactSolution x = solve_exact(model.journey, model.population);
    exact = "the exact defection rate, which has no step limit, is " + percent(x.figures.defection_rate());
  } catch (const SolverError& e) {
    exact = std::string("the exact solver could not give the unbiased rate: ") + e.what();
  }
  char text[512];
  std::snprintf(text, sizeof text,
                "%llu customers (%.3f%%) were still walking after %llu visits (max_steps) and count as "
                "unfinished, not as defections, so the defection rate is biased low; ",
                static_cast<unsigned long long>(unfinished),
                100.0 * static_cast<double>(unfinished) / static_cast<double>(tally.customers),
                static_cast<unsigned long long>(max_steps));
  return std::string(text) + exact;
}

Report monte_carlo_report(const std::string& scenario, const ScenarioModel& model, const MonteCarloRun& run,
                          const WalkSettings& walk, int threads, double seconds) {
  Report r;
  r.scenario = scenario;
  r.variant = model.variant;
  r.segment = model.segment;
  r.segment_share = model.segment_share;
  r.journey = &model.journey;
  r.population = &model.population;
  r.figures = figures_of(run.tally);
  r.tally = run.tally;
  r.seed = walk.seed;
  r.max_steps = walk.max_steps;
  r.precision_reached = run.precision_reached;
  r.threads = threads;
  r.elapsed_seconds = seconds;
  return r;
}

Report exact_report(const std::string& scenario, const ScenarioModel& model, const ExactSolution& solution) {
  Report r;
  r.scenario = scenario;
  r.variant = model.variant;
  r.segment = model.segment;
  r.segment_share = model.segment_share;
  r.method = "exact";
  r.threads = tbb::info::default_concurrency();  // quadrature nodes are solved in parallel
  r.journey = &model.journey;
  r.population = &model.population;
  r.figures = solution.figures;
  r.quadrature = solution.quadrature;
  r.quadrature_nodes = solution.quadrature_nodes;
  r.quadrature_rule = solution.quadrature_rule;
  r.quadrature_change = solution.quadrature_change;
  r.residual = solution.residual;
  return r;
}

StudyResult run_study(std::shared_ptr<const ScenarioModel> model, const std::string& scenario,
                      const SimulationDefaults& defaults, const RunRequest& request) {
  check_walk_request(request.walk);
  MonteCarloSettings settings;
  settings.processes = request.processes;
  settings.walk = walk_settings(request.walk, defaults);
  settings.customers = customers_of(request.walk, defaults);
  if (request.walk.precision) {
    settings.precision = *request.walk.precision;
    settings.on_estimate = request.walk.on_estimate;
  }
  const auto t0 = std::chrono::steady_clock::now();
  int used = 1;
  const MonteCarloRun run = with_threads(
      request.walk.threads,
      [&](int n) {
        used = n;
        return run_monte_carlo(model->journey, model->population, settings, request.progress);
      },
      request.walk.cancel);
  StudyResult result{model, monte_carlo_report(scenario, *model, run, settings.walk, used, seconds_since(t0)), {}};
  result.report.processes = static_cast<int>(request.processes.count);
  result.report.precision_target = request.walk.precision;
  result.report.unfinished_warning = unfinished_warning(run.tally, settings.walk.max_steps, *model);
  if (result.report.unfinished_warning) result.warnings.push_back(*result.report.unfinished_warning);
  if (request.walk.precision && !run.precision_reached)
    result.warnings.push_back("the precision target " + shortest_text(*request.walk.precision) +
                              " was not reached within " + std::to_string(settings.customers) + " customers");
  return result;
}

StudyResult exact_study(std::shared_ptr<const ScenarioModel> model, const std::string& scenario,
                        tbb::task_group_context* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  const ExactSolution solution = with_threads(
      0, [&](int) { return solve_exact(model->journey, model->population); }, cancel);
  StudyResult result{model, exact_report(scenario, *model, solution), {}};
  result.report.elapsed_seconds = seconds_since(t0);
  if (solution.quadrature && solution.quadrature_change > 1e-9) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "the quadrature over the customer multiplier settled only to %g with %d points; treat the "
                  "last digits with care",
                  solution.quadrature_change, solution.quadrature_nodes);
    result.warnings.push_back(text);
  }
  return result;
}

}  // namespace cxsim
