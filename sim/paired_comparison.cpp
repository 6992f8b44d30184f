#include "sim/paired_comparison.hpp"

#include <algorithm>

#include "sim/statistics.hpp"

namespace cxsim {

PairedTally empty_paired_tally(const std::vector<Arm>& arms, std::size_t shared_touchpoints) {
  PairedTally t;
  for (const Arm& a : arms) t.arms.emplace_back(a.journey->size(), a.population->size());
  for (std::size_t a = 1; a < arms.size(); ++a) t.pairs.emplace_back(shared_touchpoints, arms[0].population->size());
  t.between.resize(arms.size() < 2 ? 0 : arms.size() * (arms.size() - 1) / 2);
  if (!arms.empty() && arms.front().money) {
    t.arm_money.resize(arms.size());
    t.money_pairs.resize(t.between.size());
  }
  return t;
}

namespace {

// The widest 95% half-width among the differences the precision target covers.
double widest_half_width(const PairedTally& t) {
  const std::uint64_t n = t.arms.front().customers;
  double widest = 0.0;
  for (const PairTally& p : t.pairs) {
    widest =
        std::max(widest, paired_difference(p.defection.baseline_only, p.defection.variant_only, n).ci95.half_width());
    for (const Discordant& o : p.outcomes)
      widest = std::max(widest, paired_difference(o.baseline_only, o.variant_only, n).ci95.half_width());
  }
  return widest;
}

}  // namespace

PairedRun run_paired(const std::vector<Arm>& arms, std::size_t shared_touchpoints, const PairedSettings& settings) {
  PairedRun run;
  if (settings.precision <= 0.0) {
    run.tally = simulate_paired(arms, shared_touchpoints, settings.walk, 0, settings.customers);
    run.half_width = widest_half_width(run.tally);
    return run;
  }
  // Fixed blocks, merged in order: the customers simulated and the figures depend only on the
  // scenario, the seed and the target, never on timing. At least two blocks, so a difference
  // that happened to show no discordant customer in the first block is not taken as exact.
  run.tally = empty_paired_tally(arms, shared_touchpoints);
  const std::uint64_t block = std::max<std::uint64_t>(1, settings.block);
  std::uint64_t done = 0;
  int blocks = 0;
  while (done < settings.customers) {
    const std::uint64_t last = done + std::min(block, settings.customers - done);
    run.tally.merge(simulate_paired(arms, shared_touchpoints, settings.walk, done, last));
    done = last;
    ++blocks;
    run.half_width = widest_half_width(run.tally);
    if (blocks >= 2 && run.half_width <= settings.precision) {
      run.precision_reached = true;
      break;
    }
    if (blocks == 1 && settings.on_estimate && run.half_width > settings.precision)
      settings.on_estimate(customers_needed(done, run.half_width, settings.precision));
  }
  return run;
}

}  // namespace cxsim
