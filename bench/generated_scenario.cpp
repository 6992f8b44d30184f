// Writes a generated journey (bench/generated_journeys.hpp, the deep shape) as a scenario file
// with CSV tables, for timing whole `cxsim` processes on it:
//   generated_scenario DIR TOUCHPOINTS SEGMENTS HETEROGENEITY
//   hyperfine 'cxsim exact DIR/scenario.yaml'
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/generated_journeys.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: generated_scenario DIR TOUCHPOINTS SEGMENTS HETEROGENEITY\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const auto n = static_cast<std::size_t>(std::atol(argv[2]));
  const int segments = std::atoi(argv[3]);
  const std::string h = argv[4];
  std::filesystem::create_directories(dir);
  const cxsim::Journey j = cxsim::bench::big_journey(n, 12345);
  std::ofstream tp(dir / "touchpoints.csv"), tr(dir / "transitions.csv"), yaml(dir / "scenario.yaml");
  tp.precision(17);
  tr.precision(17);
  tp << "id,reliability,relevance,value,trust,recovery,outcome\n";
  for (const auto& t : j.touchpoints())
    tp << t.id << ',' << t.reliability << ',' << t.relevance << ',' << t.value << ',' << t.trust << ','
       << (t.recovery > 0.0 ? std::to_string(t.recovery) : "") << ','
       << (t.outcome == cxsim::Outcome::none ? "" : cxsim::to_string(t.outcome)) << '\n';
  tr << "from,to,probability,when\n";
  for (const auto& e : j.transitions())
    tr << j.touchpoint(e.from).id << ',' << j.touchpoint(e.to).id << ',' << e.probability << ','
       << cxsim::to_string(e.when) << '\n';
  yaml << "name: Generated " << n << "\njourney:\n  start: " << j.touchpoint(j.start()).id
       << "\n  touchpoints: touchpoints.csv\n  transitions: transitions.csv\nsegments:\n";
  for (int s = 0; s < segments; ++s)
    yaml << "  - {name: s" << s << ", share: " << 1.0 / segments
         << ", value_expectation: 0.5, sensitivity: {reliability: " << 0.3 + 0.2 * s
         << ", relevance: 0.25, value: " << 0.5 - 0.1 * s << "}, silent_churn: " << 0.2 + 0.2 * s
         << ", heterogeneity: " << h << "}\n";
  return 0;
}
