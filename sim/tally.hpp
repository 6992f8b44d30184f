#pragma once
// Counts kept while customers walk: per thread during a run, merged in a fixed order after.
#include <array>
#include <cstdint>
#include <vector>

#include "models/friction.hpp"

namespace cxsim {

// How a customer's journey ends.
enum class Ending : int { retained = 0, abandoned, routed_defection, silent_churn, unfinished };
inline constexpr int ending_count = 5;
inline constexpr std::array<const char*, ending_count> ending_names{
    "retained", "abandoned", "routed_defection", "silent_churn", "unfinished"};
inline constexpr bool is_defection(Ending e) {
  return e == Ending::abandoned || e == Ending::routed_defection || e == Ending::silent_churn;
}

struct TouchpointTally {
  std::uint64_t visits = 0, failures = 0, averted = 0, repeats = 0, abandoned = 0, recoveries = 0;
  std::array<double, friction_count> abandoned_by{};  // abandonments split by friction share
  std::array<double, friction_count> friction{};      // friction added here, by kind

  void merge(const TouchpointTally& o) {
    visits += o.visits;
    failures += o.failures;
    averted += o.averted;
    repeats += o.repeats;
    abandoned += o.abandoned;
    recoveries += o.recoveries;
    for (int c = 0; c < friction_count; ++c) {
      abandoned_by[c] += o.abandoned_by[c];
      friction[c] += o.friction[c];
    }
  }
};

struct SegmentTally {
  std::uint64_t customers = 0, defections = 0;
};

struct Tally {
  std::uint64_t customers = 0;
  std::uint64_t steps = 0;  // visits to non-terminal touchpoints
  std::array<std::uint64_t, ending_count> endings{};
  std::vector<TouchpointTally> touchpoints;
  std::vector<SegmentTally> segments;

  Tally() = default;
  Tally(std::size_t touchpoint_count, std::size_t segment_count)
      : touchpoints(touchpoint_count), segments(segment_count) {}

  std::uint64_t defections() const {
    return endings[static_cast<int>(Ending::abandoned)] +
           endings[static_cast<int>(Ending::routed_defection)] +
           endings[static_cast<int>(Ending::silent_churn)];
  }

  void merge(const Tally& o) {
    customers += o.customers;
    steps += o.steps;
    for (int e = 0; e < ending_count; ++e) endings[e] += o.endings[e];
    for (std::size_t k = 0; k < touchpoints.size(); ++k) touchpoints[k].merge(o.touchpoints[k]);
    for (std::size_t s = 0; s < segments.size(); ++s) {
      segments[s].customers += o.segments[s].customers;
      segments[s].defections += o.segments[s].defections;
    }
  }
};

}  // namespace cxsim
