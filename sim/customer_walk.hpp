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

// One customer's walk, a visit at a time: the visit of docs/model.md, stated once. The scalar
// walk below makes each visit's draws itself; the lane walk (sim/lane_walk.hpp) makes those of
// many customers at once, then calls the same visit() on each. A customer's draws depend only on
// (seed, customer, touchpoint, earlier visits there), so both walks see the very same draws.
template <class Model = FrictionModel>
class CustomerWalk {
 public:
  CustomerWalk() = default;
  // Set-up from the customer's first try of draws; later tries of the multiplier (rare) from `rng`.
  CustomerWalk(const Journey& j, const Population& pop, const WalkSettings& settings, std::uint64_t customer,
               const CustomerDraws& first, const CustomerStream& rng)
      : j_(&j), max_steps_(settings.max_steps), customer_(customer), s_(pop.pick(first.segment)),
        seg_(&pop.segment(s_)),
        m_(pop.multiplier(s_).sample(
            [&](std::uint64_t i) { return i == 0 ? first.multiplier : rng.customer(i).multiplier; })),
        churns_(seg_->silent_churn > 0.0), k_(j.start()), last_(k_) {}

  // Enters the next touchpoint. False when the walk ends without a visit (the step limit);
  // otherwise the visit is counted in `scratch`, and key() and earlier() say which draws it needs.
  bool arrive(WalkScratch& scratch) {
    if (!j_->is_terminal(k_) && step_ == max_steps_) {
      ending_ = Ending::unfinished;
      return false;
    }
    if (step_ == 0) scratch.episode.clear();
    earlier_ = scratch.take_visit(k_, customer_);
    return true;
  }
  std::uint64_t key() const { return j_->keys()[k_]; }
  std::uint32_t earlier() const { return earlier_; }
  bool at_terminal() const { return j_->is_terminal(k_); }
  // False when the visit's second block (forgiveness, trust) cannot change it: see
  // stream_layout::unused_block.
  bool needs_second_block() const {
    const double q = j_->recovery()[k_];
    return j_->trust()[k_] > 0.0 || Model::forgiveness_probability(q, false) > 0.0 ||
           Model::forgiveness_probability(q, true) > 0.0;
  }

  // The visit arrive() entered, with its draws (at a terminal only d.fail, the arrival draw, is
  // read). True when the walk ended here.
  template <class Observer>
  bool visit(const VisitDraws& d, WalkScratch& scratch, Tally& tally, Observer& observer);

  // Counts the customer and their ending; what the caller learns of the walk.
  template <class Observer>
  WalkEnd finish(Tally& tally, Observer& observer) const {
    ++tally.customers;
    tally.steps += step_;
    ++tally.endings[static_cast<int>(ending_)];
    ++tally.segments[s_].customers;
    tally.segments[s_].defections += is_defection(ending_);
    if constexpr (Observer::active) observer.end(ending_);
    return WalkEnd{ending_, static_cast<std::uint32_t>(s_), static_cast<std::uint32_t>(blamed_)};
  }

 private:
  const Journey* j_ = nullptr;
  std::uint64_t max_steps_ = 0;
  std::uint64_t customer_ = 0;
  std::size_t s_ = 0;
  const Segment* seg_ = nullptr;
  double m_ = 1.0;
  bool churns_ = false;
  std::size_t k_ = 0;
  double load_ = 0.0;
  bool guard_ = false, seen_ = false;
  std::size_t last_ = 0;  // the last non-terminal visit: a routed defection is blamed on it
  bool last_failed_ = false;
  std::uint64_t step_ = 0;
  std::uint32_t earlier_ = 0;
  Ending ending_ = Ending::unfinished;
  std::size_t blamed_ = WalkEnd::nobody;
};

