// Monte Carlo throughput on the bundled scenarios (customers per second, visits per second) with 1,000,000 customers per run, as `cxsim run`,
// and the memory it takes: reported as counters. Run:
//   build/bench/monte_carlo_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <tbb/task_arena.h>

#include <sys/resource.h>

#include <map>

#include "io/scenario.hpp"
#include "models/segment.hpp"
#include "bench/generated_journeys.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/paired_comparison.hpp"

namespace {

const cxsim::LoadedScenario& scenario(const std::string& name) {
  static std::map<std::string, cxsim::LoadedScenario> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache
             .emplace(name,
                      cxsim::load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + name + "/scenario.yaml", ""))
             .first;
  return it->second;
}

void run(benchmark::State& state, const std::string& name) {
  const auto& s = scenario(name);
  const int threads = static_cast<int>(state.range(0));
  const std::uint64_t customers = 1000000;
  tbb::task_arena arena(threads);
  std::uint64_t visits = 0;
  for (auto _ : state) {
    cxsim::WalkSettings w;
    w.seed = 1;
    const cxsim::Tally t =
        arena.execute([&] { return cxsim::simulate_customers(s.model.journey, s.model.population, w, 0, customers); });
    visits = 0;
    for (const auto& k : t.touchpoints) visits += k[cxsim::fig_visits];
    benchmark::DoNotOptimize(t.endings);
  }
  state.counters["customers/s"] =
      benchmark::Counter(static_cast<double>(customers), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["visits/s"] =
      benchmark::Counter(static_cast<double>(visits), benchmark::Counter::kIsIterationInvariantRate);
}

// Visits per second on a generated journey of state.range(1) touchpoints (deep or wide) on
// state.range(0) threads: a large journey must cost about as much per visit as a small one.
void generated(benchmark::State& state, const cxsim::Journey& j) {
  const cxsim::Population p({cxsim::default_segment()});
  const int threads = static_cast<int>(state.range(0));
  const std::uint64_t customers = 1000000;
  tbb::task_arena arena(threads);
  std::uint64_t visits = 0;
  for (auto _ : state) {
    cxsim::WalkSettings w;
    w.seed = 1;
    const cxsim::Tally t = arena.execute([&] { return cxsim::simulate_customers(j, p, w, 0, customers); });
    visits = t.steps;
    benchmark::DoNotOptimize(t.endings);
  }
  state.counters["visits/s"] =
      benchmark::Counter(static_cast<double>(visits), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["visits/customer"] = static_cast<double>(visits) / static_cast<double>(customers);
}
void BM_DeepJourney(benchmark::State& s) {
  generated(s, cxsim::bench::big_journey(static_cast<std::size_t>(s.range(1)), 12345));
}
void BM_WideJourney(benchmark::State& s) {
  generated(s, cxsim::bench::wide_journey(static_cast<std::size_t>(s.range(1)), 12345));
}
BENCHMARK(BM_DeepJourney)->Args({1, 40})->Args({2, 40})->Args({2, 10000})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WideJourney)->Args({1, 40})->Args({2, 40})->Args({2, 10000})->Unit(benchmark::kMillisecond)->UseRealTime();

// `compare`'s engine: a journey against itself, two arms walked per customer on 2 threads
// (visits/s counts both arms). Like the single run, a large journey must cost about as much per
// visit as a small one.
void paired(benchmark::State& state, const cxsim::Journey& j) {
  const cxsim::Population p({cxsim::default_segment()});
  std::vector<std::uint32_t> shared(j.size());
  for (std::uint32_t k = 0; k < shared.size(); ++k) shared[k] = k;
  const std::vector<cxsim::Arm> arms{{&j, &p, shared}, {&j, &p, shared}};
  const std::uint64_t customers = 1000000;
  tbb::task_arena arena(2);
  std::uint64_t visits = 0;
  for (auto _ : state) {
    cxsim::WalkSettings w;
    w.seed = 1;
    const cxsim::PairedTally t = arena.execute([&] { return cxsim::simulate_paired(arms, j.size(), w, 0, customers); });
    visits = t.arms[0].steps + t.arms[1].steps;
    benchmark::DoNotOptimize(t.pairs);
  }
  state.counters["visits/s"] =
      benchmark::Counter(static_cast<double>(visits), benchmark::Counter::kIsIterationInvariantRate);
}
void BM_PairedDeepJourney(benchmark::State& s) {
  paired(s, cxsim::bench::big_journey(static_cast<std::size_t>(s.range(0)), 12345));
}
void BM_PairedWideJourney(benchmark::State& s) {
  paired(s, cxsim::bench::wide_journey(static_cast<std::size_t>(s.range(0)), 12345));
}
BENCHMARK(BM_PairedDeepJourney)->Arg(40)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PairedWideJourney)->Arg(40)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Broadband(benchmark::State& s) {
  run(s, "broadband");
}
void BM_CarRepair(benchmark::State& s) {
  run(s, "car_repair");
}
void BM_B2bOnboarding(benchmark::State& s) {
  run(s, "b2b_onboarding");
}

BENCHMARK(BM_Broadband)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CarRepair)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_B2bOnboarding)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Memory must not grow with the number of customers: the peak resident size of the process is
// reported after 10^3, 10^5 and 10^7 customers (run in that order; the peak never shrinks, so
// growth would show as a rising counter).
void BM_PeakMemoryByCustomers(benchmark::State& state) {
  const auto& s = scenario("broadband");
  const auto customers = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    cxsim::WalkSettings w;
    const cxsim::Tally t = cxsim::simulate_customers(s.model.journey, s.model.population, w, 0, customers);
    benchmark::DoNotOptimize(t.endings);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  state.counters["customers"] = static_cast<double>(customers);
}
BENCHMARK(BM_PeakMemoryByCustomers)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(10000000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
