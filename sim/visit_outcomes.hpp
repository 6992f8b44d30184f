#pragma once
// Every outcome of one visit with its probability, as the Monte Carlo walk draws them: the exact
// solver's view of the visit rules of models/friction.hpp (it calls the same functions).
#include <cstdint>
#include <utility>

#include "models/friction.hpp"
#include "sim/journey.hpp"

namespace cxsim {

// A customer's state before a visit: where they are, whether a guard is armed, whether they
// have been somewhere before.
struct ChainState {
  std::uint32_t k = 0;
  bool guard = false, seen = false;
};

inline std::size_t state_slot(const ChainState& s) {
  return (static_cast<std::size_t>(s.k) * 2 + s.guard) * 2 + s.seen;
}

// One combination of the reliability and relevance draws of a visit. `T` is double in the
// engines, a dual number in the sensitivity analysis.
template <class T>
struct BasicVisitBranch {
  T p = 0.0;  // probability of this combination
  bool failed = false, averted = false, repeated = false;
  BasicFrictionParts<T> parts;  // scaled by m
  T delta = 0.0;                // parts.total()
  bool positive = false;        // delta > 0 (decided on the unscaled parts: m > 0 never changes it)
};
using VisitBranch = BasicVisitBranch<double>;

// One way of carrying on after a branch the customer did not abandon.
template <class T>
struct BasicVisitContinuation {
  T p = 0.0;  // forgiveness x trust x route probability (abandonment not included)
  bool forgiven = false;
  std::size_t to = 0;
  std::uint32_t edge = 0;  // the transition taken, by index into Journey::transitions()
  ChainState next;
};
using VisitContinuation = BasicVisitContinuation<double>;

// The touchpoint's friction attributes as one visit sees them.
template <class T>
struct VisitAttributes {
  T reliability, relevance, value, trust, recovery;
  T effort_minutes;
};

// Which outcomes to enumerate: those with a positive probability (the engines), or every outcome
// some value of the touchpoint attributes makes possible (derivatives need the branches an
// attribute at 0 or 1 closes). Outcomes closed by the journey itself (a transition of
// probability 0, no forgiveness at a touchpoint that is not a recovery point) stay out.
enum class Reach : std::uint8_t { possible, structural };

// Calls on_branch(b) for every branch of a visit of segment s_index (numbers `seg`: a Segment,
// or its numbers as duals) with multiplier m to the non-terminal st.k, whose attributes are
// `at`, then on_continuation(b, c) for each way of carrying on after it.
template <class Model = FrictionModel, class T, class S, class OnBranch, class OnContinuation>
void for_each_visit_outcome(const Journey& j, std::size_t s_index, const S& seg, T m, const VisitAttributes<T>& at,
                            const ChainState& st, Reach reach, OnBranch&& on_branch, OnContinuation&& on_continuation) {
  const std::size_t k = st.k;
  const bool all = reach == Reach::structural;
  const T gap = Model::value_gap(T(seg.value_expectation), at.value);
  const bool can_repeat = Model::can_repeat(st.seen);
  for (int fail_draw = 0; fail_draw < 2; ++fail_draw) {
    const T pf = fail_draw ? 1.0 - at.reliability : at.reliability;
    if (!all && !(pf > 0.0)) continue;
    const ReliabilityOutcome rel = Model::reliability(fail_draw != 0, st.guard);
    const T f = Model::forgiveness_probability(at.recovery, rel.failed);
    const auto edges =
        j.route(s_index, k, Model::takes_fail_route(rel.failed) ? Journey::after_fail : Journey::after_ok);
    for (int repeat_draw = 0; repeat_draw < 2; ++repeat_draw) {
      if (repeat_draw && !can_repeat) continue;
      const T pr = repeat_draw ? 1.0 - at.relevance : (can_repeat ? at.relevance : T(1.0));
      if (!all && !(pr > 0.0)) continue;
      BasicVisitBranch<T> b;
      b.p = pf * pr;
      b.failed = rel.failed;
      b.averted = rel.averted;
      b.repeated = repeat_draw != 0;
      b.parts = Model::friction(seg, m, rel.failed, b.repeated, gap, at.effort_minutes);
      b.delta = b.parts.total();
      b.positive = Model::friction(seg, T(1.0), rel.failed, b.repeated, gap, at.effort_minutes).total() > 0.0;
      on_branch(b);
      for (int forgive_draw = 0; forgive_draw < 2; ++forgive_draw) {
        const T pg = forgive_draw ? f : 1.0 - f;
        if (!(pg > 0.0)) continue;
        for (int trust_draw = 0; trust_draw < 2; ++trust_draw) {
          // A guard already armed stays armed whatever the draw: one continuation, not two.
          if (rel.guard && trust_draw) continue;
          const T pt = rel.guard ? T(1.0) : (trust_draw ? at.trust : 1.0 - at.trust);
          if (!all && !(pt > 0.0)) continue;
          const bool guard_next = Model::guard_after_trust(rel.guard, trust_draw != 0);
          for (const auto i : edges) {
            const double pe = j.probability(i);
            if (!(pe > 0.0)) continue;
            BasicVisitContinuation<T> c;
            c.p = pg * pt * pe;
            c.forgiven = forgive_draw != 0;
            c.to = j.transitions()[i].to;
            c.edge = i;
            c.next = ChainState{static_cast<std::uint32_t>(c.to), guard_next, true};
            on_continuation(b, c);
          }
        }
      }
    }
  }
}

// The touchpoint attributes of st.k as the journey gives them.
inline VisitAttributes<double> visit_attributes(const Journey& j, std::size_t k) {
  return {j.reliability()[k], j.relevance()[k], j.value()[k], j.trust()[k], j.recovery()[k], j.effort_minutes()[k]};
}

// The engines' view: the journey's own numbers, on doubles.
template <class Model = FrictionModel, class OnBranch, class OnContinuation>
void for_each_visit_outcome(const Journey& j, std::size_t s_index, const Segment& seg, double m, const ChainState& st,
                            OnBranch&& on_branch, OnContinuation&& on_continuation, Reach reach = Reach::possible) {
  for_each_visit_outcome<Model>(j, s_index, seg, m, visit_attributes(j, st.k), st, reach,
                                std::forward<OnBranch>(on_branch), std::forward<OnContinuation>(on_continuation));
}

}  // namespace cxsim
