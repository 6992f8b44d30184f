#include "sim/monte_carlo.hpp"

#include <algorithm>

#include "sim/statistics.hpp"

namespace cxsim {

namespace {

// Customers [first, last) walked by every process together: this one's block, then the total.
Tally simulate_share(const Journey& journey, const Population& population, const MonteCarloSettings& settings,
                     std::uint64_t first, std::uint64_t last, std::atomic<std::uint64_t>* progress) {
  const ProcessShare& share = settings.processes;
  if (share.count <= 1) return simulate_customers(journey, population, settings.walk, first, last, progress);
  const auto [from, to] = share.block(first, last);
  Tally tally = simulate_customers(journey, population, settings.walk, from, to, progress);
  share.sum(tally);
  return tally;
}

}  // namespace

MonteCarloRun run_monte_carlo(const Journey& journey, const Population& population, const MonteCarloSettings& settings,
                              std::atomic<std::uint64_t>* progress) {
  MonteCarloRun run;
  if (settings.precision <= 0.0) {
    run.tally = simulate_share(journey, population, settings, 0, settings.customers, progress);
    run.half_width = wilson_interval(run.tally.defections(), run.tally.customers).half_width();
    return run;
  }
  // Fixed blocks, merged in order: the customers simulated and the figures depend only on the
  // scenario, the seed and the target, never on timing.
  run.tally = Tally(journey.size(), population.size());
  const std::uint64_t block = std::max<std::uint64_t>(1, settings.block);
  while (run.tally.customers < settings.customers) {
    const std::uint64_t first = run.tally.customers;
    const std::uint64_t last = first + std::min(block, settings.customers - first);
    run.tally.merge(simulate_share(journey, population, settings, first, last, progress));
    run.half_width = wilson_interval(run.tally.defections(), run.tally.customers).half_width();
    if (run.half_width <= settings.precision) {
      run.precision_reached = true;
      break;
    }
    if (first == 0 && settings.on_estimate)
      settings.on_estimate(customers_needed(run.tally.customers, run.half_width, settings.precision));
  }
  return run;
}

}  // namespace cxsim
