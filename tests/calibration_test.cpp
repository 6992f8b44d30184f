// calibrate: the likelihood's exact gradient against finite differences, recovery of known
// parameters from counts simulated by the Monte Carlo engine (fixed seeds), identifiability
// warnings, OBSERVED.yaml checks with file:line, and FITTED.yaml round trips.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.hpp"
#include "io/fit_parameters.hpp"
#include "io/observed_loader.hpp"
#include "io/scenario.hpp"
#include "random_journeys.hpp"
#include "sim/calibration.hpp"
#include "sim/exact_gradient.hpp"
#include "sim/segment_chain.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using test::Dice;
using test::touchpoint;

// Exact figures on fixed multiplier rules (those of `at`), so that a finite difference sees no
// change of quadrature.
ExactSolution solution_on_rules(const Journey& j, const Population& p, const ExactSolution& at) {
  ExactSolution out;
  out.multiplier_rules = at.multiplier_rules;
  for (std::size_t s = 0; s < p.size(); ++s) {
    SegmentChain chain(j, s, p.segment(s));
    const auto& rule = at.multiplier_rules[s];
    double residual = 0.0;
    Figures sum;
    sum.touchpoints.assign(j.size(), TouchpointFigures{});
    for (std::size_t i = 0; i < rule.weight.size(); ++i) {
      const Figures f = chain.solve(rule.multiplier[i], residual);
      for (int e = 0; e < ending_count; ++e) sum.outcomes[e] += rule.weight[i] * f.outcomes[e];
      for (std::size_t k = 0; k < j.size(); ++k)
        for (int x = 0; x < touchpoint_figure_count; ++x) sum.touchpoints[k][x] += rule.weight[i] * f.touchpoints[k][x];
    }
    out.segment_figures.push_back(std::move(sum));
  }
  return out;
}

// Counts of `n` customers as the exact solver expects them, scaled by (1 + wobble) per count
// (so that the likelihood's gradient is not 0), and rounded.
ObservedGroup expected_counts(const Journey& j, const Population& p, const ExactSolution& at,
                              std::vector<std::size_t> segments, double n, Dice* wobble) {
  ObservedGroup g;
  g.segments = segments;
  g.customers = n;
  double share_sum = 0.0;
  for (const auto s : segments) share_sum += p.segment(s).share;
  const auto mean = [&](auto&& figure) {
    double v = 0.0;
    for (const auto s : segments) v += p.segment(s).share / share_sum * figure(at.segment_figures[s]);
    return v;
  };
  const auto count = [&](double expected) {
    return std::round(expected * (wobble ? 1.0 + wobble->uniform(-0.05, 0.05) : 1.0));
  };
  double sum = 0.0;
  for (int e = 1; e < 4; ++e) {
    g.outcomes[e] = count(n * mean([&](const Figures& f) { return f.outcomes[e]; }));
    sum += *g.outcomes[e];
  }
  if (sum > n) {  // the wobble must not leave fewer than no customers retained
    const double scale = n / sum;
    sum = 0.0;
    for (int e = 1; e < 4; ++e) sum += *(g.outcomes[e] = std::floor(*g.outcomes[e] * scale));
  }
  g.outcomes[0] = n - sum;
  for (std::size_t k = 0; k < j.size(); ++k) {
    ObservedTouchpoint o;
    o.touchpoint = k;
    const double visits = count(n * mean([&](const Figures& f) { return f.touchpoints[k][fig_visits]; }));
    o.counts[weight_visits] = visits;
    if (!j.is_terminal(k)) {
      const std::array<int, 3> figures{fig_failures, fig_repeats, fig_abandoned};
      for (int f = 0; f < 3; ++f) {
        const double share = mean([&](const Figures& x) { return x.touchpoints[k][figures[f]]; }) /
                             std::max(1e-300, mean([&](const Figures& x) { return x.touchpoints[k][fig_visits]; }));
        o.counts[static_cast<std::size_t>(f) + 1] = std::min(visits, count(visits * share));
      }
    }
    g.touchpoints.push_back(o);
  }
  return g;
}

std::vector<std::size_t> all_segments(const Population& p) {
  std::vector<std::size_t> s(p.size());
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = i;
  return s;
}

double log_likelihood_on_rules(const Journey& j, const Population& p, const ExactSolution& at,
                               const ObservedData& data) {
  return log_likelihood(j, p, solution_on_rules(j, p, at), data, false).fit.log_likelihood;
}

