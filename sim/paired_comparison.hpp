#pragma once
// A baseline and its redesigns ("arms") walked on common random numbers: customer i walks every
// arm with the same keys, in the same pass, so a customer whose path a redesign does not touch
// ends the same in both arms, and every difference is measured on paired customers. Memory does
// not grow with the number of customers: only counts of disagreeing pairs are kept.
#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "sim/customer_walk.hpp"
#include "sim/monte_carlo.hpp"

namespace cxsim {

// One arm: its journey and customers, and the place of each of its touchpoints among the
// touchpoints of all arms (matched by id, so a redesign may add touchpoints).
struct Arm;

// What a customer's walk costs, per arm, by touchpoint of the arm, in units of a common scale
// (so the fixed-point sums of squares stay in range): the value lost when a customer leaves the
// journey there (where they leave: io/ money), and what one visit costs to serve.
struct ArmMoney {
  std::vector<double> exit_value, visit_cost;
};

struct Arm {
  const Journey* journey = nullptr;
  const Population* population = nullptr;
  std::vector<std::uint32_t> shared_index;  // by touchpoint of this arm
  const ArmMoney* money = nullptr;          // every arm or none: per-customer money is then tallied
};

// A signed sum in fixed point (two non-negative sums), order-independent like FixedSum.
struct SignedSum {
  FixedSum pos, neg;
  void add(double x) { x >= 0.0 ? pos.add(x) : neg.add(-x); }
  double value() const { return pos.value() - neg.value(); }
  void merge(const SignedSum& o) {
    pos.merge(o.pos);
    neg.merge(o.neg);
  }
  bool operator==(const SignedSum&) const = default;
};

// Per arm: money lost per customer summed (value where they leave, cost to serve).
struct ArmMoneyTally {
  FixedSum loss, cost;
  bool operator==(const ArmMoneyTally&) const = default;
  void merge(const ArmMoneyTally& o) {
    loss.merge(o.loss);
    cost.merge(o.cost);
  }
};
// Per pair of arms (i, j): sums of the per-customer differences i - j and of their squares, of the
// value lost, the cost to serve and the two together.
struct MoneyPairTally {
  SignedSum loss, cost, total;
  FixedSum loss_sq, cost_sq, total_sq;
  bool operator==(const MoneyPairTally&) const = default;
  void merge(const MoneyPairTally& o) {
    loss.merge(o.loss);
    cost.merge(o.cost);
    total.merge(o.total);
    loss_sq.merge(o.loss_sq);
    cost_sq.merge(o.cost_sq);
    total_sq.merge(o.total_sq);
  }
};

// The index of the pair of arms (i, j), i < j, among all pairs of `arms` arms, in the order
// (0,1), (0,2), ..., (1,2), ...
inline std::size_t arm_pair_index(std::size_t i, std::size_t j, std::size_t arms) {
  return i * arms - i * (i + 1) / 2 + (j - i - 1);
}

// A walk that notes what it costs: the cost of every visit and the touchpoint it ends at.
struct MoneyObserver {
  static constexpr bool active = true;
  const double* cost = nullptr;
  double spent = 0.0;
  std::size_t last = 0;
  void visit(const VisitRecord& r) {
    spent += cost[r.touchpoint];
    last = r.touchpoint;
  }
  void end(Ending) {}
};

// Customers of a pair who are counted in one arm only: the baseline's, or the redesign's.
struct Discordant {
  std::uint64_t baseline_only = 0, variant_only = 0;
  void add(bool in_baseline, bool in_variant) {
    baseline_only += in_baseline && !in_variant;
    variant_only += in_variant && !in_baseline;
  }
  void merge(const Discordant& o) {
    baseline_only += o.baseline_only;
    variant_only += o.variant_only;
  }
  bool operator==(const Discordant&) const = default;
};

// One redesign against the baseline, customer by customer.
struct PairTally {
  Discordant defection;
  std::array<Discordant, ending_count> outcomes;
  CacheLines<Discordant> touchpoints;  // defections blamed there, by shared touchpoint index
  // By the customer's segment in the baseline: customers, and their defections.
  CacheLines<std::uint64_t> segment_customers;
  CacheLines<Discordant> segments;

  PairTally() = default;
  PairTally(std::size_t shared_touchpoints, std::size_t baseline_segments)
      : touchpoints(shared_touchpoints), segment_customers(baseline_segments), segments(baseline_segments) {}
  bool operator==(const PairTally&) const = default;

  void merge(const PairTally& o) {
    defection.merge(o.defection);
    for (int e = 0; e < ending_count; ++e) outcomes[e].merge(o.outcomes[e]);
    for (std::size_t k = 0; k < touchpoints.size(); ++k) touchpoints[k].merge(o.touchpoints[k]);
    for (std::size_t s = 0; s < segments.size(); ++s) {
      segment_customers[s] += o.segment_customers[s];
      segments[s].merge(o.segments[s]);
    }
  }
};

// A worker thread's counts: on cache lines of their own, so two threads never share one.
struct PairedTally {
  CacheLines<Tally> arms;       // arms[0] is the baseline
  CacheLines<PairTally> pairs;  // pairs[a - 1]: arm a against the baseline
  // Every pair of arms (i < j, arm_pair_index): customers who defect in i only ("baseline_only")
  // and in j only ("variant_only").
  std::vector<Discordant> between;
  // With money (Arm::money): per arm, and per pair of arms as `between`.
  std::vector<ArmMoneyTally> arm_money;
  std::vector<MoneyPairTally> money_pairs;

