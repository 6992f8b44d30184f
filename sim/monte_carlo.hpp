#pragma once
// The parallel Monte Carlo engine: walks customers [first, last) on oneTBB and returns their
// tally. Deterministic: every figure is an exact sum, the same in any order, so the result never
// depends on the thread count or on how the customers were split.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "sim/customer_walk.hpp"
#include "sim/parallel.hpp"

namespace cxsim {

// The fewest customers TBB splits a task down to (it may hand out more at once): small enough
// for two threads to share out a short run evenly.
inline constexpr std::uint64_t customers_per_chunk = 1024;

// Customers [first, last) in chunks on every worker thread. Each thread keeps one worker, made
// by `make()` (its walk scratch and its counts), and walks its customers into it with
// `walk(worker, customer)`; at the end every worker is handed to `add`. No per-chunk copy of
// the per-touchpoint counts, so a journey of 10,000 touchpoints costs no more per visit than
// one of 40. The counts must be exact sums (integers, fixed point): then the total is the same
// on any thread count and any split into chunks.
template <class Make, class Walk, class Add>
void walk_on_every_thread(std::uint64_t first, std::uint64_t last, const Make& make, const Walk& walk, const Add& add,
                          std::atomic<std::uint64_t>* progress = nullptr) {
  if (last <= first) return;
  tbb::enumerable_thread_specific<std::invoke_result_t<Make>> workers(make);
  parallel::for_each(tbb::blocked_range<std::uint64_t>(first, last, customers_per_chunk),
                     [&](const tbb::blocked_range<std::uint64_t>& r) {
                       auto& mine = workers.local();
                       // TBB may hand one task millions of customers: a study that is cancelled
                       // (analysis/threads.hpp) stops between chunks, and its tally is thrown away.
                       for (std::uint64_t c = r.begin(); c != r.end();) {
                         const std::uint64_t end = std::min(r.end(), c + customers_per_chunk);
                         for (; c != end; ++c) walk(mine, c);
                         if (c != r.end() && tbb::is_current_task_group_canceling()) return;
                       }
                       if (progress) progress->fetch_add(r.size(), std::memory_order_relaxed);
                     });
  for (const auto& w : workers) add(w);
}

// The tally of customers [first, last), walked on every worker thread.
template <class Model = FrictionModel>
Tally simulate_customers(const Journey& journey, const Population& population, const WalkSettings& settings,
                         std::uint64_t first, std::uint64_t last, std::atomic<std::uint64_t>* progress = nullptr) {
  if (!journey.fits(population.size()))
    throw std::invalid_argument("the journey's segment routes name more segments than the population has");
  struct Worker {
    WalkScratch scratch;
    Tally tally;
  };
  Tally total(journey.size(), population.size());
  walk_on_every_thread(
      first, last,
      [&] {
        return Worker{WalkScratch(journey.size()), Tally(journey.size(), population.size())};
      },
      [&](Worker& w, std::uint64_t c) {
        NoObserver none;
        walk_customer<Model>(journey, population, settings, c, w.scratch, w.tally, none);
      },
      [&](const Worker& w) { total.merge(w.tally); }, progress);
  return total;
}

// This process's share of a run that several processes walk together (MPI ranks): it walks
// block `index` of `count` equal, fixed blocks of every range of customers, and `sum` replaces
// its tally by the total over all processes (each receives the same total). Tallies are exact
// sums, so the figures are identical for any number of processes, as for any number of threads.
struct ProcessShare {
  std::uint64_t index = 0, count = 1;
  std::function<void(Tally&)> sum;

  // Customers [first, last) of block `index`.
  std::pair<std::uint64_t, std::uint64_t> block(std::uint64_t first, std::uint64_t last) const {
    const auto at = [&](std::uint64_t i) {
      const auto n = static_cast<FixedUnits>(last - first) * i / count;
      return first + static_cast<std::uint64_t>(n);
    };
    return {at(index), at(index + 1)};
  }
};

struct MonteCarloSettings {
  WalkSettings walk;
  // Alone by default; see ProcessShare.
  ProcessShare processes;
  std::uint64_t customers = 100000;
  // With precision > 0: simulate blocks of `block` customers until the 95% interval of the
  // defection rate has half-width <= precision, or `customers` have been simulated.
  double precision = 0.0;
  std::uint64_t block = 100000;
  // Told once, after the first block, how many customers the target needs at the current
  // estimate (the half-width shrinks as 1 / sqrt(customers)).
  std::function<void(std::uint64_t needed)> on_estimate;
};

// Customers needed for a 95% half-width `target`, from `customers` that gave `half_width`.
inline std::uint64_t customers_needed(std::uint64_t customers, double half_width, double target) {
  const double n = static_cast<double>(customers) * (half_width / target) * (half_width / target);
  return n >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(std::ceil(n));
}

struct MonteCarloRun {
  Tally tally;
  bool precision_reached = false;
  double half_width = 0.0;
};

MonteCarloRun run_monte_carlo(const Journey& journey, const Population& population, const MonteCarloSettings& settings,
                              std::atomic<std::uint64_t>* progress = nullptr);

}  // namespace cxsim
