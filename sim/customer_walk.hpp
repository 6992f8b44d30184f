#pragma once
// One customer's walk through the journey: the visit of docs/model.md, step by step.
// A template on the model (so tests can plant a wrong one) and on an observer (so traces reuse
// the very same code; the default observer compiles away).
#include <cstdint>
#include <limits>
#include <vector>

#include "models/friction.hpp"
#include "models/multiplier.hpp"
#include "sim/cache_line.hpp"
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

// A visit of the current load episode that added friction: a candidate last straw.
struct EpisodeVisit {
  std::uint32_t touchpoint = 0;
  double load_after = 0.0;  // the episode's load after this visit's friction
  FrictionParts parts;
};

// Per-thread scratch that makes a walk allocation-free: how often the current customer has been
// at each touchpoint (reset lazily by stamping entries with the customer), and the visits of the
// current load episode (for blaming silent churn on its last straw).
class alignas(cache_line) WalkScratch {  // written every visit: on lines of its own, like a tally
 public:
  explicit WalkScratch(std::size_t touchpoints) : count_(touchpoints, 0), owner_(touchpoints, none) {
    episode.reserve(64);
  }
  // Earlier visits of `customer` to k; counts this one.
  std::uint32_t take_visit(std::size_t k, std::uint64_t customer) {
    if (owner_[k] != customer) {
      owner_[k] = customer;
      count_[k] = 0;
    }
    return count_[k]++;
  }

  std::vector<EpisodeVisit> episode;

 private:
  static constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();
  CacheLines<std::uint32_t> count_;
  CacheLines<std::uint64_t> owner_;
};

// How one customer's walk ended, and the touchpoint their defection is blamed on.
struct WalkEnd {
  static constexpr std::uint32_t nobody = std::numeric_limits<std::uint32_t>::max();
  Ending ending = Ending::unfinished;
  std::uint32_t segment = 0;
  std::uint32_t blamed = nobody;  // touchpoint index; `nobody` unless the customer defected
};

struct WalkSettings {
  std::uint64_t seed = 1;
  std::uint64_t max_steps = 1000;  // visits to non-terminal touchpoints before "unfinished"
};

namespace walk_detail {

// Shares one defection among causes in fixed point (exactly one whole per customer).
inline void blame(TouchpointTally& t, const FrictionParts& f, double delta, int first_field) {
  const auto units = split_one(f.part, delta);
  for (int c = 0; c < friction_count; ++c) t.sum(static_cast<TouchpointFigure>(first_field + c)).add_units(units[c]);
}

// The visit whose friction carried the episode's load past the customer's patience threshold:
// the first whose load after it gives a churn probability above the terminal's draw u (the last
// one always does, since u fell below the churn probability of the final load).
template <class Model>
const EpisodeVisit& last_straw(const std::vector<EpisodeVisit>& episode, double lambda, double u) {
  for (const auto& v : episode)
    if (u < Model::silent_churn_probability(lambda, v.load_after)) return v;
  return episode.back();
}

// False when draw u cannot be below a probability 1 - e^-x of the model (u >= x): most visits
// are decided without the exponential.
template <class Model>
bool below_hazard(double u, double x) {
  return !Model::probabilities_below_hazard || u < x;
}

}  // namespace walk_detail

