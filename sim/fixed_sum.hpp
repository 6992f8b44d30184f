#pragma once
// A sum of non-negative reals kept in fixed point (128-bit integer, 2^-32 units), so that it does
// not depend on the order of the additions: a change of chunk size, thread count or lane count
// cannot move its last digits. Each addend is rounded to 2^-32 (2.3e-10), far below any Monte
// Carlo standard error.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace cxsim {

__extension__ typedef unsigned __int128 FixedUnits;

inline constexpr double fixed_scale = 4294967296.0;  // 2^32 units per 1.0
inline constexpr std::uint64_t fixed_one = 1ULL << 32;

// Units of a non-negative finite x, rounded to nearest; saturating far beyond any sane value.
inline FixedUnits to_fixed(double x) {
  const double u = x * fixed_scale + 0.5;
  if (!(u >= 1.0)) return 0;  // also NaN
  if (u < 9.2e18) return static_cast<std::uint64_t>(u);
  if (!(u < 1.0e38)) return static_cast<FixedUnits>(1.0e38);
  return static_cast<FixedUnits>(u);
}

class FixedSum {
 public:
  void add(double x) { units_ += to_fixed(x); }
  void add_units(FixedUnits u) { units_ += u; }
  void merge(const FixedSum& o) { units_ += o.units_; }
  double value() const { return static_cast<double>(units_) / fixed_scale; }
  FixedUnits units() const { return units_; }
  bool operator==(const FixedSum&) const = default;

 private:
  FixedUnits units_ = 0;
};

// One whole (a defection) shared out in proportion to `parts` (non-negative, total > 0): units
// that sum to exactly one whole, so shares of defections add up to the count of defections.
template <std::size_t N>
std::array<std::uint64_t, N> split_one(const std::array<double, N>& parts, double total) {
  std::array<std::uint64_t, N> out{};
  std::uint64_t left = fixed_one;
  std::size_t last = 0;
  for (std::size_t i = 0; i < N; ++i)
    if (parts[i] > 0.0) last = i;
  for (std::size_t i = 0; i < last; ++i) {
    const double share = parts[i] > 0.0 ? parts[i] / total : 0.0;
    const auto u = static_cast<std::uint64_t>(std::min(share, 1.0) * fixed_scale + 0.5);
    out[i] = std::min(u, left);
    left -= out[i];
  }
  out[last] = left;
  return out;
}

}  // namespace cxsim
