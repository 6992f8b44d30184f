#pragma once
// One customer's walk through the journey: the visit of docs/model.md, step by step.
// A template on the model (so tests can plant a wrong one) and on an observer (so traces reuse
// the very same code; the default observer compiles away).
#include <cstdint>
#include <limits>
#include <vector>

#include "models/friction.hpp"
#include "models/multiplier.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"
#include "sim/random_stream.hpp"
#include "sim/tally.hpp"

namespace cxsim {

// What one visit felt like (for traces). The observer sees every visit, the abandoning one and
// the arrival at a terminal included, then the ending.
struct VisitRecord {
  std::uint64_t customer = 0;
  std::size_t segment = 0;
  std::uint64_t step = 0;  // 0-based position of the visit in the walk
  std::size_t touchpoint = 0;
  bool terminal = false;
  bool failed = false, averted = false, repeated = false, forgiven = false, guard = false;
  double friction = 0.0;  // friction added by this visit
  double load = 0.0;      // load after the visit
};

struct NoObserver {
  static constexpr bool active = false;
  void visit(const VisitRecord&) {}
  void end(Ending) {}
};

// Per-thread scratch that makes a walk allocation-free: how often the current customer has been
// at each touchpoint, reset lazily by stamping entries with the customer.
class WalkScratch {
 public:
  explicit WalkScratch(std::size_t touchpoints) : count_(touchpoints, 0), owner_(touchpoints, none) {}
  // Earlier visits of `customer` to k; counts this one.
  std::uint32_t take_visit(std::size_t k, std::uint64_t customer) {
    if (owner_[k] != customer) {
      owner_[k] = customer;
      count_[k] = 0;
    }
    return count_[k]++;
  }

 private:
  static constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint32_t> count_;
  std::vector<std::uint64_t> owner_;
};

struct WalkSettings {
  std::uint64_t seed = 1;
  std::uint64_t max_steps = 1000;  // visits to non-terminal touchpoints before "unfinished"
};

template <class Model = FrictionModel, class Observer = NoObserver>
inline Ending walk_customer(const Journey& j, const Population& pop, const WalkSettings& settings,
                            std::uint64_t customer, WalkScratch& scratch, Tally& tally,
                            Observer& observer) {
  const CustomerStream rng(settings.seed, customer);
  const std::size_t s = pop.pick(rng.segment_draw());
  const Segment& seg = pop.segment(s);
  const double m =
      sample_multiplier(seg.heterogeneity, [&](std::uint64_t i) { return rng.multiplier_draws(i); });

  const auto reliability = j.reliability();
  const auto relevance = j.relevance();
  const auto value = j.value();
  const auto trust = j.trust();
  const auto recovery = j.recovery();
  const auto keys = j.keys();

  std::size_t k = j.start();
  double load = 0.0;
  bool guard = false, seen = false;
  std::uint64_t step = 0;
  Ending ending;
  VisitRecord rec;

  for (;;) {
    auto& here = tally.touchpoints[k];
    if (j.is_terminal(k)) {
      const std::uint32_t earlier = scratch.take_visit(k, customer);
      ++here.visits;
      if (j.outcomes()[k] == Outcome::defected) {
        ending = Ending::routed_defection;
      } else {
        const double u = rng.arrival(keys[k], earlier);
        ending = u < silent_churn_probability(seg.silent_churn, load) ? Ending::silent_churn
                                                                      : Ending::retained;
      }
      if constexpr (Observer::active) {
        observer.visit(VisitRecord{customer, s, step, k, true, false, false, false, false, guard, 0.0,
                                   load});
      }
      break;
    }
    if (step == settings.max_steps) {
      ending = Ending::unfinished;
      break;
    }
    const std::uint32_t earlier = scratch.take_visit(k, customer);
    const VisitDraws d = rng.visit(keys[k], earlier);
    ++here.visits;

    bool failed = d.fail < 1.0 - reliability[k];
    bool averted = false;
    if (failed && guard) {
      failed = false;
      averted = true;
      guard = false;
    }
    const bool repeated = Model::can_repeat(seen) && d.repeat < 1.0 - relevance[k];
    const FrictionParts f =
        friction_of_visit(seg, m, failed, repeated, value_gap(seg.value_expectation, value[k]));
    const double delta = f.total();

    here.failures += failed;
    here.averted += averted;
    here.repeats += repeated;
    for (int c = 0; c < friction_count; ++c) here.friction[c] += f.part[c];
    ++step;

    if constexpr (Observer::active) {
      rec = VisitRecord{customer, s, step - 1, k, false, failed, averted, repeated, false, guard, delta,
                        load};
    }
    if (delta > 0.0 && d.abandon < abandonment_probability(delta)) {
      ++here.abandoned;
      for (int c = 0; c < friction_count; ++c) here.abandoned_by[c] += f.part[c] / delta;
      ending = Ending::abandoned;
      if constexpr (Observer::active) {
        rec.load = load + delta;
        observer.visit(rec);
      }
      break;
    }
    load += delta;
    bool forgiven = false;
    if (recovery[k] > 0.0 && !failed && d.forgive < forgiveness_probability(recovery[k])) {
      forgiven = true;
      if (load > 0.0) ++here.recoveries;
      load = 0.0;
    }
    if (!guard && d.trust < trust[k]) guard = true;
    seen = true;
    if constexpr (Observer::active) {
      rec.forgiven = forgiven;
      rec.guard = guard;
      rec.load = load;
      observer.visit(rec);
    }
    k = j.next(k, failed ? Journey::after_fail : Journey::after_ok, d.route);
  }

  ++tally.customers;
  tally.steps += step;
  ++tally.endings[static_cast<int>(ending)];
  ++tally.segments[s].customers;
  tally.segments[s].defections += is_defection(ending);
  if constexpr (Observer::active) observer.end(ending);
  return ending;
}

}  // namespace cxsim