template <class Model = FrictionModel, class Observer = NoObserver>
inline WalkEnd walk_customer(const Journey& j, const Population& pop, const WalkSettings& settings,
                             std::uint64_t customer, WalkScratch& scratch, Tally& tally, Observer& observer) {
  using walk_detail::below_hazard;
  using walk_detail::blame;
  const CustomerStream rng(settings.seed, customer);
  const CustomerDraws first = rng.customer(0);
  const std::size_t s = pop.pick(first.segment);
  const Segment& seg = pop.segment(s);
  const double m =
      pop.multiplier(s).sample([&](std::uint64_t i) { return i == 0 ? first.multiplier : rng.customer(i).multiplier; });
  const bool churns = seg.silent_churn > 0.0;

  const auto reliability = j.reliability();
  const auto relevance = j.relevance();
  const auto value = j.value();
  const auto trust = j.trust();
  const auto recovery = j.recovery();
  const auto effort = j.effort_minutes();
  const auto keys = j.keys();

  std::size_t k = j.start();
  double load = 0.0;
  bool guard = false, seen = false;
  std::size_t last = k;  // the last non-terminal visit: a routed defection is blamed on it
  bool last_failed = false;
  std::uint64_t step = 0;
  Ending ending;
  std::size_t blamed = WalkEnd::nobody;
  VisitRecord rec;
  scratch.episode.clear();

  for (;;) {
    auto& here = tally.touchpoints[k];
    if (j.is_terminal(k)) {
      const std::uint32_t earlier = scratch.take_visit(k, customer);
      ++here[fig_visits];
      if (j.outcomes()[k] == Outcome::defected) {
        ending = Ending::routed_defection;
        blamed = last;
        auto& at = tally.touchpoints[last];
        ++at[fig_routed];
        at.sum(static_cast<TouchpointFigure>(fig_cause + Model::routed_cause(last_failed))).add_units(fixed_one);
      } else {
        const double u = rng.arrival(keys[k], earlier);
        ending = below_hazard<Model>(u, seg.silent_churn * load) &&
                         u < Model::silent_churn_probability(seg.silent_churn, load)
                     ? Ending::silent_churn
                     : Ending::retained;
        if (ending == Ending::silent_churn) {
          const EpisodeVisit& v = walk_detail::last_straw<Model>(scratch.episode, seg.silent_churn, u);
          blamed = v.touchpoint;
          auto& at = tally.touchpoints[v.touchpoint];
          ++at[fig_silent];
          blame(at, v.parts, v.parts.total(), fig_cause);
        }
      }
      if constexpr (Observer::active) {
        observer.visit(VisitRecord{customer, s, step, k, true, false, false, false, false, guard, 0.0, load});
      }
      break;
    }
    if (step == settings.max_steps) {
      ending = Ending::unfinished;
      break;
    }
    const std::uint32_t earlier = scratch.take_visit(k, customer);
    const VisitDraws d = rng.visit(keys[k], earlier);
    ++here[fig_visits];

    const ReliabilityOutcome rel = Model::reliability(d.fail < 1.0 - reliability[k], guard);
    const bool failed = rel.failed;
    guard = rel.guard;
    const bool repeated = Model::can_repeat(seen) && d.repeat < 1.0 - relevance[k];
    const FrictionParts f =
        Model::friction(seg, m, failed, repeated, Model::value_gap(seg.value_expectation, value[k]), effort[k]);
    const double delta = f.total();

    here[fig_failures] += failed;
    here[fig_averted] += rel.averted;
    here[fig_repeats] += repeated;
    for (int c = 0; c < friction_count; ++c) here.sum(static_cast<TouchpointFigure>(fig_friction + c)).add(f.part[c]);
    ++step;

    if constexpr (Observer::active) {
      rec = VisitRecord{customer, s, step - 1, k, false, failed, rel.averted, repeated, false, guard, delta, load};
    }
    if (delta > 0.0 && below_hazard<Model>(d.abandon, delta) && d.abandon < Model::abandonment_probability(delta)) {
      ++here[fig_abandoned];
      blame(here, f, delta, fig_abandoned_by);
      blame(here, f, delta, fig_cause);
      ending = Ending::abandoned;
      blamed = k;
      if constexpr (Observer::active) {
        rec.load = load + delta;
        observer.visit(rec);
      }
      break;
    }
    load += delta;
    if (churns && delta > 0.0) scratch.episode.push_back(EpisodeVisit{static_cast<std::uint32_t>(k), load, f});
    bool forgiven = false;
    if (d.forgive < Model::forgiveness_probability(recovery[k], failed)) {
      forgiven = true;
      if (load > 0.0) ++here[fig_recoveries];
      load = 0.0;
      scratch.episode.clear();  // a new episode: a forgiven visit is never the last straw
    }
    guard = Model::guard_after_trust(guard, d.trust < trust[k]);
    seen = true;
    if constexpr (Observer::active) {
      rec.forgiven = forgiven;
      rec.guard = guard;
      rec.load = load;
      observer.visit(rec);
    }
    last = k;
    last_failed = failed;
    k = j.next(s, k, Model::takes_fail_route(failed) ? Journey::after_fail : Journey::after_ok, d.route);
  }

  ++tally.customers;
  tally.steps += step;
  ++tally.endings[static_cast<int>(ending)];
  ++tally.segments[s].customers;
  tally.segments[s].defections += is_defection(ending);
  if constexpr (Observer::active) observer.end(ending);
  return WalkEnd{ending, static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(blamed)};
}

}  // namespace cxsim
