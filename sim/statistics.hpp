#pragma once
// Interval estimates for the shares the engine reports.
#include <cstdint>
#include <utility>

namespace cxsim {

inline constexpr double z95 = 1.959963984540054;

struct Interval {
  double lo = 0.0, hi = 0.0;
  double half_width() const { return (hi - lo) / 2.0; }
};

// Wilson score interval for `successes` out of `trials` (trials > 0).
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z = z95);

}  // namespace cxsim
