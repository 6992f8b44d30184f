// Time of the exact solver, its derivatives and `sensitivity` on large random journeys.
//
// The journeys look like real ones scaled up: touchpoints in order, each with about three
// out-edges mostly a short way forward (and now and then a long way forward or to one of a few
// terminals), a short retry loop back on some fail edges, ok / fail / any edge sets, trust and
// recovery points here and there. Targets are "a short way" ahead, not uniform over the whole
// journey: random graphs with uniform targets are expanders, whose sparse LU fills in almost
// completely, and no customer journey looks like that.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "models/segment.hpp"
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

}  // namespace

BENCHMARK_CAPTURE(BM_SolveExact, h0, 0.0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SolveExact, h0_3, 0.3)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SolveExact, h2, 2.0)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DefectionGradient, h0, 0.0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DefectionGradient, h0_3, 0.3)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sensitivity)->Arg(1000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