TEST(CalibrationLikelihood, GradientMatchesCentralDifferencesOnGeneratedJourneys) {
  const auto all = test::scenarios();
  Dice wobble(17);
  int checked = 0, with_heterogeneity = 0, by_segment = 0;
  for (std::size_t n = 0; n < 30; ++n) {
    const auto& [j, p] = all[n];
    const ExactSolution at = solve_exact(j, p);
    with_heterogeneity += at.quadrature;
    // All customers with some counts missing, and (with several segments) the first segment's
    // own counts beside those of the others.
    ObservedData data;
    if (p.size() > 1) {
      ++by_segment;
      data.groups.push_back(expected_counts(j, p, at, {0}, 40000, &wobble));
      std::vector<std::size_t> rest = all_segments(p);
      rest.erase(rest.begin());
      data.groups.push_back(expected_counts(j, p, at, rest, 60000, &wobble));
    } else {
      data.groups.push_back(expected_counts(j, p, at, {0}, 100000, &wobble));
    }
    ObservedGroup& g = data.groups.back();
    g.outcomes[static_cast<int>(Ending::silent_churn)].reset();  // pooled with the customers left over
    if (!g.touchpoints.empty()) g.touchpoints.front().counts[weight_visits].reset();  // Poisson counts
    const Likelihood l = log_likelihood(j, p, at, data, true);
    ASSERT_TRUE(std::isfinite(l.fit.log_likelihood)) << "journey " << n;
    ASSERT_NEAR(log_likelihood_on_rules(j, p, at, data), l.fit.log_likelihood, 1e-6 * std::fabs(l.fit.log_likelihood))
        << "journey " << n;
    const FiguresGradient grad = figures_gradient(j, p, at, l.weights);
    constexpr double h = 1e-6;
    for (std::size_t k = 0; k < j.size(); ++k) {
      if (j.is_terminal(k)) continue;
      for (const auto a :
           {TouchpointAttribute::reliability, TouchpointAttribute::relevance, TouchpointAttribute::trust}) {
        const double v = attribute_of(j.touchpoint(k), a);
        if (!(v > 2 * h && v < 1 - 2 * h) || !grad.touchpoint[k][static_cast<std::size_t>(a)]) continue;
        const double fd = (log_likelihood_on_rules(with_attribute(j, k, a, v + h), p, at, data) -
                           log_likelihood_on_rules(with_attribute(j, k, a, v - h), p, at, data)) /
                          (2 * h);
        EXPECT_NEAR(*grad.touchpoint[k][static_cast<std::size_t>(a)], fd, 1e-4 * std::fabs(fd) + 1e-3)
            << "journey " << n << " " << j.touchpoint(k).id << "."
            << touchpoint_attribute_names[static_cast<std::size_t>(a)];
        ++checked;
      }
    }
    for (std::size_t s = 0; s < p.size(); ++s)
      for (int q = 0; q < segment_parameter_count; ++q) {
        const auto parameter = static_cast<SegmentParameter>(q);
        const double v = parameter_of(p.segment(s), parameter);
        if (!(v > 2 * h) || (parameter == SegmentParameter::value_expectation && v > 1 - 2 * h)) continue;
        const double fd = (log_likelihood_on_rules(j, with_parameter(p, s, parameter, v + h), at, data) -
                           log_likelihood_on_rules(j, with_parameter(p, s, parameter, v - h), at, data)) /
                          (2 * h);
        EXPECT_NEAR(grad.segment[s][static_cast<std::size_t>(q)], fd, 1e-4 * std::fabs(fd) + 1e-3)
            << "journey " << n << " segment " << p.segment(s).name << " "
            << segment_parameter_names[static_cast<std::size_t>(q)];
        ++checked;
      }
  }
  EXPECT_GT(checked, 300);
  EXPECT_GT(with_heterogeneity, 3);
  EXPECT_GT(by_segment, 5);
}

// A value of the journey's first touchpoints or segments to fit, with its true value.
std::vector<FitParameter> recoverable_parameters(const Journey& j, const Population& p) {
  std::vector<FitParameter> out;
  const Figures f = solve_exact(j, p).figures;
  const auto visited = [&](std::size_t k) { return f.touchpoints[k][fig_visits] > 0.1; };
  int reliabilities = 0;
  for (std::size_t k = 0; k < j.size() && reliabilities < 2; ++k) {
    if (j.is_terminal(k) || !visited(k) || !(j.reliability()[k] > 0.05 && j.reliability()[k] < 0.95)) continue;
    ParameterRef r;
    r.touchpoint = k;
    r.attribute = TouchpointAttribute::reliability;
    out.push_back({r, j.touchpoint(k).id + ".reliability"});
    ++reliabilities;
  }
  for (std::size_t k = 0; k < j.size(); ++k) {
    if (j.is_terminal(k) || !visited(k) || !(j.relevance()[k] > 0.05 && j.relevance()[k] < 0.95) || k == 0) continue;
    ParameterRef r;
    r.touchpoint = k;
    r.attribute = TouchpointAttribute::relevance;
    out.push_back({r, j.touchpoint(k).id + ".relevance"});
    break;
  }
  if (p.segment(0).reliability_sensitivity > 0.1) {
    ParameterRef r;
    r.segment = std::size_t{0};
    r.parameter = SegmentParameter::reliability_sensitivity;
    out.push_back({r, "segment:" + p.segment(0).name + ".sensitivity.reliability"});
  }
  return out;
}

// Counts of a Monte Carlo run, as an analyst would observe them: every outcome and every
// touchpoint's visits, failures, repeats and abandonments, for all customers together.
ObservedData observed_from(const Journey& j, const Population& p, const Tally& t) {
  ObservedGroup g;
  g.segments = all_segments(p);
  g.customers = static_cast<double>(t.customers - t.endings[static_cast<int>(Ending::unfinished)]);
  for (int e = 0; e < 4; ++e) g.outcomes[e] = static_cast<double>(t.endings[e]);
  for (std::size_t k = 0; k < j.size(); ++k) {
    ObservedTouchpoint o;
    o.touchpoint = k;
    o.counts[weight_visits] = t.touchpoints[k].total(fig_visits);
    if (!j.is_terminal(k)) {
      o.counts[weight_failures] = t.touchpoints[k].total(fig_failures);
      o.counts[weight_repeats] = t.touchpoints[k].total(fig_repeats);
      o.counts[weight_abandoned] = t.touchpoints[k].total(fig_abandoned);
    }
    g.touchpoints.push_back(o);
  }
  ObservedData d;
  d.groups.push_back(std::move(g));
  return d;
}

