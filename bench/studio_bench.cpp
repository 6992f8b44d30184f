// What one slider move costs in cxsim studio, without HTTP: the exact solve the headline shows
// (/api/solve) and the view (/api/view: the solve again, the map laid out by Graphviz, the
// journey's numbers), on the broadband scenario and on generated journeys of growing size.
//
//   build/bench/studio_bench
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "studio/studio_session.hpp"

namespace {

std::string broadband() {
  return std::string(CXSIM_SOURCE_DIR) + "/scenarios/broadband/scenario.yaml";
}

// A journey of n touchpoints in stages of 8: each visit that works goes one or two ahead, a failed
// one retries the one before or gives up.
std::string generated(std::size_t n) {
  const auto dir = std::filesystem::temp_directory_path() / ("cxsim-studio-bench-" + std::to_string(n));
  std::filesystem::create_directories(dir);
  std::ofstream tp(dir / "touchpoints.csv"), tr(dir / "transitions.csv"), yaml(dir / "scenario.yaml");
  tp << "id,stage,channel,reliability,relevance,value,trust,outcome\n";
  tr << "from,to,probability,when\n";
  for (std::size_t k = 0; k < n; ++k) {
    tp << 't' << k << ",s" << k / 8 << ',' << (k % 3 == 0 ? "web" : "phone") << ',' << 0.8 + 0.01 * double(k % 20)
       << ",0.8,0.7,0.2,\n";
    const std::string next = k + 1 < n ? "t" + std::to_string(k + 1) : "done";
    const std::string skip = k + 2 < n ? "t" + std::to_string(k + 2) : "done";
    tr << 't' << k << ',' << next << ",0.7,ok\n" << 't' << k << ',' << skip << ",0.3,ok\n";
    tr << 't' << k << ',' << (k > 0 ? "t" + std::to_string(k - 1) : "gave_up") << ",0.6,fail\n";
    tr << 't' << k << ",gave_up,0.4,fail\n";
  }
  tp << "done,end,,1,1,1,0,retained\ngave_up,end,,1,1,1,0,defected\n";
  yaml << "name: Generated\njourney:\n  start: t0\n  touchpoints: touchpoints.csv\n  transitions: transitions.csv\n"
       << "segments:\n  - {name: a, share: 0.6, value_expectation: 0.6, silent_churn: 0.05, heterogeneity: 0.5,\n"
       << "     walk_away: {failed: 0.2, repeated: 0.1, value_gap: 0.05}}\n"
       << "  - {name: b, share: 0.4, value_expectation: 0.8, silent_churn: 0.02,\n"
       << "     walk_away: {failed: 0.3, repeated: 0.2, value_gap: 0.1}}\n";
  return (dir / "scenario.yaml").string();
}

// Alternating slider positions, so every iteration is a new change.
std::string request(const char* touchpoint, std::int64_t i) {
  return std::string("{\"changes\": {\"") + touchpoint + ".reliability\": " + (i % 2 ? "0.91" : "0.93") + "}}";
}

void solve(benchmark::State& state, const std::string& path, const char* touchpoint) {
  cxsim::StudioSession session(path);
  std::int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(session.solve(request(touchpoint, i++)));
}

void view(benchmark::State& state, const std::string& path, const char* touchpoint) {
  cxsim::StudioSession session(path);
  std::int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(session.view(request(touchpoint, i++)));
}

void BM_SolveBroadband(benchmark::State& s) {
  solve(s, broadband(), "install");
}
void BM_ViewBroadband(benchmark::State& s) {
  view(s, broadband(), "install");
}
void BM_SolveGenerated(benchmark::State& s) {
  solve(s, generated(static_cast<std::size_t>(s.range(0))), "t3");
}
void BM_ViewGenerated(benchmark::State& s) {
  view(s, generated(static_cast<std::size_t>(s.range(0))), "t3");
}

}  // namespace

BENCHMARK(BM_SolveBroadband)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ViewBroadband)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SolveGenerated)->Arg(100)->Arg(400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ViewGenerated)->Arg(100)->Arg(400)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
