#include "analysis/walk_request.hpp"

#include <string>

#include "analysis/threads.hpp"
#include "io/diagnostics.hpp"
#include "models/limits.hpp"

namespace cxsim {

void check_walk_request(const WalkRequest& r) {
  if (r.customers && (*r.customers < 1 || *r.customers > limits::max_customers))
    throw UsageError("customers must be between 1 and " + std::to_string(limits::max_customers));
  if (r.max_steps && (*r.max_steps < 1 || *r.max_steps > limits::max_steps))
    throw UsageError("max_steps must be between 1 and " + std::to_string(limits::max_steps));
  if (r.precision && !(*r.precision > 0.0 && *r.precision < 0.5))
    throw UsageError("precision must be a half-width in (0, 0.5), like 0.001 (0.1 percentage points)");
  if (r.threads > max_threads)
    throw UsageError("threads must be at most " + std::to_string(max_threads) + " (0 uses every core)");
}

WalkSettings walk_settings(const WalkRequest& r, const SimulationDefaults& defaults) {
  WalkSettings walk;
  walk.seed = r.seed.value_or(defaults.seed);
  walk.max_steps = r.max_steps.value_or(defaults.max_steps);
  return walk;
}

std::uint64_t customers_of(const WalkRequest& r, const SimulationDefaults& defaults) {
  return r.customers.value_or(r.precision ? precision_customer_cap : defaults.customers);
}

}  // namespace cxsim