// Statistical, fixed seeds: counts of 60,000 simulated customers per dataset, two datasets per
// journey; the fit starts from perturbed values. A 95% interval should hold the truth about
// 95% of the time; we ask for 85% of about 60 intervals (a binomial tail below 1%).
TEST(Calibration, RecoversKnownParametersWithinTheirIntervalsAtAboutTheNominalRate) {
  const auto all = test::scenarios();
  int intervals = 0, covered = 0, journeys = 0, with_heterogeneity = 0, with_routes = 0;
  for (std::size_t n = 0; n < all.size() && journeys < 10; ++n) {
    const auto& [truth_j, truth_p] = all[n];
    const std::vector<FitParameter> params = recoverable_parameters(truth_j, truth_p);
    if (params.size() < 3) continue;
    ++journeys;
    with_routes += truth_j.segments() > 0 && truth_p.size() > 1;
    bool heterogeneous = false;
    for (const auto& s : truth_p.segments()) heterogeneous = heterogeneous || s.heterogeneity > 0.0;
    with_heterogeneity += heterogeneous;
    std::vector<ParameterRef> refs;
    std::vector<double> truth, start;
    for (const auto& f : params) {
      refs.push_back(f.ref);
      truth.push_back(f.ref.value(truth_j, truth_p));
      start.push_back(f.ref.touchpoint ? std::clamp(truth.back() + 0.1, 0.05, 0.95) : truth.back() * 1.5);
    }
    const auto [start_j, start_p] = with_values(truth_j, truth_p, refs, start);
    const double true_rate = solve_exact(truth_j, truth_p).figures.defection_rate();
    for (std::uint64_t seed : {101u, 202u}) {
      const Tally t = test::simulate(truth_j, truth_p, 60000, seed + n);
      const ObservedData data = observed_from(truth_j, truth_p, t);
      CalibrationSettings settings;
      settings.starts = 2;
      const CalibrationResult r = calibrate(start_j, start_p, params, data, nullptr, settings);
      for (std::size_t i = 0; i < params.size(); ++i) {
        const FittedParameter& f = r.parameters[i];
        std::string warnings;
        for (const auto& w : r.warnings) warnings += w + "\n";
        ASSERT_TRUE(f.se.has_value()) << params[i].name << " of journey " << n << ": fitted " << f.fitted << ", truth "
                                      << truth[i] << "\n"
                                      << warnings;
        ++intervals;
        covered += std::fabs(f.fitted - truth[i]) <= 1.959963984540054 * *f.se;
      }
      // The fitted journey's defection rate is the truth's, within 5 standard errors of a share.
      const double se = std::sqrt(true_rate * (1 - true_rate) / 60000.0);
      EXPECT_NEAR(r.defection_rate_fitted, true_rate, 5 * se) << "journey " << n;
    }
  }
  std::printf("[ coverage ] %d of %d 95%% intervals hold the truth\n", covered, intervals);
  EXPECT_GE(journeys, 8);
  EXPECT_GE(with_heterogeneity, 2);
  EXPECT_GE(with_routes, 1);
  EXPECT_GE(covered, static_cast<int>(std::ceil(0.85 * intervals))) << covered << " of " << intervals << " intervals";
  EXPECT_LE(covered, intervals);
}

// start -> (works) done, (fails) done; failures make customers abandon.
struct OneStep {
  Journey journey;
  Population population;
};
OneStep one_step(double reliability, double sensitivity) {
  std::vector<Touchpoint> tps{touchpoint("apply", reliability), test::retained("done")};
  std::vector<Transition> edges{{0, 1, 1.0, When::any}};
  return {Journey(std::move(tps), std::move(edges), 0), Population({test::segment(sensitivity)})};
}

std::vector<FitParameter> reliability_and_sensitivity() {
  ParameterRef r;
  r.touchpoint = std::size_t{0};
  r.attribute = TouchpointAttribute::reliability;
  ParameterRef a;
  a.segment = std::size_t{0};
  a.parameter = SegmentParameter::reliability_sensitivity;
  return {{r, "apply.reliability"}, {a, "segment:s.sensitivity.reliability"}};
}

// Customers of the one segment, of whom only the abandonments were counted.
ObservedGroup abandonments_only(double customers, double abandoned) {
  ObservedGroup g;
  g.segments = {0};
  g.customers = customers;
  g.outcomes[static_cast<int>(Ending::abandoned)] = abandoned;
  return g;
}

TEST(Calibration, FlagsParametersTheDataCannotSeparateByName) {
  // Only abandonment observed: (1 - reliability)(1 - e^-a) is all the data can see.
  const OneStep truth = one_step(0.7, 0.5);
  const ExactSolution at = solve_exact(truth.journey, truth.population);
  const ObservedData data{"test",
                          {abandonments_only(100000, std::round(100000 * at.figures.outcome(Ending::abandoned)))}};
  const OneStep start = one_step(0.8, 0.3);
  const CalibrationResult r =
      calibrate(start.journey, start.population, reliability_and_sensitivity(), data, nullptr, CalibrationSettings{});
  bool flagged = false;
  for (const auto& w : r.warnings)
    flagged = flagged ||
              (w.find("cannot separate") != std::string::npos && w.find("apply.reliability") != std::string::npos &&
               w.find("segment:s.sensitivity.reliability") != std::string::npos);
  EXPECT_TRUE(flagged);
  EXPECT_FALSE(r.parameters[0].se.has_value());
  EXPECT_FALSE(r.parameters[1].se.has_value());
  // The one thing the data do say is fitted: the abandonment share.
  EXPECT_NEAR(r.defection_rate_fitted, at.figures.defection_rate(), 1e-5);
}

TEST(Calibration, SeparatesThemOnceFailuresAreObserved) {
  const OneStep truth = one_step(0.7, 0.5);
  const ExactSolution at = solve_exact(truth.journey, truth.population);
  ObservedData data{"test", {expected_counts(truth.journey, truth.population, at, {0}, 100000, nullptr)}};
  const OneStep start = one_step(0.8, 0.3);
  const CalibrationResult r =
      calibrate(start.journey, start.population, reliability_and_sensitivity(), data, nullptr, CalibrationSettings{});
  for (const auto& w : r.warnings) EXPECT_EQ(w.find("cannot separate"), std::string::npos) << w;
  EXPECT_NEAR(r.parameters[0].fitted, 0.7, 3 * *r.parameters[0].se);
  EXPECT_NEAR(r.parameters[1].fitted, 0.5, 3 * *r.parameters[1].se);
}

std::string describe(const CalibrationResult& r) {
  std::ostringstream o;
  for (const auto& s : r.starts)
    o << "\n  start: " << s.log_likelihood << " after " << s.evaluations << " evaluations, " << s.status;
  for (const auto& w : r.warnings) o << "\n  warning: " << w;
  return o.str();
}

