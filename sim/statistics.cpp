#include "sim/statistics.hpp"

#include <boost/math/distributions/binomial.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cxsim {

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z) {
  if (trials == 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
  const double half = z / (1.0 + z2 / n) * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

PairedDifference paired_difference(std::uint64_t baseline_only, std::uint64_t variant_only, std::uint64_t n) {
  PairedDifference d;
  if (n == 0) return d;
  const double nn = static_cast<double>(n);
  const double b = static_cast<double>(baseline_only), c = static_cast<double>(variant_only);
  d.difference = (c - b) / nn;
  // Sample variance of the per-customer differences: sum d^2 = b + c, sum d = c - b.
  const double variance = n > 1 ? std::max(0.0, (b + c - (c - b) * (c - b) / nn) / (nn - 1.0)) : 0.0;
  d.standard_error = std::sqrt(variance / nn);
  d.ci95 = {d.difference - z95 * d.standard_error, d.difference + z95 * d.standard_error};
  const std::uint64_t m = baseline_only + variant_only;
  if (m > 0) {
    const boost::math::binomial_distribution<double> discordant(static_cast<double>(m), 0.5);
    const double k = static_cast<double>(std::min(baseline_only, variant_only));
    d.p_value = std::min(1.0, 2.0 * boost::math::cdf(discordant, k));
  }
  return d;
}

double unpaired_standard_error(double pb, double pv, std::uint64_t n) {
  if (n == 0) return 0.0;
  const double nn = static_cast<double>(n);
  return std::sqrt(std::max(0.0, pb * (1.0 - pb)) / nn + std::max(0.0, pv * (1.0 - pv)) / nn);
}

const char* to_string(Adjustment a) {
  switch (a) {
    case Adjustment::holm: return "holm";
    case Adjustment::bonferroni: return "bonferroni";
    case Adjustment::none: break;
  }
  return "none";
}

std::vector<double> adjust_p_values(const std::vector<double>& p, Adjustment how) {
  const std::size_t m = p.size();
  std::vector<double> out(p);
  if (how == Adjustment::none || m == 0) return out;
  if (how == Adjustment::bonferroni) {
    for (auto& x : out) x = std::min(1.0, x * static_cast<double>(m));
    return out;
  }
  // Holm: step down through the p-values in increasing order, never letting an adjusted value
  // fall below the one before it.
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double running = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - i) * p[order[i]]));
    out[order[i]] = running;
  }
  return out;
}

}  // namespace cxsim
