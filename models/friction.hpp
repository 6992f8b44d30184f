#pragma once
// The customer's reaction to one visit: the friction model of docs/model.md, as pure functions
// shared by the Monte Carlo engine and the exact solver.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/segment.hpp"

namespace cxsim {

// The three frictions an abandonment is attributed to, in this order everywhere.
enum class Friction : int { reliability = 0, relevance = 1, value = 2 };
inline constexpr int friction_count = 3;
inline constexpr std::array<const char*, friction_count> friction_names{"reliability", "relevance",
                                                                        "value"};

// Dixon, Toman & DeLisi: 15% forgive a complaint handled very badly, 82% one handled very well.
inline constexpr double forgiveness_floor = 0.15;
inline constexpr double forgiveness_span = 0.82 - 0.15;

inline double forgiveness_probability(double recovery_quality) {
  return forgiveness_floor + forgiveness_span * recovery_quality;
}

inline double value_gap(double expectation, double value) { return std::max(0.0, expectation - value); }

// The parts of the friction of one visit, already scaled by the customer's multiplier.
struct FrictionParts {
  std::array<double, friction_count> part{};
  double total() const { return part[0] + part[1] + part[2]; }
};

inline FrictionParts friction_of_visit(const Segment& s, double multiplier, bool failed, bool repeated,
                                       double gap) {
  FrictionParts f;
  f.part[0] = failed ? multiplier * s.reliability_sensitivity : 0.0;
  f.part[1] = repeated ? multiplier * s.relevance_sensitivity : 0.0;
  f.part[2] = multiplier * s.value_sensitivity * gap;
  return f;
}

// Probability that friction delta makes the customer walk away at this visit.
inline double abandonment_probability(double delta) { return -std::expm1(-delta); }

// Probability that a customer arriving at a `retained` terminal with load L still leaves quietly.
inline double silent_churn_probability(double lambda, double load) { return -std::expm1(-lambda * load); }

// The model as a policy type, so tests can run the engines on a deliberately wrong model and see
// the Monte Carlo / exact comparison catch it.
struct FrictionModel {
  // Relevance only bites once the customer has been somewhere before: the company could know them.
  static constexpr bool can_repeat(bool seen) { return seen; }
};

}  // namespace cxsim