TEST(Calibration, ExactCountsOfEachSegmentAreFittedToTheTruth) {
  // Two segments observed apart (one of them walks a route of its own): with counts equal to the
  // expected ones the fit lands on the truth, up to the rounding of counts.
  const auto all = test::scenarios();
  int done = 0;
  for (std::size_t n = 0; n < all.size() && done < 3; ++n) {
    const auto& [j, p] = all[n];
    if (p.size() < 2) continue;
    const DefectionGradient d = defection_gradient(j, p, solve_exact(j, p));
    std::vector<FitParameter> params;
    for (std::size_t s = 0; s < 2; ++s) {
      // Only where value gaps exist: elsewhere the data say nothing about it (a warning says so).
      const double slope = d.segment[s][static_cast<std::size_t>(SegmentParameter::value_sensitivity)];
      if (!(p.segment(s).value_sensitivity > 0.2) || !(std::fabs(slope) > 1e-3)) continue;
      ParameterRef r;
      r.segment = s;
      r.parameter = SegmentParameter::value_sensitivity;
      params.push_back({r, "segment:" + p.segment(s).name + ".sensitivity.value"});
    }
    if (params.size() < 2) continue;
    ++done;
    const ExactSolution at = solve_exact(j, p);
    ObservedData data;
    for (std::size_t s = 0; s < p.size(); ++s) {
      data.groups.push_back(expected_counts(j, p, at, {s}, 1e7, nullptr));
      data.groups.back().name = p.segment(s).name;
    }
    std::vector<ParameterRef> refs;
    std::vector<double> start;
    for (const auto& f : params) {
      refs.push_back(f.ref);
      start.push_back(f.ref.value(j, p) * 1.6);
    }
    const auto [sj, sp] = with_values(j, p, refs, start);
    const CalibrationResult r = calibrate(sj, sp, params, data, nullptr, CalibrationSettings{});
    for (std::size_t i = 0; i < params.size(); ++i)
      EXPECT_NEAR(r.parameters[i].fitted, params[i].ref.value(j, p), 2e-3)
          << params[i].name << " of journey " << n << describe(r);
    bool named = false;
    for (const auto& row : r.fit.rows) named = named || row.measure.rfind("segment:" + p.segment(0).name + ".", 0) == 0;
    EXPECT_TRUE(named);
  }
  EXPECT_EQ(done, 3);
}

// The fit's steps and the information's columns reuse prepared chains, the columns in parallel:
// the fitted values, intervals and likelihoods are the same bits on one thread and on two,
// heterogeneous segments (whose multiplier nodes are differentiated in parallel too) included.
TEST(Calibration, SameBitsOnOneAndTwoThreads) {
  const auto all = test::scenarios();
  Dice wobble(23);
  int done = 0, heterogeneous = 0;
  for (std::size_t n = 0; n < all.size() && done < 6; ++n) {
    const auto& [j, p] = all[n];
    std::vector<FitParameter> params;
    for (std::size_t k = 0; k < j.size() && params.size() < 4; ++k) {
      if (j.is_terminal(k) || !(j.reliability()[k] > 0.05 && j.reliability()[k] < 0.95)) continue;
      ParameterRef r;
      r.touchpoint = k;
      r.attribute = TouchpointAttribute::reliability;
      params.push_back({r, j.touchpoints()[k].id + ".reliability"});
    }
    if (params.size() < 2) continue;
    ++done;
    for (const auto& s : p.segments()) heterogeneous += s.heterogeneity > 0.0;
    const ObservedData data{"test", {expected_counts(j, p, solve_exact(j, p), all_segments(p), 20000, &wobble)}};
    CalibrationSettings settings;
    settings.starts = 2;
    const auto fit_on = [&](int threads) {
      tbb::task_arena arena(threads);
      return arena.execute([&] { return calibrate(j, p, params, data, nullptr, settings); });
    };
    const CalibrationResult one = fit_on(1), two = fit_on(2);
    EXPECT_TRUE(test::same_bits(one.fit.log_likelihood, two.fit.log_likelihood)) << "journey " << n;
    for (std::size_t i = 0; i < params.size(); ++i) {
      EXPECT_TRUE(test::same_bits(one.parameters[i].fitted, two.parameters[i].fitted)) << params[i].name;
      ASSERT_EQ(one.parameters[i].se.has_value(), two.parameters[i].se.has_value()) << params[i].name;
      if (one.parameters[i].se) {
        EXPECT_TRUE(test::same_bits(*one.parameters[i].se, *two.parameters[i].se));
      }
    }
  }
  EXPECT_EQ(done, 6);
  EXPECT_GT(heterogeneous, 0) << "no heterogeneous segment was fitted";
}

TEST(Calibration, HoldoutIsScoredAtTheFittedValuesWithoutRefitting) {
  const OneStep truth = one_step(0.7, 0.5);
  const ExactSolution at = solve_exact(truth.journey, truth.population);
  const ObservedData data{"fit", {expected_counts(truth.journey, truth.population, at, {0}, 50000, nullptr)}};
  Dice wobble(3);
  const ObservedData holdout{"holdout", {expected_counts(truth.journey, truth.population, at, {0}, 20000, &wobble)}};
  const OneStep start = one_step(0.8, 0.3);
  const auto params = reliability_and_sensitivity();
  const CalibrationResult with =
      calibrate(start.journey, start.population, params, data, &holdout, CalibrationSettings{});
  const CalibrationResult without =
      calibrate(start.journey, start.population, params, data, nullptr, CalibrationSettings{});
  ASSERT_TRUE(with.holdout.has_value());
  EXPECT_FALSE(without.holdout.has_value());
  EXPECT_EQ(with.parameters[0].fitted, without.parameters[0].fitted);
  const ExactSolution fitted = solve_exact(with.journey, with.population);
  EXPECT_DOUBLE_EQ(with.holdout->log_likelihood,
                   log_likelihood(with.journey, with.population, fitted, holdout, false).fit.log_likelihood);
  EXPECT_GT(with.holdout->deviance, 0.0);
}

