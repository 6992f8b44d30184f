// Time of the exact solver, its derivatives and `sensitivity` on large random journeys.
//
// The journeys look like real ones scaled up: touchpoints in order, each with about three
// out-edges mostly a short way forward (and now and then a long way forward or to one of a few
// terminals), a short retry loop back on some fail edges, ok / fail / any edge sets, trust and
// recovery points here and there. Targets are "a short way" ahead, not uniform over the whole
// journey: random graphs with uniform targets are expanders, whose sparse LU fills in almost
// completely, and no customer journey looks like that.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "models/segment.hpp"
#include "sim/calibration.hpp"
#include "sim/exact_gradient.hpp"
#include "sim/exact_solver.hpp"
#include "sim/sensitivity.hpp"
#include "bench/generated_journeys.hpp"

namespace {

using namespace cxsim;

using bench::big_journey;

Population population(double heterogeneity) {
  Segment s = default_segment();
  s.heterogeneity = heterogeneity;
  return Population({s});
}

void BM_SolveExact(benchmark::State& state, double heterogeneity) {
  const Journey j = big_journey(static_cast<std::size_t>(state.range(0)), 12345);
  const Population p = population(heterogeneity);
  int nodes = 0, solves = 0;
  for (auto _ : state) {
    const ExactSolution x = solve_exact(j, p);
    nodes = x.quadrature_nodes;
    solves = x.quadrature_solves;
    benchmark::DoNotOptimize(x.figures.outcomes);
  }
  state.counters["quadrature_nodes"] = nodes;
  state.counters["solves"] = solves;
}

// Every derivative of the defection rate (all touchpoint attributes and segment parameters) at a
// solution already computed: the adjoint pass alone.
void BM_DefectionGradient(benchmark::State& state, double heterogeneity) {
  const Journey j = big_journey(static_cast<std::size_t>(state.range(0)), 12345);
  const Population p = population(heterogeneity);
  const ExactSolution x = solve_exact(j, p);
  for (auto _ : state) {
    const DefectionGradient g = defection_gradient(j, p, x);
    benchmark::DoNotOptimize(g.touchpoint.data());
  }
  state.counters["derivatives"] = static_cast<double>(j.size() * touchpoint_attribute_count);
}

// `cxsim sensitivity` without the output: solve, differentiate, re-solve the top 20 twice each.
void BM_Sensitivity(benchmark::State& state) {
  const Journey j = big_journey(static_cast<std::size_t>(state.range(0)), 12345);
  const Population p = population(0.0);
  for (auto _ : state) {
    const SensitivityResult r = analyse_sensitivity(j, p, {0.05, 20});
    benchmark::DoNotOptimize(r.parameters.data());
  }
}

// `cxsim calibrate` without files: up to range(1) touchpoint reliabilities of a generated journey
// fitted, from one start 0.1 off, to every outcome and touchpoint count of 10^6 customers as the
// exact solver expects them. Counters: likelihood evaluations of the start (each a solve and a
// gradient); the intervals then take two per parameter not at a bound.
void BM_Calibrate(benchmark::State& state) {
  const Journey truth = big_journey(static_cast<std::size_t>(state.range(0)), 12345);
  const Population p = population(0.0);
  const ExactSolution at = solve_exact(truth, p);
  ObservedGroup g;
  g.segments = {0};
  g.customers = 1e6;
  for (int e = 0; e < 4; ++e) g.outcomes[e] = std::round(1e6 * at.figures.outcomes[e]);
  for (std::size_t k = 0; k < truth.size(); ++k) {
    ObservedTouchpoint o;
    o.touchpoint = k;
    o.counts[weight_visits] = std::round(1e6 * at.figures.touchpoints[k][fig_visits]);
    o.counts[weight_failures] = std::round(1e6 * at.figures.touchpoints[k][fig_failures]);
    g.touchpoints.push_back(o);
  }
  const ObservedData data{"bench", {g}};
  std::vector<FitParameter> params;
  std::vector<ParameterRef> refs;
  std::vector<double> start;
  for (std::size_t k = 0; k < truth.size() && params.size() < static_cast<std::size_t>(state.range(1)); ++k) {
    if (truth.is_terminal(k) || !(truth.reliability()[k] > 0.2 && truth.reliability()[k] < 0.8)) continue;
    ParameterRef r;
    r.touchpoint = k;
    r.attribute = TouchpointAttribute::reliability;
    params.push_back({r, truth.touchpoint(k).id + ".reliability"});
    refs.push_back(r);
    start.push_back(truth.reliability()[k] + 0.1);
  }
  const auto [j, pop] = with_values(truth, p, refs, start);
  CalibrationSettings settings;
  settings.starts = 1;
  int evaluations = 0;
  for (auto _ : state) {
    const CalibrationResult r = calibrate(j, pop, params, data, nullptr, settings);
    evaluations = r.starts.front().evaluations;
    benchmark::DoNotOptimize(r.parameters.data());
  }
  state.counters["evaluations"] = evaluations;
  state.counters["parameters"] = static_cast<double>(params.size());
}

}  // namespace

BENCHMARK_CAPTURE(BM_SolveExact, h0, 0.0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SolveExact, h0_3, 0.3)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SolveExact, h2, 2.0)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DefectionGradient, h0, 0.0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DefectionGradient, h0_3, 0.3)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sensitivity)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Calibrate)->Args({1000, 10})->Args({1000, 100})->Args({1000, 400})->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
