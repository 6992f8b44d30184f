// Exact solves in bulk (issue 27): a 20-touchpoint, 3-segment journey solved again and again with
// small changes, cold (solve_exact) and warm (PreparedJourney), arms in parallel on every core;
// and a warm re-solve after one number moved on 1,000 and 10,000 touchpoints. Run with
// --benchmark_counters_tabular=true; the counters are the figures the README quotes.
#include <benchmark/benchmark.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <memory>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "bench/generated_journeys.hpp"
#include "sim/chain_states.hpp"
#include "sim/exact_solver.hpp"
#include "sim/klu_factor.hpp"
#include "sim/prepared_journey.hpp"

namespace {

using namespace cxsim;

// Three segments that feel friction differently; every one with heterogeneity h.
Population three_segments(double h) {
  std::vector<Segment> segs;
  for (int s = 0; s < 3; ++s) {
    Segment g = default_segment();
    g.name = "s" + std::to_string(s);
    g.share = 0.2 + 0.2 * s;
    g.reliability_sensitivity = 0.3 + 0.2 * s;
    g.value_sensitivity = 0.6 - 0.15 * s;
    g.silent_churn = 0.2 + 0.3 * s;
    g.heterogeneity = h;
    segs.push_back(g);
  }
  return Population(segs);
}

// The journey with touchpoint k's reliability at r (a redesign, or a slider moved).
Journey with_reliability(const Journey& j, std::size_t k, double r) {
  std::vector<Touchpoint> tps(j.touchpoints().begin(), j.touchpoints().end());
  tps[k].reliability = r;
  return Journey(std::move(tps), {j.transitions().begin(), j.transitions().end()}, j.start(), j.segments());
}

constexpr std::size_t arm_count = 13;
constexpr std::size_t numbers_per_arm = 8;  // the numbers each arm is re-solved for, in turn

// Arms: the baseline and 12 redesigns, each one touchpoint more reliable; per arm, a few sets
// of numbers (another touchpoint's reliability moved a little, as an assumption drawn).
struct Arms {
  std::vector<Journey> base;                  // by arm
  std::vector<std::vector<Journey>> numbers;  // by arm, then set
  Population population;
};
Arms twenty_touchpoint_arms(double h) {
  Arms a;
  const Journey j = bench::big_journey(20, 2027);
  a.population = three_segments(h);
  for (std::size_t arm = 0; arm < arm_count; ++arm) {
    const std::size_t k = arm % 15;
    a.base.push_back(arm == 0 ? j : with_reliability(j, k, 0.99));
    a.numbers.emplace_back();
    for (std::size_t n = 0; n < numbers_per_arm; ++n)
      a.numbers.back().push_back(with_reliability(a.base.back(), 14, 0.75 + 0.02 * static_cast<double>(n)));
  }
  return a;
}

// Every arm solved once per iteration, the arms in parallel: arm-solves per second.
void BM_ArmSolves(benchmark::State& state, double h, bool warm) {
  const Arms arms = twenty_touchpoint_arms(h);
  // One prepared journey per arm and thread; draws-style: nodes in turn, first pattern kept.
  tbb::enumerable_thread_specific<std::vector<std::unique_ptr<PreparedJourney>>> prepared;
  std::size_t round = 0;
  std::uint64_t solves = 0;
  for (auto _ : state) {
    const std::size_t n = round++ % numbers_per_arm;
    tbb::parallel_for(std::size_t{0}, arm_count, [&](std::size_t a) {
      const Journey& j = arms.numbers[a][n];
      if (!warm) {
        benchmark::DoNotOptimize(solve_exact(j, arms.population).figures.outcomes);
        return;
      }
      auto& mine = prepared.local();
      if (mine.empty()) mine.resize(arm_count);
      if (!mine[a])
        mine[a] =
            std::make_unique<PreparedJourney>(arms.base[a], arms.population, PreparedJourney::Options{false, false});
      benchmark::DoNotOptimize(mine[a]->solve(j, arms.population).figures.outcomes);
    });
    solves += arm_count;
  }
  state.counters["arm_solves_per_s"] = benchmark::Counter(static_cast<double>(solves), benchmark::Counter::kIsRate);
  std::uint64_t cold = 0;
  for (const auto& v : prepared)
    for (const auto& p : v)
      if (p) cold += p->cold_solves();
  state.counters["cold_segment_solves"] = static_cast<double>(cold);  // the preparations only, when warm
}

// A slider moved in the studio: one touchpoint's reliability changed, the journey rebuilt with
// it and re-solved warm (h = 0). The rebuild is timed too: the studio pays for it.
void BM_SliderMove(benchmark::State& state, bool warm) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Journey j = bench::big_journey(n, 12345);
  Segment s = default_segment();
  const Population p({s});
  PreparedJourney prepared(j, p);
  const std::size_t k = n / 2;  // a touchpoint in the middle
  double r = j.reliability()[k];
  for (auto _ : state) {
    r = r > 0.85 ? r - 0.1 : r + 0.1;
    const Journey moved = with_reliability(j, k, r);
    benchmark::DoNotOptimize((warm ? prepared.solve(moved, p) : solve_exact(moved, p)).figures.outcomes);
  }
  state.counters["cold_segment_solves"] = static_cast<double>(prepared.cold_solves());
}