TEST(CalibrationLikelihood, PearsonResidualsAndDevianceFollowTheirDefinitions) {
  const OneStep truth = one_step(0.7, 0.5);
  const ExactSolution at = solve_exact(truth.journey, truth.population);
  const ObservedGroup g = abandonments_only(1000, 150);
  const double p = at.figures.outcome(Ending::abandoned);
  const Likelihood l = log_likelihood(truth.journey, truth.population, at, ObservedData{"t", {g}}, false);
  ASSERT_EQ(l.fit.rows.size(), 1u);
  EXPECT_EQ(l.fit.rows[0].measure, "outcomes.abandoned");
  EXPECT_NEAR(l.fit.rows[0].expected, 1000 * p, 1e-9);
  EXPECT_NEAR(*l.fit.rows[0].pearson_residual, (150 - 1000 * p) / std::sqrt(1000 * p * (1 - p)), 1e-9);
  EXPECT_NEAR(l.fit.deviance, 2 * (150 * std::log(150 / (1000 * p)) + 850 * std::log(850 / (1000 * (1 - p)))), 1e-9);
  EXPECT_NEAR(l.fit.log_likelihood,
              std::lgamma(1001) - std::lgamma(151) - std::lgamma(851) + 150 * std::log(p) + 850 * std::log(1 - p),
              1e-9);
}

// ---- OBSERVED.yaml and --fit ----

struct Loaded {
  ObservedFile file;
  Diagnostics diag;
};

std::string errors_of(const Diagnostics& d) {
  std::string out;
  for (const auto& x : d.sorted()) out += x.to_string() + "\n";
  return out;
}

class ObservedFileTest : public ::testing::Test {
 protected:
  ObservedFileTest() : model(load_scenario(test::scenario("broadband"), "")) {}
  Diagnostics load(const std::string& yaml, const std::string& csv = "") {
    if (!csv.empty()) dir.write("tp.csv", csv);
    const std::string path = dir.write("observed.yaml", yaml);
    Diagnostics d;
    last = load_observed(path, model.model.journey, model.model.population, d);
    return d;
  }
  void expect_error(const std::string& yaml, const std::string& where, const std::string& words,
                    const std::string& csv = "") {
    const Diagnostics d = load(yaml, csv);
    ASSERT_TRUE(d.has_errors()) << yaml;
    const std::string text = errors_of(d);
    EXPECT_NE(text.find(where), std::string::npos) << text;
    EXPECT_NE(text.find(words), std::string::npos) << text;
  }
  test::ScratchDir dir;
  LoadedScenario model;
  ObservedFile last;
};

TEST_F(ObservedFileTest, ErrorsInTheCountsTableAreCapped) {
  std::string csv = "touchpoint,visits,failures,repeats,abandoned\n";
  for (int i = 0; i < 20000; ++i) csv += "nowhere" + std::to_string(i) + ",1,,,\n";
  const Diagnostics d = load("customers: 1000\ntouchpoints: tp.csv\n", csv);
  ASSERT_TRUE(d.has_errors());
  const auto lines = d.sorted();
  EXPECT_LE(lines.size(), Diagnostics::shown_per_file + 2) << lines.size() << " lines";
  EXPECT_NE(lines.back().to_string().find("more errors in "), std::string::npos) << lines.back().to_string();
}

TEST_F(ObservedFileTest, ReadsCountsTouchpointsAndSegments) {
  const Diagnostics d = load(
      "customers: 1000\noutcomes: {retained: 600, abandoned: 200}\ntouchpoints: tp.csv\n"
      "segments:\n  - {name: value_seekers, customers: 400, outcomes: {retained: 250, abandoned: 90}}\n",
      "touchpoint,visits,failures,repeats,abandoned\ninstall,900,200,,30\n");
  ASSERT_FALSE(d.has_errors()) << errors_of(d);
  ASSERT_EQ(last.data.groups.size(), 2u);
  EXPECT_EQ(last.data.groups[0].name, "value_seekers");
  const ObservedGroup& rest = last.data.groups[1];
  EXPECT_EQ(rest.customers, 600);
  EXPECT_EQ(*rest.outcomes[0], 350);
  EXPECT_EQ(*rest.outcomes[1], 110);
  EXPECT_EQ(rest.segments.size(), 2u);
  // The segment gave no touchpoint counts: the top level's cannot be split, and are not used.
  ASSERT_EQ(rest.touchpoints.size(), 1u);
  EXPECT_FALSE(rest.touchpoints[0].counts[weight_visits].has_value());
  EXPECT_EQ(last.inputs.size(), 2u);
}

TEST_F(ObservedFileTest, CustomersAreRequired) {
  expect_error("outcomes: {retained: 5}\n", "observed.yaml:1", "'customers' is missing");
}

TEST_F(ObservedFileTest, OutcomesCannotOutnumberTheCustomers) {
  expect_error("customers: 10\noutcomes: {retained: 8, abandoned: 5}\n", "observed.yaml:1:12",
               "more than the 10 customers");
}

TEST_F(ObservedFileTest, FourOutcomesMustAddUpToTheCustomers) {
  expect_error("customers: 10\noutcomes: {retained: 2, abandoned: 2, routed_defection: 2, silent_churn: 2}\n",
               "observed.yaml:1", "add up to 8, not the 10");
}

TEST_F(ObservedFileTest, CountsAreWholeUnquotedNumbers) {
  expect_error("customers: 10.5\n", "observed.yaml:1:12", "whole number");
  expect_error("customers: \"10\"\n", "observed.yaml:1:12", "not quoted text");
  expect_error("customers: 10\noutcomes: {retained: -1}\n", "observed.yaml:2:22", "whole number");
}

