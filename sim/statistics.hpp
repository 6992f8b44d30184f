#pragma once
// Interval estimates and tests for the shares the engine reports and for paired differences.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cxsim {

inline constexpr double z95 = 1.959963984540054;

struct Interval {
  double lo = 0.0, hi = 0.0;
  double half_width() const { return (hi - lo) / 2.0; }
};

// Wilson score interval for `successes` out of `trials` (trials > 0).
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z = z95);

// The difference of a share between two arms measured on the same n customers (variant minus
// baseline), from the discordant customers: those counted in the baseline only and in the
// variant only. The interval is the normal one from the paired per-customer differences (each
// -1, 0 or +1); the p-value is McNemar's exact (binomial) test of the discordant counts.
struct PairedDifference {
  double difference = 0.0;
  double standard_error = 0.0;
  Interval ci95;
  double p_value = 1.0;
};
PairedDifference paired_difference(std::uint64_t baseline_only, std::uint64_t variant_only, std::uint64_t n);

// The standard error the same difference would have from two independent runs of n customers
// each, with shares p_baseline and p_variant: what pairing saves.
double unpaired_standard_error(double p_baseline, double p_variant, std::uint64_t n);

// p-values adjusted for testing several redesigns at once.
enum class Adjustment { holm, bonferroni, none };
const char* to_string(Adjustment a);
std::vector<double> adjust_p_values(const std::vector<double>& p, Adjustment how);

}  // namespace cxsim
