// `compare --assumptions`: 1,000 draws of a 20-touchpoint, 3-segment journey with 12 redesigns,
// every arm solved exactly for each draw (issue 27's goal: under 2 s on 2 cores), warm (each
// thread re-solving prepared arms) and cold (every draw from scratch, as before). Run with
// --benchmark_counters_tabular=true; `draws_per_s` is the figure to watch.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "io/assumptions.hpp"

namespace {

using namespace cxsim;

// Touchpoints t0..t17 in a row (each with a retry loop and a way out), then done / gone.
std::string generated_scenario(double heterogeneity) {
  std::ostringstream y;
  y << "name: Generated\njourney:\n  start: t0\n  touchpoints:\n";
  for (int k = 0; k < 18; ++k)
    y << "    - {id: t" << k << ", reliability: " << 0.8 + 0.01 * (k % 5)
      << ", relevance: 0.7, value: 0.7, trust: 0.1, "
      << "stage: s" << k / 6 << ", cost: " << 3 + k % 4 << "}\n";
  y << "    - {id: done, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: retained, stage: s2}\n"
    << "    - {id: gone, reliability: 1, relevance: 1, value: 1, trust: 0, outcome: defected, stage: s2}\n"
    << "  transitions:\n";
  for (int k = 0; k < 18; ++k) {
    const std::string next = k == 17 ? "done" : "t" + std::to_string(k + 1);
    y << "    - {from: t" << k << ", to: " << next << ", probability: 0.85}\n"
      << "    - {from: t" << k << ", to: t" << k << ", probability: 0.1}\n"
      << "    - {from: t" << k << ", to: gone, probability: 0.05}\n";
  }
  y << "segments:\n"
    << "  - {name: a, share: 0.4, value_expectation: 0.6, sensitivity: {reliability: 0.1, relevance: 0.05, value: "
       "0.3}, "
    << "silent_churn: 0.5}\n"
    << "  - {name: b, share: 0.4, value_expectation: 0.5, sensitivity: {reliability: 0.2, relevance: 0.1, value: 0.2}, "
    << "silent_churn: 0.8, heterogeneity: " << heterogeneity << "}\n"
    << "  - {name: c, share: 0.2, value_expectation: 0.7, sensitivity: {reliability: 0.3, relevance: 0.1, value: 0.1}, "
    << "silent_churn: 0.3, heterogeneity: " << heterogeneity << "}\n"
    << "economics: {customers_per_year: 100000, value_per_customer: 800, currency: EUR, horizon_years: 3, "
       "discount_rate: 0.08}\n"
    << "variants:\n";
  for (int v = 0; v < 12; ++v)
    y << "  - {name: v" << v << ", cost_per_year: " << 100000 * (v + 1) << ", touchpoints: {t" << v
      << ": {reliability: 0.97}}}\n";
  y << "assumptions:\n  seed: 7\n  inputs:\n";
  for (int k = 12; k < 18; ++k) y << "    - {name: t" << k << ".reliability, low: 0.7, high: 0.9}\n";
  y << "    - {name: segment:a.sensitivity.value, low: 0.2, mode: 0.3, high: 0.5}\n"
    << "    - {name: segment:b.silent_churn, low: 0.5, high: 1.2}\n"
    << "    - {name: economics.value_per_customer, low: 600, high: 1000, group: market}\n"
    << "    - {name: economics.customers_per_year, low: 80000, high: 120000, group: market}\n"
    << "    - {name: variant:v0/t0.reliability, low: 0.92, high: 0.99}\n"
    << "    - {name: transition:t3->gone, low: 0.02, high: 0.1}\n";
  return y.str();
}

void BM_Assumptions(benchmark::State& state) {
  const std::string dir = std::filesystem::temp_directory_path() / ("cxsim-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/scenario.yaml";
  std::ofstream(path) << generated_scenario(state.range(1) / 10.0);
  const LoadedScenario l = load_scenario(path, "");
  std::vector<ComparisonArm> arms{ComparisonArm{"baseline", l.scenario.name, l.model, std::nullopt}};
  std::vector<std::string> variants{""};
  for (const auto& v : l.scenario.variants) {
    arms.push_back(
        ComparisonArm{v.name, l.scenario.name, checked_model(l.scenario, &v), v.cost_per_year, v.one_off_cost});
    variants.push_back(v.name);
  }
  const auto draws = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    const AssumptionResult r = analyse_assumptions(l.scenario, arms, variants, {draws, 7, state.range(2) != 0});
    benchmark::DoNotOptimize(r.evpi_per_year);
  }
  state.counters["draws_per_s"] =
      benchmark::Counter(static_cast<double>(draws), benchmark::Counter::kIsIterationInvariantRate);
  std::filesystem::remove_all(dir);
}
// Draws; the heterogeneity of segments b and c in tenths (0: no multiplier integral); warm (1) or
// cold (0).
BENCHMARK(BM_Assumptions)
    ->ArgNames({"draws", "h_tenths", "warm"})
    ->Args({1000, 0, 1})
    ->Args({1000, 0, 0})
    ->Args({1000, 3, 1})
    ->Args({1000, 3, 0})
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
