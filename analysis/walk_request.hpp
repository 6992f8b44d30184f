#pragma once
// What every Monte Carlo study is asked, typed: how many customers, which seed, how many visits
// at most, a precision target and the threads. Unset numbers take the scenario's own defaults,
// so the CLI, batch and the Python module resolve them one way.
#include <cstdint>
#include <functional>
#include <optional>

#include <tbb/task_group.h>

#include "io/scenario.hpp"
#include "sim/monte_carlo.hpp"

namespace cxsim {

struct WalkRequest {
  std::optional<std::uint64_t> customers;  // with a precision target: the most to simulate
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> max_steps;
  std::optional<double> precision;  // a 95% half-width target on the defection rate (or its differences)
  std::uint64_t threads = 0;        // 0: every core
  // Told once how many customers a precision target needs at the first estimate.
  std::function<void(std::uint64_t needed)> on_estimate;
  // Cancelling it stops the study (Cancelled is thrown); see analysis/threads.hpp.
  tbb::task_group_context* cancel = nullptr;
};

// With a precision target and no --customers, at most this many customers are simulated.
inline constexpr std::uint64_t precision_customer_cap = 1'000'000'000ULL;

// Throws UsageError when a number lies outside what cxsim accepts (models/limits.hpp).
void check_walk_request(const WalkRequest& request);

// The walk settings of `request` for a scenario with these defaults.
WalkSettings walk_settings(const WalkRequest& request, const SimulationDefaults& defaults);
std::uint64_t customers_of(const WalkRequest& request, const SimulationDefaults& defaults);

}  // namespace cxsim