template <class Model>
template <class Observer>
bool CustomerWalk<Model>::visit(const VisitDraws& d, WalkScratch& scratch, Tally& tally, Observer& observer) {
  using walk_detail::blame;
  using walk_detail::below_hazard;
  const Journey& j = *j_;
  const Segment& seg = *seg_;
  const std::size_t k = k_;
  auto& here = tally.touchpoints[k];
  if (j.is_terminal(k)) {
    ++here[fig_visits];
    if (j.outcomes()[k] == Outcome::defected) {
      ending_ = Ending::routed_defection;
      blamed_ = last_;
      auto& at = tally.touchpoints[last_];
      ++at[fig_routed];
      at.sum(static_cast<TouchpointFigure>(fig_cause + Model::routed_cause(last_failed_))).add_units(fixed_one);
    } else {
      const double u = d.fail;  // the arrival draw
      ending_ = below_hazard<Model>(u, seg.silent_churn * load_) &&
                        u < Model::silent_churn_probability(seg.silent_churn, load_)
                    ? Ending::silent_churn
                    : Ending::retained;
      if (ending_ == Ending::silent_churn) {
        const EpisodeVisit& v = walk_detail::last_straw<Model>(scratch.episode, seg.silent_churn, u);
        blamed_ = v.touchpoint;
        auto& at = tally.touchpoints[v.touchpoint];
        ++at[fig_silent];
        blame(at, v.parts, v.parts.total(), fig_cause);
      }
    }
    if constexpr (Observer::active) {
      observer.visit(VisitRecord{customer_, s_, step_, k, true, false, false, false, false, guard_, 0.0, load_});
    }
    return true;
  }
  const auto reliability = j.reliability();
  const auto relevance = j.relevance();
  const ReliabilityOutcome rel = Model::reliability(d.fail < 1.0 - reliability[k], guard_);
  const bool failed = rel.failed;
  guard_ = rel.guard;
  const bool repeated = Model::can_repeat(seen_) && d.repeat < 1.0 - relevance[k];
  const FrictionParts f = Model::friction(seg, m_, failed, repeated,
                                          Model::value_gap(seg.value_expectation, j.value()[k]),
                                          j.effort_minutes()[k]);
  const double delta = f.total();

  ++here[fig_visits];
  here[fig_failures] += failed;
  here[fig_averted] += rel.averted;
  here[fig_repeats] += repeated;
  for (int c = 0; c < friction_count; ++c) here.sum(static_cast<TouchpointFigure>(fig_friction + c)).add(f.part[c]);
  ++step_;

  VisitRecord rec;
  if constexpr (Observer::active) {
    rec = VisitRecord{customer_, s_, step_ - 1, k, false, failed, rel.averted, repeated, false, guard_, delta,
                      load_};
  }
  if (delta > 0.0 && below_hazard<Model>(d.abandon, delta) && d.abandon < Model::abandonment_probability(delta)) {
    ++here[fig_abandoned];
    blame(here, f, delta, fig_abandoned_by);
    blame(here, f, delta, fig_cause);
    ending_ = Ending::abandoned;
    blamed_ = k;
    if constexpr (Observer::active) {
      rec.load = load_ + delta;
      observer.visit(rec);
    }
    return true;
  }
  load_ += delta;
  if (churns_ && delta > 0.0) scratch.episode.push_back(EpisodeVisit{static_cast<std::uint32_t>(k), load_, f});
  bool forgiven = false;
  if (d.forgive < Model::forgiveness_probability(j.recovery()[k], failed)) {
    forgiven = true;
    if (load_ > 0.0) ++here[fig_recoveries];
    load_ = 0.0;
    scratch.episode.clear();  // a new episode: a forgiven visit is never the last straw
  }
  guard_ = Model::guard_after_trust(guard_, d.trust < j.trust()[k]);
  seen_ = true;
  if constexpr (Observer::active) {
    rec.forgiven = forgiven;
    rec.guard = guard_;
    rec.load = load_;
    observer.visit(rec);
  }
  last_ = k;
  last_failed_ = failed;
  k_ = j.next(s_, k, Model::takes_fail_route(failed) ? Journey::after_fail : Journey::after_ok, d.route);
  return false;
}

// One customer's whole walk, its draws made one visit at a time.
template <class Model = FrictionModel, class Observer = NoObserver>
inline WalkEnd walk_customer(const Journey& j, const Population& pop, const WalkSettings& settings,
                            std::uint64_t customer, WalkScratch& scratch, Tally& tally,
                            Observer& observer) {
  const CustomerStream rng(settings.seed, customer);
  CustomerWalk<Model> walk(j, pop, settings, customer, rng.customer(0), rng);
  while (walk.arrive(scratch)) {
    // A terminal needs only the arrival draw, many visits only the first block.
    const PhiloxBlock first = rng.block(walk.key(), walk.earlier(), stream_layout::visit_purpose);
    const PhiloxBlock second = !walk.at_terminal() && walk.needs_second_block()
                                   ? rng.block(walk.key(), walk.earlier(), stream_layout::visit_purpose + 1)
                                   : stream_layout::unused_block;
    if (walk.visit(stream_layout::visit(first, second), scratch, tally, observer)) break;
  }
  return walk.finish(tally, observer);
}

}  // namespace cxsim