// The rebuild alone (Journey from its touchpoints and transitions), to split the figure above.
void BM_JourneyRebuild(benchmark::State& state) {
  const Journey j = bench::big_journey(static_cast<std::size_t>(state.range(0)), 12345);
  for (auto _ : state) benchmark::DoNotOptimize(with_reliability(j, j.size() / 2, 0.9).size());
}

// The expected-visits system (I - Q)^T of a segment's chain at m = 1, as the solver assembles it
// (visit-to-visit flows: branch probability x e^-delta x continuation probability).
Eigen::SparseMatrix<double> visits_system(const Journey& j, const Segment& seg) {
  const ChainStates c = enumerate_chain_states(j, 0, seg);
  std::vector<Eigen::Triplet<double>> t;
  const auto n = static_cast<int>(c.states.size());
  for (int i = 0; i < n; ++i) t.emplace_back(i, i, 1.0);
  for (int i = 0; i < n; ++i) {
    double carry = 0.0;
    for_each_visit_outcome(
        j, 0, seg, 1.0, c.states[static_cast<std::size_t>(i)],
        [&](const VisitBranch& b) { carry = b.p * std::exp(-b.delta); },
        [&](const VisitBranch&, const VisitContinuation& v) {
          if (!j.is_terminal(v.to)) t.emplace_back(c.at(v.next), i, -carry * v.p);
        });
  }
  Eigen::SparseMatrix<double> m(n, n);
  m.setFromTriplets(t.begin(), t.end());
  m.makeCompressed();
  return m;
}

// One factorisation and solve of the 20-touchpoint journey's visits system, refactored with the
// kept pivots by KLU (what a warm re-solve does) or by dense partial-pivoting LU (Eigen): is
// dense LU faster for chains this small?
void BM_SmallChainFactor(benchmark::State& state, bool dense) {
  const Journey j = bench::big_journey(20, 2027);
  const Eigen::SparseMatrix<double> m = visits_system(j, three_segments(0.0).segment(2));
  Eigen::VectorXd e = Eigen::VectorXd::Zero(m.rows());
  e[0] = 1.0;
  KluFactor klu;
  klu.factorize(m);
  const Eigen::MatrixXd full = Eigen::MatrixXd(m);
  Eigen::PartialPivLU<Eigen::MatrixXd> lu(full.rows());
  for (auto _ : state) {
    if (dense) {
      lu.compute(full);
      benchmark::DoNotOptimize(lu.solve(e).eval().data());
    } else {
      klu.factorize(m);
      benchmark::DoNotOptimize(klu.solve(e).data());
    }
  }
  state.counters["states"] = static_cast<double>(m.rows());
  state.counters["nonzeros"] = static_cast<double>(m.nonZeros());
}

}  // namespace

BENCHMARK_CAPTURE(BM_SmallChainFactor, klu, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SmallChainFactor, dense, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ArmSolves, h0_cold, 0.0, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ArmSolves, h0_warm, 0.0, true)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ArmSolves, h0_4_cold, 0.4, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ArmSolves, h0_4_warm, 0.4, true)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_SliderMove, cold, false)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_SliderMove, warm, true)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_JourneyRebuild)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
