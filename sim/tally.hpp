#pragma once
// Counts kept while customers walk: per worker thread during a run, summed after. Every figure
// of the field table is kept here; the real ones in fixed point, so the sum is exact in any
// order and a tally does not depend on how customers were split among threads.
#include <array>
#include <cstdint>
#include <vector>

#include "models/friction.hpp"
#include "sim/cache_line.hpp"
#include "sim/figure_fields.hpp"
#include "sim/fixed_sum.hpp"

namespace cxsim {

// How a customer's journey ends.
enum class Ending : int { retained = 0, abandoned, routed_defection, silent_churn, unfinished };
inline constexpr int ending_count = 5;
inline constexpr std::array<const char*, ending_count> ending_names{"retained", "abandoned", "routed_defection",
                                                                    "silent_churn", "unfinished"};
inline constexpr bool is_defection(Ending e) {
  return e == Ending::abandoned || e == Ending::routed_defection || e == Ending::silent_churn;
}

struct TouchpointTally {
  std::array<std::uint64_t, touchpoint_count_figures> count{};
  std::array<FixedSum, touchpoint_real_figures> real{};

  std::uint64_t& operator[](TouchpointFigure f) { return count[f]; }
  std::uint64_t operator[](TouchpointFigure f) const { return count[f]; }
  FixedSum& sum(TouchpointFigure f) { return real[f - touchpoint_count_figures]; }
  // Any figure, as a total over the customers walked.
  double total(int f) const {
    return f < touchpoint_count_figures ? static_cast<double>(count[static_cast<std::size_t>(f)])
                                        : real[static_cast<std::size_t>(f - touchpoint_count_figures)].value();
  }
  bool operator==(const TouchpointTally&) const = default;

  void merge(const TouchpointTally& o) {
    for (std::size_t i = 0; i < count.size(); ++i) count[i] += o.count[i];
    for (std::size_t i = 0; i < real.size(); ++i) real[i].merge(o.real[i]);
  }
};

struct SegmentTally {
  std::uint64_t customers = 0, defections = 0;
  bool operator==(const SegmentTally&) const = default;
};

// Each worker thread counts into its own tally, every visit and every customer. The counts of
// two threads must never share a cache line: a tally and its arrays each start on a line of
// their own (the segment counts are a few bytes, and were laid next to the other thread's:
// two threads then ran at 1.1 times one on a journey of short walks).
struct alignas(cache_line) Tally {
  std::uint64_t customers = 0;
  std::uint64_t steps = 0;  // visits to non-terminal touchpoints
  std::array<std::uint64_t, ending_count> endings{};
  CacheLines<TouchpointTally> touchpoints;
  CacheLines<SegmentTally> segments;

  Tally() = default;
  Tally(std::size_t touchpoint_count, std::size_t segment_count)
      : touchpoints(touchpoint_count), segments(segment_count) {}

  std::uint64_t defections() const {
    return endings[static_cast<int>(Ending::abandoned)] + endings[static_cast<int>(Ending::routed_defection)] +
           endings[static_cast<int>(Ending::silent_churn)];
  }
  bool operator==(const Tally&) const = default;

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
