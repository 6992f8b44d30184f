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
#include "tests/dice.hpp"

namespace {

using namespace cxsim;

using test::Dice;

constexpr std::size_t terminal_count = 5;

Journey big_journey(std::size_t touchpoints, std::uint64_t seed) {
  Dice dice(seed);
  const std::size_t inner = touchpoints - terminal_count;
  std::vector<Touchpoint> tps;
  for (std::size_t k = 0; k < inner; ++k) {
    Touchpoint t;
    t.id = "t" + std::to_string(k);
    t.reliability = dice.uniform(0.7, 1.0);
    t.relevance = dice.uniform(0.5, 1.0);
    t.value = dice.uniform(0.2, 1.0);
    t.trust = dice.chance(0.3) ? dice.uniform(0.1, 0.8) : 0.0;
    t.recovery = dice.chance(0.05) ? dice.uniform(0.2, 1.0) : 0.0;
    tps.push_back(t);
  }
  for (std::size_t i = 0; i < terminal_count; ++i) {
    Touchpoint t;
    t.id = "end" + std::to_string(i);
    t.outcome = i < 3 ? Outcome::retained : Outcome::defected;
    tps.push_back(t);
  }
  auto forward = [&](std::size_t k) -> std::size_t {
    const double u = dice.uniform();
    if (k + 1 >= inner || u < 0.02) return inner + dice.pick(0, terminal_count - 1);
    if (u < 0.05) return dice.pick(k + 1, inner - 1);                  // a long way forward
    return std::min(inner - 1, k + 1 + dice.pick(0, 9));              // a short way forward
  };
  std::vector<Transition> edges;
  auto add_set = [&](std::size_t k, When when, std::size_t count, bool retry) {
    const double back = retry ? 0.2 : 0.0;
    for (std::size_t i = 0; i < count; ++i)
      edges.push_back(Transition{k, forward(k), (1.0 - back) / static_cast<double>(count), when});
    if (retry) edges.push_back(Transition{k, k - std::min<std::size_t>(k, dice.pick(0, 3)), back, when});
  };
  for (std::size_t k = 0; k < inner; ++k) {
    if (dice.chance(0.5)) {
      add_set(k, When::any, 3, false);
    } else {
      add_set(k, When::ok, 2, false);
      add_set(k, When::fail, 1, dice.chance(0.5));
    }
  }
  return Journey(std::move(tps), std::move(edges), 0);
}

Population population(double heterogeneity) {
  Segment s = default_segment();
  s.heterogeneity = heterogeneity;
  return Population({s});
}

void BM_SolveExact(benchmark::State& state, double heterogeneity) {
  const Journey j = big_journey(static_cast<std::size_t>(state.range(0)), 12345);
  const Population p = population(heterogeneity);
  int nodes = 0;
  for (auto _ : state) {
    const ExactSolution x = solve_exact(j, p);
    nodes = x.quadrature_nodes;
    benchmark::DoNotOptimize(x.figures.outcomes);
  }
  state.counters["quadrature_nodes"] = nodes;
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
BENCHMARK_CAPTURE(BM_SolveExact, h0_3, 0.3)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DefectionGradient, h0, 0.0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DefectionGradient, h0_3, 0.3)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sensitivity)->Arg(1000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
