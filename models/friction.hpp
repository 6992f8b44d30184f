#pragma once
// The customer's reaction to one visit: the friction model of docs/model.md, stated once as
// small pure functions. The Monte Carlo walk draws each step's outcome with them; the exact
// solver enumerates the same outcomes with their probabilities through the very same functions.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/segment.hpp"

namespace cxsim {

// The four frictions of a visit, in this order everywhere. Effort (model v1.3) is the customer's
// time and trouble: a touchpoint's minutes, priced by the segment's hazard per hour.
enum class Friction : int { reliability = 0, relevance = 1, value = 2, effort = 3 };
inline constexpr int friction_count = 4;
inline constexpr std::array<const char*, friction_count> friction_names{"reliability", "relevance", "value", "effort"};

// What a defection is blamed on: one of the frictions, or the route itself (the journey sends the
// customer to a `defected` ending after a visit that worked).
inline constexpr int cause_count = friction_count + 1;
inline constexpr int route_cause = friction_count;
inline constexpr std::array<const char*, cause_count> cause_names{"reliability", "relevance", "value", "effort",
                                                                  "route"};

// Dixon, Toman & DeLisi: 15% forgive a complaint handled very badly, 82% one handled very well.
inline constexpr double forgiveness_floor = 0.15;
inline constexpr double forgiveness_span = 0.82 - 0.15;

// The parts of the friction of one visit, already scaled by the customer's multiplier. The rules
// below are templates on the number type so that the sensitivity analysis can differentiate them
// (sim/dual_number.hpp); the engines use them on doubles.
template <class T>
struct BasicFrictionParts {
  std::array<T, friction_count> part{};
  // Summed in this order by every engine, so that both see the very same delta.
  T total() const { return part[0] + part[1] + part[2] + part[3]; }
};
using FrictionParts = BasicFrictionParts<double>;

// Step 1 of a visit: what the reliability draw did, given the guard the customer carried in.
struct ReliabilityOutcome {
  bool failed = false;   // the visit failed (and counts as failed everywhere after)
  bool averted = false;  // it would have failed, but the guard caught it
  bool guard = false;    // the guard after this step
};

// The rules of a visit. A policy type, so tests can run the Monte Carlo engine on a deliberately
// wrong rule and see the comparison with the exact solver catch it.
struct FrictionModel {
  // 1. A failure meets the guard: it is averted and uses the guard up.
  static constexpr ReliabilityOutcome reliability(bool fail_draw, bool guard) {
    if (fail_draw && guard) return {false, true, false};
    return {fail_draw, false, guard};
  }
  // 2. Relevance only bites once the customer has been somewhere before: the company could know them.
  static constexpr bool can_repeat(bool seen) { return seen; }
  // 3. Value below the segment's expectation is a gap.
  // (At value == expectation the gap stays 0 on the side of better value: that is the derivative
  // the sensitivity analysis reports there.)
  template <class T>
  static T value_gap(T expectation, T value) {
    const T gap = expectation - value;
    return gap > 0.0 ? gap : T(0.0);
  }
  // 4. The friction of the visit, by kind. `S` is a Segment (or its numbers, for derivatives).
  // Effort is priced per hour: the touchpoint's minutes over 60.
  template <class S, class T>
  static BasicFrictionParts<T> friction(const S& s, T multiplier, bool failed, bool repeated, T gap, T effort_minutes) {
    BasicFrictionParts<T> f;
    f.part[0] = failed ? multiplier * s.reliability_sensitivity : T(0.0);
    f.part[1] = repeated ? multiplier * s.relevance_sensitivity : T(0.0);
    f.part[2] = multiplier * s.value_sensitivity * gap;
    f.part[3] = multiplier * s.effort_sensitivity * (effort_minutes / 60.0);
    return f;
  }
  // 5. Probability that friction delta makes the customer walk away at this visit.
  template <class T>
  static T abandonment_probability(T delta) {
    using std::expm1;
    return -expm1(-delta);
  }
  // Both probabilities above and below are 1 - e^-x <= x (x = delta, or lambda · load): the
  // walk skips the exponential for a draw at or above x, with the very same decision. A rule
  // that breaks the bound must say false here.
  static constexpr bool probabilities_below_hazard = true;
  // 7. Probability that the customer forgives here (the load goes back to 0): only at a recovery
  // point, and only after a visit that did not fail.
  template <class T>
  static T forgiveness_probability(T recovery_quality, bool failed) {
    if (!(recovery_quality > 0.0) || failed) return T(0.0);
    return forgiveness_floor + forgiveness_span * recovery_quality;
  }
  // 8. Trust arms a guard the customer does not already carry.
  static constexpr bool guard_after_trust(bool guard, bool trust_draw) { return guard || trust_draw; }
  // 9. The transition set: the `fail` rows after a failed visit (an averted failure is no failure).
  static constexpr bool takes_fail_route(bool failed) { return failed; }
  // At a `retained` ending: probability that a customer carrying load L still leaves quietly.
  template <class T>
  static T silent_churn_probability(T lambda, T load) {
    using std::expm1;
    return -expm1(-lambda * load);
  }
  // A routed defection is blamed on reliability when the visit that routed it failed.
  static constexpr int routed_cause(bool failed) { return failed ? 0 : route_cause; }
};

}  // namespace cxsim