TEST_F(ObservedFileTest, UnknownKeysAndOutcomesAreNamed) {
  expect_error("customers: 10\ncustomer: 3\n", "observed.yaml:2:1", "did you mean 'customers'");
  expect_error("customers: 10\noutcomes: {retaind: 3}\n", "observed.yaml:2:12", "did you mean 'retained'");
}

TEST_F(ObservedFileTest, TouchpointRowsAreCheckedWithLineAndColumn) {
  expect_error("customers: 10\ntouchpoints: tp.csv\n", "tp.csv:3:1",
               "unknown touchpoint 'instal' (did you mean 'install'?)",
               "touchpoint,visits,failures\ninstall,5,1\ninstal,5,1\n");
  expect_error("customers: 10\ntouchpoints: tp.csv\n", "tp.csv:2:11", "more failures (6) than visits (5)",
               "touchpoint,visits,failures\ninstall,5,6\n");
  expect_error("customers: 10\ntouchpoints: tp.csv\n", "tp.csv:3:1", "has counts twice (first on line 2)",
               "touchpoint,visits\ninstall,5\ninstall,6\n");
  expect_error("customers: 10\ntouchpoints: tp.csv\n", "tp.csv:2:", "is an ending",
               "touchpoint,visits,failures\nrenewed,5,1\n");
  expect_error("customers: 10\ntouchpoints: tp.csv\n", "tp.csv:2:9", "whole number",
               "touchpoint,visits\ninstall,1e3\n");
}

TEST_F(ObservedFileTest, SegmentsAreKnownAndCountedOnce) {
  expect_error("customers: 10\nsegments:\n  - {name: value_seeker, customers: 3}\n",
               "observed.yaml:3:", "did you mean 'value_seekers'");
  expect_error(
      "customers: 10\nsegments:\n  - {name: home_workers, customers: 3}\n  - {name: home_workers, customers: 3}\n",
      "observed.yaml:4:", "has counts twice");
  expect_error("customers: 10\nsegments:\n  - {name: home_workers, customers: 30}\n",
               "observed.yaml:1:", "add up to more than");
}

TEST(FitParameters, WildcardsCoverEveryTouchpointWhereTheAttributeCanBeFitted) {
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const auto all =
      resolve_fit_parameters({"*.recovery", "segment:*.silent_churn", "install.reliability", "*.reliability"},
                             m.model.journey, m.model.population);
  int recovery = 0, churn = 0, reliability = 0;
  for (const auto& f : all) {
    if (f.ref.touchpoint && f.ref.attribute == TouchpointAttribute::recovery) {
      ++recovery;
      EXPECT_GT(m.model.journey.recovery()[*f.ref.touchpoint], 0.0) << f.name;
    }
    churn += f.ref.segment.has_value();
    reliability += f.ref.touchpoint && f.ref.attribute == TouchpointAttribute::reliability;
  }
  EXPECT_EQ(recovery, 3);
  EXPECT_EQ(churn, 3);
  std::size_t inner = 0;
  for (std::size_t k = 0; k < m.model.journey.size(); ++k) inner += !m.model.journey.is_terminal(k);
  EXPECT_EQ(static_cast<std::size_t>(reliability), inner);  // install named twice, fitted once
  EXPECT_EQ(all[6].name, "install.reliability");            // in the order named
}

