#pragma once
// Every outcome of one visit with its probability, as the Monte Carlo walk draws them: the exact
// solver's view of the visit rules of models/friction.hpp (it calls the same functions).
#include <cstdint>

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

// One combination of the reliability and relevance draws of a visit.
struct VisitBranch {
  double p = 0.0;  // probability of this combination
  bool failed = false, averted = false, repeated = false;
  FrictionParts parts;    // scaled by m
  double delta = 0.0;     // parts.total()
  bool positive = false;  // delta > 0 (decided on the unscaled parts: m > 0 never changes it)
};

// One way of carrying on after a branch the customer did not abandon.
struct VisitContinuation {
  double p = 0.0;  // forgiveness x trust x route probability (abandonment not included)
  bool forgiven = false;
  std::size_t to = 0;
  ChainState next;
};

// Calls on_branch(b) for every branch of a visit of segment s (index s_index) to the
// non-terminal st.k, then on_continuation(b, c) for each way of carrying on after it.
template <class Model = FrictionModel, class OnBranch, class OnContinuation>
void for_each_visit_outcome(const Journey& j, std::size_t s_index, const Segment& seg, double m,
                            const ChainState& st, OnBranch&& on_branch, OnContinuation&& on_continuation) {
  const std::size_t k = st.k;
  const double r = j.reliability()[k], l = j.relevance()[k], t = j.trust()[k], q = j.recovery()[k];
  const double gap = Model::value_gap(seg.value_expectation, j.value()[k]);
  const bool can_repeat = Model::can_repeat(st.seen);
  for (int fail_draw = 0; fail_draw < 2; ++fail_draw) {
    const double pf = fail_draw ? 1.0 - r : r;
    if (!(pf > 0.0)) continue;
    const ReliabilityOutcome rel = Model::reliability(fail_draw != 0, st.guard);
    const double f = Model::forgiveness_probability(q, rel.failed);
    const auto edges =
        j.route(s_index, k, Model::takes_fail_route(rel.failed) ? Journey::after_fail : Journey::after_ok);
    for (int repeat_draw = 0; repeat_draw < 2; ++repeat_draw) {
      const double pr = repeat_draw ? (can_repeat ? 1.0 - l : 0.0) : (can_repeat ? l : 1.0);
      if (!(pr > 0.0)) continue;
      VisitBranch b;
      b.p = pf * pr;
      b.failed = rel.failed;
      b.averted = rel.averted;
      b.repeated = repeat_draw != 0;
      b.parts = Model::friction(seg, m, rel.failed, b.repeated, gap);
      b.delta = b.parts.total();
      b.positive = Model::friction(seg, 1.0, rel.failed, b.repeated, gap).total() > 0.0;
      on_branch(b);
      for (int forgive_draw = 0; forgive_draw < 2; ++forgive_draw) {
        const double pg = forgive_draw ? f : 1.0 - f;
        if (!(pg > 0.0)) continue;
        for (int trust_draw = 0; trust_draw < 2; ++trust_draw) {
          // A guard already armed stays armed whatever the draw: one continuation, not two.
          if (rel.guard && trust_draw) continue;
          const double pt = rel.guard ? 1.0 : (trust_draw ? t : 1.0 - t);
          if (!(pt > 0.0)) continue;
          const bool guard_next = Model::guard_after_trust(rel.guard, trust_draw != 0);
          for (const auto i : edges) {
            const double pe = j.probability(i);
            if (!(pe > 0.0)) continue;
            VisitContinuation c;
            c.p = pg * pt * pe;
            c.forgiven = forgive_draw != 0;
            c.to = j.transitions()[i].to;
            c.next = ChainState{static_cast<std::uint32_t>(c.to), guard_next, true};
            on_continuation(b, c);
          }
        }
      }
    }
  }
}

}  // namespace cxsim
