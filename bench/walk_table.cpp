// Writes a journey as the NumPy peer (bench/numpy_peer.py) reads it: the touchpoint attributes,
// the segments and every routing table already resolved by the engine (segment rows, ok / fail /
// any sets, normalised), plus the exact solver's figures to check the peer against. The peer
// thus walks exactly the journey cxsim walks, without a second scenario parser.
//   walk_table scenarios/broadband/scenario.yaml > broadband.json
//   walk_table --deep 40 > deep40.json        (the generated journeys of monte_carlo_bench)
//   walk_table --wide 40 > wide40.json
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "bench/generated_journeys.hpp"
#include "io/scenario.hpp"
#include "models/segment.hpp"
#include "sim/exact_solver.hpp"
#include "sim/figure_fields.hpp"

namespace {

nlohmann::json table(const cxsim::Journey& j, const cxsim::Population& p) {
  nlohmann::json out;
  out["start"] = j.start();
  auto& tps = out["touchpoints"] = nlohmann::json::array();
  for (std::size_t k = 0; k < j.size(); ++k) {
    const auto& t = j.touchpoint(k);
    tps.push_back({{"id", t.id},
                   {"reliability", t.reliability},
                   {"relevance", t.relevance},
                   {"value", t.value},
                   {"trust", t.trust},
                   {"recovery", t.recovery},
                   {"effort_minutes", t.effort_minutes.value_or(0.0)},
                   {"terminal", j.is_terminal(k)},
                   {"outcome", cxsim::to_string(t.outcome)}});
  }
  auto& segs = out["segments"] = nlohmann::json::array();
  for (std::size_t s = 0; s < p.size(); ++s) {
    const auto& g = p.segment(s);
    segs.push_back({{"name", g.name},
                    {"share", g.share},
                    {"value_expectation", g.value_expectation},
                    {"reliability_sensitivity", g.reliability_sensitivity},
                    {"relevance_sensitivity", g.relevance_sensitivity},
                    {"value_sensitivity", g.value_sensitivity},
                    {"effort_sensitivity", g.effort_sensitivity},
                    {"silent_churn", g.silent_churn},
                    {"heterogeneity", g.heterogeneity}});
  }
  // routes[segment][touchpoint][0 = after ok, 1 = after fail] = {to: [...], probability: [...]}
  auto& routes = out["routes"] = nlohmann::json::array();
  for (std::size_t s = 0; s < p.size(); ++s) {
    nlohmann::json by_touchpoint = nlohmann::json::array();
    for (std::size_t k = 0; k < j.size(); ++k) {
      nlohmann::json both = nlohmann::json::array();
      for (const auto r : {cxsim::Journey::after_ok, cxsim::Journey::after_fail}) {
        nlohmann::json to = nlohmann::json::array(), prob = nlohmann::json::array();
        for (const auto i : j.route(s, k, r)) {
          to.push_back(j.transitions()[i].to);
          prob.push_back(j.probability(i));
        }
        both.push_back({{"to", to}, {"probability", prob}});
      }
      by_touchpoint.push_back(both);
    }
    routes.push_back(by_touchpoint);
  }
  const auto exact = cxsim::solve_exact(j, p).figures;
  out["exact"] = {{"defection_rate", exact.defection_rate()}, {"visits_per_customer", exact.total(cxsim::fig_visits)}};
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string what = argc > 1 ? argv[1] : "";
    nlohmann::json out;
    if ((what == "--deep" || what == "--wide") && argc == 3) {
      const auto size = static_cast<std::size_t>(std::stoul(argv[2]));
      const cxsim::Journey j =
          what == "--deep" ? cxsim::bench::big_journey(size, 12345) : cxsim::bench::wide_journey(size, 12345);
      out = table(j, cxsim::Population({cxsim::default_segment()}));
    } else if (argc == 2 && !what.starts_with("-")) {
      const auto loaded = cxsim::load_scenario(what, "");
      out = table(loaded.model.journey, loaded.model.population);
    } else {
      std::cerr << "usage: walk_table SCENARIO.yaml | --deep N | --wide N\n";
      return 2;
    }
    std::cout << out.dump() << '\n';
    return std::cout ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "walk_table: " << e.what() << '\n';
    return 1;
  }
}