TEST(FitParameters, RefusesWhatCannotBeFittedWithAReason) {
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const auto refused = [&](const std::string& pattern, const std::string& words) {
    try {
      resolve_fit_parameters({pattern}, m.model.journey, m.model.population);
      ADD_FAILURE() << pattern << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused("instal.reliability", "did you mean 'install'");
  refused("install.reliabilty", "did you mean 'reliability'");
  refused("install.recovery", "not a recovery point");
  refused("renewed.value", "is an ending");
  refused("segment:home_worker.silent_churn", "did you mean 'home_workers'");
  refused("segment:home_workers.sensitivity.valu", "unknown segment parameter");
  refused("reliability", "expected TOUCHPOINT.ATTRIBUTE");
}

TEST(Likelihood, StructuralZerosAddNothingToTheDevianceHoweverManyCustomers) {
  // Reliability 1: failures are expected exactly never, and none were seen. A perfect fit at
  // 10^12 customers must have deviance 0, not one that grows with the visits.
  const Journey j({test::touchpoint("a", 1.0), test::retained("z")}, {{0, 1, 1.0}}, 0);
  const Population p({test::segment(0.5)});
  const ExactSolution at = solve_exact(j, p);
  ObservedGroup g;
  g.segments = {0};
  g.customers = 1e12;
  g.outcomes[static_cast<int>(Ending::retained)] = 1e12;
  g.outcomes[static_cast<int>(Ending::abandoned)] = 0.0;
  ObservedTouchpoint o;
  o.touchpoint = 0;
  o.counts[weight_visits] = 1e12;
  o.counts[weight_failures] = 0.0;
  o.counts[weight_abandoned] = 0.0;
  g.touchpoints.push_back(o);
  ObservedData data;
  data.groups.push_back(g);
  GoodnessOfFit fit = log_likelihood(j, p, at, data, false).fit;
  EXPECT_EQ(fit.deviance, 0.0);
  EXPECT_EQ(fit.rows.size(), 5u);
  EXPECT_EQ(fit.informative_counts(), 1u) << "the visits; everyone retained and nobody failing are structural";
  test_goodness_of_fit(fit, 1);
  EXPECT_FALSE(fit.degrees_of_freedom.has_value()) << "no more counts than parameters";
  test_goodness_of_fit(fit, 0);
  ASSERT_TRUE(fit.degrees_of_freedom.has_value());
  EXPECT_EQ(*fit.degrees_of_freedom, 1.0);
  EXPECT_EQ(*fit.p_value, 1.0);
}

// ---- the command ----

std::string observed_for(const std::string& dir_path, const LoadedScenario& m, double customers, std::uint64_t seed) {
  const Tally t = test::simulate(m.model.journey, m.model.population, static_cast<std::uint64_t>(customers), seed);
  std::ostringstream y, c;
  y << "# Simulated by cxsim from the bundled scenario (not real data).\ncustomers: " << t.customers << "\noutcomes: {";
  for (int e = 0; e < 4; ++e) y << (e ? ", " : "") << ending_names[e] << ": " << t.endings[e];
  y << "}\ntouchpoints: counts.csv\n";
  c << "touchpoint,visits,failures,repeats,abandoned\n";
  for (std::size_t k = 0; k < m.model.journey.size(); ++k) {
    if (m.model.journey.is_terminal(k)) continue;
    const auto& tp = t.touchpoints[k];
    c << m.model.journey.touchpoint(k).id << ',' << tp.total(fig_visits) << ',' << tp.total(fig_failures) << ','
      << tp.total(fig_repeats) << ',' << tp.total(fig_abandoned) << '\n';
  }
  std::ofstream(dir_path + "/counts.csv") << c.str();
  std::ofstream(dir_path + "/observed.yaml") << y.str();
  return dir_path + "/observed.yaml";
}

TEST(CliCalibrate, WritesAFittedScenarioThatLoadsAndGivesTheFittedFigures) {
  test::ScratchDir dir;
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const std::string observed = observed_for(dir.path(""), m, 50000, 9);
  const std::string fitted = dir.path("fitted.yaml");
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                             " --fit install.reliability --fit 'segment:*.silent_churn' --format json --out " + fitted);
  ASSERT_EQ(r.code, 0) << r.err;
  // What the fit may cost, then how far it got, on stderr.
  for (const char* line :
       {"cxsim: calibrate: fitting 4 parameters\n",
        "cxsim: calibrate: one evaluation (an exact solve and its gradient) takes ",
        "cxsim: calibrate: start 1 of 4: ", "cxsim: calibrate: start 4 of 4: ", "cxsim: calibrate: intervals: "})
    EXPECT_NE(r.err.find(line), std::string::npos) << line << "\n" << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"parameters", "log_likelihood", "deviance", "fit", "holdout", "warnings"})
    EXPECT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["parameters"].size(), 4u);
  for (const char* key : {"name", "start", "fitted", "se", "ci95"})
    EXPECT_TRUE(j["parameters"][0].contains(key)) << key;
  EXPECT_EQ(j["parameters"][0]["name"], "install.reliability");
  EXPECT_TRUE(j["holdout"].is_null());
  for (const char* key : {"measure", "observed", "expected", "pearson_residual"})
    EXPECT_TRUE(j["fit"][0].contains(key)) << key;

  const auto check = test::cxsim("check " + fitted);
  EXPECT_EQ(check.code, 0) << check.err << check.out;
  const LoadedScenario back = load_scenario(fitted, "");
  std::size_t install = 0;
  while (back.model.journey.touchpoint(install).id != "install") ++install;
  EXPECT_EQ(back.model.journey.touchpoint(install).reliability, j["parameters"][0]["fitted"].get<double>());
  EXPECT_EQ(back.scenario.variants.size(), m.scenario.variants.size());
  EXPECT_EQ(back.scenario.sweeps.size(), m.scenario.sweeps.size());
  ASSERT_TRUE(back.scenario.economics.has_value());
  const double rate = solve_exact(back.model.journey, back.model.population).figures.defection_rate();
  EXPECT_NEAR(rate, j["defection_rate"]["fitted"].get<double>(), 1e-12);
  std::ifstream in(fitted);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("# Fitted by cxsim calibrate", 0), 0u) << first;
}

TEST(CliCalibrate, CsvIsTheFittedNumbersOneRowEachAsTheJsonGivesThem) {
  test::ScratchDir dir;
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const std::string observed = observed_for(dir.path(""), m, 50000, 9);
  const std::string fit = " --observed " + observed + " --fit install.reliability --fit 'segment:*.silent_churn'";
  const auto json = test::cxsim("calibrate " + test::scenario("broadband") + fit + " --format json --starts 1 --out " +
                                dir.path("a.yaml"));
  const auto csv = test::cxsim("calibrate " + test::scenario("broadband") + fit + " --format csv --starts 1 --out " +
                               dir.path("b.yaml"));
  ASSERT_EQ(json.code, 0) << json.err;
  ASSERT_EQ(csv.code, 0) << csv.err;
  const auto j = nlohmann::json::parse(json.out);
  std::istringstream lines(csv.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "scenario,parameter,start,fitted,se,ci95_low,ci95_high,lower,upper,at_bound");
  std::size_t row = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(row, j["parameters"].size()) << line;
    const auto& p = j["parameters"][row++];
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.push_back("");
    ASSERT_EQ(cells.size(), 10u) << line;
    EXPECT_EQ(cells[0], m.scenario.name);
    EXPECT_EQ(cells[1], p["name"].get<std::string>());
    // CSV numbers carry 15 significant digits, as in every table of cxsim.
    const auto same = [](const std::string& cell, double x) { EXPECT_NEAR(std::stod(cell), x, 1e-14 * std::fabs(x)); };
    same(cells[3], p["fitted"].get<double>());
    if (p["ci95"].is_array()) {
      same(cells[5], p["ci95"][0].get<double>());
      same(cells[6], p["ci95"][1].get<double>());
    } else {
      EXPECT_EQ(cells[5], "");
    }
    EXPECT_EQ(cells[9], p["at_bound"].get<bool>() ? "true" : "false");
  }
  EXPECT_EQ(row, j["parameters"].size());
}

