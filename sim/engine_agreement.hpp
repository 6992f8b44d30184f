#pragma once
// The Monte Carlo engine and the exact solver checked against each other, figure by figure: how
// many standard errors of the Monte Carlo estimate apart they are. Used by `cxsim validate` and
// by the tests. Header-only.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/exact_solver.hpp"
#include "sim/figures.hpp"
#include "sim/monte_carlo.hpp"

namespace cxsim {

struct FigureCheck {
  std::string figure;  // e.g. "outcomes.retained", "touchpoints.<id>.visits"
  double monte_carlo = 0.0, exact = 0.0, standard_error = 0.0;
  double z = 0.0;  // (monte_carlo - exact) / standard_error
};

struct Agreement {
  std::vector<FigureCheck> checks;

  double max_abs_z() const {
    double z = 0.0;
    for (const auto& c : checks) z = std::max(z, std::abs(c.z));
    return z;
  }
  // The engines agree when no figure is more than `limit` standard errors apart (a NaN z never
  // agrees).
  bool agrees(double limit = 5.0) const {
    return std::all_of(checks.begin(), checks.end(), [&](const FigureCheck& c) { return std::abs(c.z) <= limit; });
  }
  // The check with the largest |z| (nullptr without checks).
  const FigureCheck* worst() const {
    const FigureCheck* w = nullptr;
    for (const auto& c : checks)
      if (!w || !(std::abs(c.z) <= std::abs(w->z))) w = &c;
    return w;
  }
};

namespace agreement_detail {

// Per-customer mean of a counter, for one tally.
template <class Get>
double mean_of(const Tally& t, Get get) {
  return t.customers > 0 ? get(t) / static_cast<double>(t.customers) : 0.0;
}

inline FigureCheck make_check(std::string name, double mc, double exact, double se, double n) {
  // The floor 1/n keeps an event of tiny probability (se ~ 0) from giving z = infinity: one
  // customer's worth of difference is never more than about one standard error.
  const double floor = n > 0.0 ? 1.0 / n : 1.0;
  const double s = std::sqrt(se * se + floor * floor);
  return FigureCheck{std::move(name), mc, exact, s, (mc - exact) / s};
}

// A share of n customers: binomial standard error with the exact p.
inline FigureCheck share_check(std::string name, double mc, double exact, double n) {
  const double p = std::clamp(exact, 0.0, 1.0);
  const double se = n > 0.0 ? std::sqrt(p * (1.0 - p) / n) : 0.0;
  return make_check(std::move(name), mc, exact, se, n);
}

// Smallest variance an integer-valued count with mean mu can have (its fractional part f split
// between the two nearest integers): f (1 - f).
inline double least_count_variance(double mu) {
  const double f = mu - std::floor(mu);
  return std::isfinite(f) ? f * (1.0 - f) : 0.0;
}

// A mean per customer: standard error by batch means. For a count (an integer per customer) the
// variance is at least least_count_variance(exact mean): used as a lower bound, so a rare event
// that the Monte Carlo happened to see too seldom cannot shrink its own standard error.
// A share (each customer gives a part of one defection, in [0, 1]) expected fewer than ten times
// among the customers walked: batch means cannot see its spread (with no event at all they say
// 0), so it gets the binomial standard error of a whole share, an upper bound on its variance.
inline constexpr double rare_share_events = 10.0;

template <class Get>
FigureCheck mean_check(std::string name, const Tally& total, const std::vector<Tally>& batches, double exact,
                       FigureKind kind, Get get) {
  const bool integer_count = kind == FigureKind::count;
  const double mc = mean_of(total, get);
  double se = 0.0;
  const std::size_t b = batches.size();
  if (b > 1) {
    double sum = 0.0;
    std::vector<double> means;
    means.reserve(b);
    for (const auto& t : batches) {
      means.push_back(mean_of(t, get));
      sum += means.back();
    }
    const double centre = sum / static_cast<double>(b);
    double ss = 0.0;
    for (const double m : means) ss += (m - centre) * (m - centre);
    se = std::sqrt(ss / static_cast<double>(b - 1)) / std::sqrt(static_cast<double>(b));
  }
  const double n = static_cast<double>(total.customers);
  if (integer_count && total.customers > 0) se = std::max(se, std::sqrt(least_count_variance(exact) / n));
  if (kind == FigureKind::share && total.customers > 0 && exact * n < rare_share_events) {
    const double p = std::clamp(exact, 0.0, 1.0);
    se = std::max(se, std::sqrt(p * (1.0 - p) / n));
  }
  return make_check(std::move(name), mc, exact, se, static_cast<double>(total.customers));
}

}  // namespace agreement_detail

// Runs customers [0, customers) of the Monte Carlo engine (on the given model) as `batches`
// equal consecutive batches and checks every figure against the exact solution:
//   defection_rate, outcomes.<ending>, abandonment_by_cause.<friction>,
//   defections_by_cause.<cause>, touchpoints.<id>.<every figure of the field table>,
//   segments.<name>.defection_rate.
// Shares use the binomial standard error with the exact p, means per customer the batch-means
// standard error (for counts at least the least variance a count with the exact mean can have;
// for rare shares, fewer than ten expected, at least a whole share's binomial variance);
// every standard error gets the floor 1/n. The exact solution has an infinite
// horizon, so max_steps truncation shows up as disagreement (outcomes.unfinished).
template <class Model = FrictionModel>
Agreement compare_engines(const Journey& journey, const Population& population, const WalkSettings& settings,
                          std::uint64_t customers, const ExactSolution& exact, int batches = 40) {
  using namespace agreement_detail;
  const std::uint64_t b = static_cast<std::uint64_t>(std::max(1, batches));
  std::vector<Tally> parts;
  parts.reserve(b);
  Tally total(journey.size(), population.size());
  for (std::uint64_t i = 0; i < b; ++i) {
    const std::uint64_t first = customers * i / b, last = customers * (i + 1) / b;
    parts.push_back(simulate_customers<Model>(journey, population, settings, first, last));
    total.merge(parts.back());
  }
  const double n = static_cast<double>(total.customers);
  const Figures& x = exact.figures;

  Agreement a;
  a.checks.push_back(share_check("defection_rate", n > 0.0 ? static_cast<double>(total.defections()) / n : 0.0,
                                 x.defection_rate(), n));
  for (int e = 0; e < ending_count; ++e)
    a.checks.push_back(share_check(std::string("outcomes.") + ending_names[e],
                                   n > 0.0 ? static_cast<double>(total.endings[e]) / n : 0.0, x.outcomes[e], n));
  // A figure summed over every touchpoint.
  auto summed = [&](std::string name, int first, int c) {
    double exact_total = 0.0;
    for (const auto& t : x.touchpoints) exact_total += t[first + c];
    a.checks.push_back(
        mean_check(std::move(name), total, parts, exact_total, FigureKind::share, [first, c](const Tally& t) {
          double s = 0.0;
          for (const auto& k : t.touchpoints) s += k.total(first + c);
          return s;
        }));
  };
  for (int c = 0; c < friction_count; ++c)
    summed(std::string("abandonment_by_cause.") + friction_names[c], fig_abandoned_by, c);
  for (int c = 0; c < cause_count; ++c) summed(std::string("defections_by_cause.") + cause_names[c], fig_cause, c);
  for (std::size_t k = 0; k < journey.size(); ++k) {
    const std::string prefix = "touchpoints." + journey.touchpoint(k).id + ".";
    for (int f = 0; f < touchpoint_figure_count; ++f) {
      const FigureKind kind = touchpoint_figure_fields[static_cast<std::size_t>(f)].kind;
      a.checks.push_back(mean_check(prefix + figure_name(f), total, parts, x.touchpoints[k][f], kind,
                                    [k, f](const Tally& t) { return t.touchpoints[k].total(f); }));
    }
  }
  for (std::size_t s = 0; s < population.size() && s < x.segments.size(); ++s) {
    const auto& seg = total.segments[s];
    if (seg.customers == 0) continue;  // nobody of this segment walked: nothing to compare
    const double m = static_cast<double>(seg.customers);
    a.checks.push_back(share_check("segments." + population.segment(s).name + ".defection_rate",
                                   static_cast<double>(seg.defections) / m, x.segments[s].defection_rate, m));
  }
  return a;
}

}  // namespace cxsim