  bool operator==(const PairedTally&) const = default;
  void merge(const PairedTally& o) {
    for (std::size_t a = 0; a < arms.size(); ++a) arms[a].merge(o.arms[a]);
    for (std::size_t a = 0; a < pairs.size(); ++a) pairs[a].merge(o.pairs[a]);
    for (std::size_t p = 0; p < between.size(); ++p) between[p].merge(o.between[p]);
    for (std::size_t a = 0; a < arm_money.size(); ++a) arm_money[a].merge(o.arm_money[a]);
    for (std::size_t p = 0; p < money_pairs.size(); ++p) money_pairs[p].merge(o.money_pairs[p]);
  }
};

PairedTally empty_paired_tally(const std::vector<Arm>& arms, std::size_t shared_touchpoints);

// Walks customers [first, last) through every arm, on every worker thread (see
// walk_on_every_thread): the same figures on any thread count.
template <class Model = FrictionModel>
PairedTally simulate_paired(const std::vector<Arm>& arms, std::size_t shared_touchpoints, const WalkSettings& settings,
                            std::uint64_t first, std::uint64_t last) {
  if (arms.empty()) throw std::invalid_argument("a comparison needs at least one arm");
  for (const Arm& a : arms)
    if (!a.journey->fits(a.population->size()))
      throw std::invalid_argument("the journey's segment routes name more segments than the population has");
  struct Worker {
    std::vector<WalkScratch> scratch;  // by arm
    PairedTally tally;
    std::vector<char> defects;       // by arm, this customer
    std::vector<double> loss, cost;  // by arm, this customer (with money)
  };
  const std::size_t n_arms = arms.size();
  const bool money = arms.front().money != nullptr;
  PairedTally total = empty_paired_tally(arms, shared_touchpoints);
  walk_on_every_thread(
      first, last,
      [&] {
        Worker w{{},
                 empty_paired_tally(arms, shared_touchpoints),
                 std::vector<char>(n_arms, 0),
                 std::vector<double>(n_arms, 0.0),
                 std::vector<double>(n_arms, 0.0)};
        for (const Arm& a : arms) w.scratch.emplace_back(a.journey->size());
        return w;
      },
      [&](Worker& w, std::uint64_t c) {
        PairedTally& tally = w.tally;
        const auto walk = [&](std::size_t a) {
          if (!money) {
            NoObserver none;
            const WalkEnd e = walk_customer<Model>(*arms[a].journey, *arms[a].population, settings, c, w.scratch[a],
                                                   tally.arms[a], none);
            w.defects[a] = is_defection(e.ending);
            return e;
          }
          MoneyObserver seen;
          seen.cost = arms[a].money->visit_cost.data();
          const WalkEnd e = walk_customer<Model>(*arms[a].journey, *arms[a].population, settings, c, w.scratch[a],
                                                 tally.arms[a], seen);
          w.defects[a] = is_defection(e.ending);
          w.loss[a] = w.defects[a] ? arms[a].money->exit_value[seen.last] : 0.0;
          w.cost[a] = seen.spent;
          tally.arm_money[a].loss.add(w.loss[a]);
          tally.arm_money[a].cost.add(w.cost[a]);
          return e;
        };
        const WalkEnd base = walk(0);
        const bool base_defects = is_defection(base.ending);
        for (std::size_t a = 1; a < arms.size(); ++a) {
          const WalkEnd v = walk(a);
          const bool defects = is_defection(v.ending);
          PairTally& pair = tally.pairs[a - 1];
          pair.defection.add(base_defects, defects);
          for (int e = 0; e < ending_count; ++e)
            pair.outcomes[e].add(base.ending == static_cast<Ending>(e), v.ending == static_cast<Ending>(e));
          const std::uint32_t kb = base_defects ? arms[0].shared_index[base.blamed] : WalkEnd::nobody;
          const std::uint32_t kv = defects ? arms[a].shared_index[v.blamed] : WalkEnd::nobody;
          if (kb != kv) {
            if (kb != WalkEnd::nobody) ++pair.touchpoints[kb].baseline_only;
            if (kv != WalkEnd::nobody) ++pair.touchpoints[kv].variant_only;
          }
          ++pair.segment_customers[base.segment];
          pair.segments[base.segment].add(base_defects, defects);
        }
        for (std::size_t i = 0, p = 0; i < n_arms; ++i)
          for (std::size_t j = i + 1; j < n_arms; ++j, ++p) {
            tally.between[p].add(w.defects[i], w.defects[j]);
            if (!money) continue;
            MoneyPairTally& m = tally.money_pairs[p];
            const double dl = w.loss[i] - w.loss[j], dc = w.cost[i] - w.cost[j], dt = dl + dc;
            m.loss.add(dl);
            m.cost.add(dc);
            m.total.add(dt);
            m.loss_sq.add(dl * dl);
            m.cost_sq.add(dc * dc);
            m.total_sq.add(dt * dt);
          }
      },
      [&](const Worker& w) { total.merge(w.tally); });
  return total;
}

struct PairedSettings {
  WalkSettings walk;
  std::uint64_t customers = 100000;
  // With precision > 0: simulate blocks of `block` customers until the 95% interval of every
  // redesign's difference in defection rate and in each outcome share has half-width <=
  // precision, or `customers` have been simulated.
  double precision = 0.0;
  std::uint64_t block = 100000;
  std::function<void(std::uint64_t needed)> on_estimate;  // as for MonteCarloSettings
};

struct PairedRun {
  PairedTally tally;
  bool precision_reached = false;
  double half_width = 0.0;  // the widest of the differences the precision target covers
};

PairedRun run_paired(const std::vector<Arm>& arms, std::size_t shared_touchpoints, const PairedSettings& settings);

}  // namespace cxsim
