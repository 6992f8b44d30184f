#pragma once
// Expected figures per customer, as both engines report them: Monte Carlo estimates them from a
// tally, the exact solver computes them.
#include <array>
#include <vector>

#include "models/friction.hpp"
#include "sim/tally.hpp"

namespace cxsim {

struct TouchpointFigures {
  double visits = 0, failures = 0, averted = 0, repeats = 0, abandoned = 0, recoveries = 0;
  std::array<double, friction_count> abandoned_by{};
  std::array<double, friction_count> friction{};
};

struct SegmentFigures {
  double share = 0;           // share of customers in the segment
  double defection_rate = 0;  // defections among the segment's customers
};

struct Figures {
  std::array<double, ending_count> outcomes{};  // shares of customers, by Ending
  std::vector<TouchpointFigures> touchpoints;
  std::vector<SegmentFigures> segments;

  double outcome(Ending e) const { return outcomes[static_cast<int>(e)]; }
  double defection_rate() const {
    return outcome(Ending::abandoned) + outcome(Ending::routed_defection) +
           outcome(Ending::silent_churn);
  }
  // Abandonments of all touchpoints, split by the friction they are attributed to.
  std::array<double, friction_count> abandonment_by_cause() const {
    std::array<double, friction_count> total{};
    for (const auto& t : touchpoints)
      for (int c = 0; c < friction_count; ++c) total[c] += t.abandoned_by[c];
    return total;
  }
};

// Means per customer of a Monte Carlo tally.
inline Figures figures_of(const Tally& t) {
  Figures f;
  const double n = t.customers > 0 ? static_cast<double>(t.customers) : 1.0;
  for (int e = 0; e < ending_count; ++e) f.outcomes[e] = static_cast<double>(t.endings[e]) / n;
  for (const auto& k : t.touchpoints) {
    TouchpointFigures x;
    x.visits = static_cast<double>(k.visits) / n;
    x.failures = static_cast<double>(k.failures) / n;
    x.averted = static_cast<double>(k.averted) / n;
    x.repeats = static_cast<double>(k.repeats) / n;
    x.abandoned = static_cast<double>(k.abandoned) / n;
    x.recoveries = static_cast<double>(k.recoveries) / n;
    for (int c = 0; c < friction_count; ++c) {
      x.abandoned_by[c] = k.abandoned_by[c] / n;
      x.friction[c] = k.friction[c] / n;
    }
    f.touchpoints.push_back(x);
  }
  for (const auto& s : t.segments) {
    SegmentFigures x;
    x.share = static_cast<double>(s.customers) / n;
    x.defection_rate =
        s.customers > 0 ? static_cast<double>(s.defections) / static_cast<double>(s.customers) : 0.0;
    f.segments.push_back(x);
  }
  return f;
}

}  // namespace cxsim
