// Time to load and check a large scenario: `cxsim check` on a journey of N touchpoints written
// as CSV tables (each touchpoint one step forward, a retry loop on some). Peak resident memory
// is reported beside it.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/scenario.hpp"

namespace {

std::string write_scenario(std::size_t n) {
  std::string dir_template = (std::filesystem::temp_directory_path() / "cxsim-bench-XXXXXX").string();
  const std::filesystem::path dir = ::mkdtemp(dir_template.data());
  std::ofstream tp(dir / "touchpoints.csv"), tr(dir / "transitions.csv"), yaml(dir / "scenario.yaml");
  tp << "id,name,stage,reliability,relevance,value,trust,recovery,outcome\n";
  tr << "from,to,probability,when\n";
  for (std::size_t k = 0; k < n; ++k) {
    const bool last = k + 1 == n;
    tp << "step_" << k << ",Step " << k << ",stage " << k / 100 << ",0.97,0.9,0.8," << (k % 7 == 0 ? "0.2" : "0") << ','
       << (k % 11 == 0 ? "0.5" : "") << ',' << (last ? "retained" : "") << '\n';
    if (last) continue;
    tr << "step_" << k << ",step_" << k + 1 << ",1,ok\n";
    tr << "step_" << k << ",step_" << k << ",0.3,fail\n";
    tr << "step_" << k << ",step_" << k + 1 << ",0.7,fail\n";
  }
  yaml << "name: Large\njourney:\n  start: step_0\n  touchpoints: touchpoints.csv\n  transitions: transitions.csv\n";
  return (dir / "scenario.yaml").string();
}

void BM_CheckScenario(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::string path = write_scenario(n);
  for (auto _ : state) {
    const cxsim::CheckedScenario c = cxsim::check_scenario(path);
    if (c.diagnostics.has_errors()) state.SkipWithError("the generated scenario is invalid");
    benchmark::DoNotOptimize(c.scenario.touchpoints.size());
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  state.counters["touchpoints"] = static_cast<double>(n);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}
BENCHMARK(BM_CheckScenario)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Many segments on a journey of 2,000 touchpoints, one of them with a transition row of its
// own, their names quoted as import-paths writes them: loading was quadratic in segments x
// touchpoints (89 s for 0.6 MB of input), and the quoted names made the YAML check quadratic.
std::string write_segmented_scenario(std::size_t segments) {
  std::string dir_template = (std::filesystem::temp_directory_path() / "cxsim-bench-XXXXXX").string();
  const std::filesystem::path dir = ::mkdtemp(dir_template.data());
  std::ofstream tp(dir / "touchpoints.csv"), tr(dir / "transitions.csv"), yaml(dir / "scenario.yaml");
  const std::size_t n = 2000;
  tp << "id,reliability,relevance,value,trust,recovery,outcome\n";
  tr << "from,to,probability,when,segment\n";
  for (std::size_t k = 0; k < n; ++k) {
    tp << "t" << k << ",0.95,0.9,0.8,0,,\n";
    tr << "t" << k << "," << (k + 1 < n ? "t" + std::to_string(k + 1) : std::string("done")) << ",1,,\n";
  }
  tp << "done,1,1,1,0,,retained\n";
  tr << "t0,t1,1,,g0\n";
  yaml << "name: Segmented\njourney:\n  start: t0\n  touchpoints: touchpoints.csv\n  transitions: "
          "transitions.csv\nsegments:\n";
  for (std::size_t s = 0; s < segments; ++s)
    yaml << "  - {name: \"g" << s << "\", share: " << (s == 0 ? 1 : 0)
         << ", value_expectation: 0.5, sensitivity: {reliability: 0.1}, silent_churn: 0.1}\n";
  return (dir / "scenario.yaml").string();
}

void BM_CheckManySegments(benchmark::State& state) {
  const std::size_t segments = static_cast<std::size_t>(state.range(0));
  const std::string path = write_segmented_scenario(segments);
  for (auto _ : state) {
    const cxsim::CheckedScenario c = cxsim::check_scenario(path);
    if (c.diagnostics.has_errors()) state.SkipWithError("the generated scenario is invalid");
    benchmark::DoNotOptimize(c.scenario.segments.size());
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  state.counters["segments"] = static_cast<double>(segments);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}
BENCHMARK(BM_CheckManySegments)->Arg(100)->Arg(1000)->Arg(4000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
