#include "analysis/validation_study.hpp"

#include <string>

#include "analysis/threads.hpp"
#include "io/diagnostics.hpp"
#include "models/limits.hpp"
#include "sim/exact_solver.hpp"

namespace cxsim {

Validation validation_study(const Scenario& sc, const ScenarioModel& model, const WalkRequest& request) {
  check_walk_request(request);
  if (model.journey.size() > limits::exact_solver_touchpoints)
    throw UsageError("validate compares with the exact solver, which is for journeys of up to " +
                     std::to_string(limits::exact_solver_touchpoints) + " touchpoints; this one has " +
                     std::to_string(model.journey.size()) + " (use run instead)");
  Validation v;
  v.scenario = sc.name;
  v.variant = model.variant;
  const WalkSettings walk = walk_settings(request, sc.simulation);
  v.customers = customers_of(request, sc.simulation);
  v.seed = walk.seed;
  if (v.customers < validation_min_customers)
    throw UsageError("validate needs at least " + std::to_string(validation_min_customers) +
                     " customers to judge agreement by, not " + std::to_string(v.customers));
  const ExactSolution exact = solve_exact(model.journey, model.population);
  v.agreement = with_threads(
      request.threads, [&](int) { return compare_engines(model.journey, model.population, walk, v.customers, exact); },
      request.cancel);
  return v;
}

}  // namespace cxsim