TEST(CliCalibrate, CsvOfAHeadlineFitIsItsOneFactor) {
  test::ScratchDir dir;
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --defection-rate 0.3 --format csv --out " +
                             dir.path("f.yaml"));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string header = "scenario,parameter,start,fitted,se,ci95_low,ci95_high,lower,upper,at_bound\n";
  ASSERT_EQ(r.out.rfind(header, 0), 0u) << r.out;
  EXPECT_NE(r.out.find(",sensitivity factor,1,"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
}

TEST(CliCalibrate, ItsScratchFileCannotBeRedirectedBySomeoneElsesSymlink) {
  // Another user plants links named like the check copy, for the next process ids, pointing at
  // a file the victim may write: the check copy must be made privately, never through them.
  test::ScratchDir dir;
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const std::string observed = observed_for(dir.path(""), m, 20000, 9);
  const std::string victim = dir.write("victim.txt", "precious\n");
  const std::string tmp = dir.path("tmp");
  std::filesystem::create_directories(tmp);
  long last = 0;
  std::ifstream("/proc/sys/kernel/ns_last_pid") >> last;
  for (long pid = last; pid < last + 3000; ++pid)
    std::filesystem::create_symlink(victim, tmp + "/cxsim-fitted-" + std::to_string(pid) + ".yaml");
  const std::string env = "TMPDIR=" + tmp + " ";
  const int status =
      std::system((env + CXSIM_BINARY + " calibrate " + test::scenario("broadband") + " --observed " + observed +
                   " --fit install.reliability --out " + dir.path("fitted2.yaml") + " >/dev/null 2>&1")
                      .c_str());
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(victim);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), "precious\n");
  std::size_t left = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp)) left += !e.is_symlink();
  EXPECT_EQ(left, 0u) << "the private check folder is removed";
}

TEST(CliCalibrate, AModelThatCannotFitIsNotWrittenAsFitted) {
  // Almost everyone abandons, but only the install's reliability may move: no value fits.
  test::ScratchDir dir;
  const std::string observed = dir.write(
      "observed.yaml",
      "customers: 100000\noutcomes: {retained: 10, abandoned: 99990, routed_defection: 0, silent_churn: 0}\n");
  const std::string fitted = dir.path("fitted.yaml");
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                             " --fit install.reliability --out " + fitted);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("the model cannot fit the counts: deviance "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("times its 3 degrees of freedom"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written to '" + fitted + "'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("degrees of freedom, p = "), std::string::npos) << "the report still shows the residuals";
  EXPECT_FALSE(std::filesystem::exists(fitted));
  // Asked for, it is written, with the warning in it.
  const auto anyway = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                                  " --fit install.reliability --accept-poor-fit --out " + fitted);
  EXPECT_EQ(anyway.code, 0) << anyway.err;
  EXPECT_NE(anyway.err.find("the model does not fit the counts"), std::string::npos) << anyway.err;
  EXPECT_TRUE(std::filesystem::exists(fitted));
}

TEST(CliCalibrate, AGoodFitSaysItsDegreesOfFreedom) {
  test::ScratchDir dir;
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const std::string observed = observed_for(dir.path(""), m, 50000, 9);
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                             " --fit install.reliability --format json --out " + dir.path("f.yaml"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["degrees_of_freedom"].is_number()) << j.dump();
  EXPECT_GT(j["p_value"].get<double>(), 0.001);
  EXPECT_EQ(r.err.find("does not fit"), std::string::npos) << r.err;
}

TEST(CliCalibrate, BadObservedCountsExitTwoAndWriteNothing) {
  test::ScratchDir dir;
  const std::string observed = dir.write("observed.yaml", "customers: 10\noutcomes: {retained: 20}\n");
  const std::string fitted = dir.path("fitted.yaml");
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                             " --fit install.reliability --out " + fitted);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("observed.yaml:1:12"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(fitted));
}

TEST(CliCalibrate, RefusesToWriteOverItsInputs) {
  test::ScratchDir dir;
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const std::string observed = observed_for(dir.path(""), m, 2000, 3);
  const std::string before = [&] {
    std::ifstream in(observed);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                             " --fit install.reliability --out " + observed);
  EXPECT_EQ(r.code, 2) << r.err;
  std::ifstream in(observed);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), before);
}

TEST(CliCalibrate, AStartCutOffByItsEvaluationLimitIsSaidNotToHaveConverged) {
  test::ScratchDir dir;
  const LoadedScenario m = load_scenario(test::scenario("broadband"), "");
  const std::string observed = observed_for(dir.path(""), m, 50000, 9);
  const auto fit = [&](const std::string& limit) {
    return test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                       " --fit '*.reliability' --starts 1 --format json" + limit + " --out " + dir.path("f.yaml"));
  };
  const auto cut = fit(" --max-evaluations 3");
  ASSERT_EQ(cut.code, 0) << cut.err;
  const auto j = nlohmann::json::parse(cut.out);
  EXPECT_EQ(j["starts"][0]["status"], "stopped: evaluation limit") << j["starts"].dump();
  EXPECT_LE(j["starts"][0]["evaluations"].get<int>(), 4) << j["starts"].dump();  // NLopt may take one more
  EXPECT_NE(cut.err.find("stopped at its limit of 3 evaluations before converging"), std::string::npos) << cut.err;
  const auto full = fit("");
  ASSERT_EQ(full.code, 0) << full.err;
  EXPECT_EQ(full.err.find("before converging"), std::string::npos) << full.err;
}

TEST(CliCalibrate, MaxEvaluationsOutOfRangeIsAUsageError) {
  test::ScratchDir dir;
  const std::string observed = dir.write("observed.yaml", "customers: 10\n");
  for (const std::string bad : {"0", "100001", "many"}) {
    const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                               " --fit install.reliability --max-evaluations " + bad + " --out " + dir.path("f.yaml"));
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find("--max-evaluations"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("f.yaml")));
  }
}

TEST(CliCalibrate, AnUnknownParameterIsAUsageError) {
  test::ScratchDir dir;
  const std::string observed = dir.write("observed.yaml", "customers: 10\n");
  const auto r = test::cxsim("calibrate " + test::scenario("broadband") + " --observed " + observed +
                             " --fit instal.reliability --out " + dir.path("f.yaml"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean 'install'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path("f.yaml")));
}

}  // namespace
}  // namespace cxsim
