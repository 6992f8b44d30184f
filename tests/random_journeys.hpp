#pragma once
// Randomly generated valid journeys for property tests (fixed seeds, so every run sees the same
// journeys): loops, any / ok / fail sets, trust, recovery points, several segments with and
// without heterogeneity, segment routes, and effort.
#include <algorithm>
#include <string>
#include <vector>

#include "dice.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim::test {

struct RandomScenario {
  Journey journey;
  Population population;
};

// A valid random journey: 3-12 touchpoints of which 1-3 are terminals (the first `retained`,
// often a `defected` one), any / ok / fail edge sets, cycles, trust and recovery points, and
// 1-3 segments, some with heterogeneity. Every set of edges sends at least 70% of its mass
// forward (to a later touchpoint or a terminal), and loops only go back a few steps, so every
// touchpoint reaches a terminal and walks longer than max_steps = 1000 are negligible.
inline RandomScenario random_scenario(Dice& dice) {
  const std::size_t total = dice.pick(3, 12);
  const std::size_t terminals = std::min<std::size_t>(total - 2, dice.pick(1, 3));
  const std::size_t inner = total - terminals;

  std::vector<Touchpoint> tps;
  for (std::size_t k = 0; k < inner; ++k) {
    Touchpoint t;
    t.id = "t" + std::to_string(k);
    t.reliability = dice.chance(0.1) ? 1.0 : dice.uniform(0.4, 1.0);
    t.relevance = dice.chance(0.1) ? 1.0 : dice.uniform(0.2, 0.95);
    t.value = dice.uniform(0.0, 1.0);
    t.trust = dice.chance(0.4) ? dice.uniform(0.1, 0.9) : 0.0;
    t.recovery = dice.chance(0.3) ? dice.uniform(0.1, 1.0) : 0.0;
    tps.push_back(t);
  }
  for (std::size_t i = 0; i < terminals; ++i) {
    Touchpoint t;
    if (i == 0) {
      t.id = "done";
      t.outcome = Outcome::retained;
    } else {
      const bool defect = i == 1 ? dice.chance(0.8) : dice.chance(0.5);
      t.id = (defect ? "cancel" : "done") + std::to_string(i);
      t.outcome = defect ? Outcome::defected : Outcome::retained;
    }
    tps.push_back(t);
  }

  std::vector<Transition> edges;
  auto forward = [&](std::size_t k) {
    if (k + 1 >= inner || dice.chance(0.3)) return inner + dice.pick(0, terminals - 1);
    return dice.pick(k + 1, inner - 1);
  };
  // One set of edges out of k: 1-3 forward edges and maybe a short loop back.
  auto add_set = [&](std::size_t k, When when) {
    const std::size_t count = dice.pick(1, 3);
    const bool loop = dice.chance(0.35);
    const double back = loop ? dice.uniform(0.05, 0.3) : 0.0;
    std::vector<double> w(count);
    double sum = 0.0;
    for (auto& x : w) sum += (x = dice.uniform(0.2, 1.0));
    for (std::size_t i = 0; i < count; ++i) edges.push_back(Transition{k, forward(k), (1.0 - back) * w[i] / sum, when});
    if (loop) edges.push_back(Transition{k, k - std::min<std::size_t>(k, dice.pick(0, 2)), back, when});
  };
  for (std::size_t k = 0; k < inner; ++k) {
    const double style = dice.uniform();
    if (style < 0.4) {
      add_set(k, When::any);
    } else if (style < 0.8) {
      add_set(k, When::ok);
      add_set(k, When::fail);
    } else {
      add_set(k, When::fail);
      add_set(k, When::any);
    }
  }

  std::vector<Segment> segs;
  const std::size_t count = dice.pick(1, 3);
  for (std::size_t s = 0; s < count; ++s) {
    Segment g;
    g.name = "s" + std::to_string(s);
    g.share = dice.uniform(0.2, 1.0);
    g.value_expectation = dice.uniform(0.3, 0.8);
    g.reliability_sensitivity = dice.uniform(0.0, 1.5);
    g.relevance_sensitivity = dice.uniform(0.0, 1.0);
    g.value_sensitivity = dice.uniform(0.0, 1.0);
    g.silent_churn = dice.chance(0.2) ? 0.0 : dice.uniform(0.1, 1.5);
    g.heterogeneity = dice.chance(0.4) ? dice.uniform(0.1, 0.8) : 0.0;
    segs.push_back(g);
  }
  // Segment routes: some touchpoints get rows of their own for one segment (a forward set that
  // may loop back, like every other).
  if (count > 1)
    for (std::size_t k = 0; k < inner; ++k)
      if (dice.chance(0.25)) {
        const auto before = edges.size();
        add_set(k, dice.chance(0.5) ? When::any : When::fail);
        const int segment = static_cast<int>(dice.pick(0, count - 1));
        for (auto e = before; e < edges.size(); ++e) edges[e].segment = segment;
        if (edges[before].when == When::fail) {  // a fail set alone needs ok rows beside it
          const auto more = edges.size();
          add_set(k, When::ok);
          for (auto e = more; e < edges.size(); ++e) edges[e].segment = segment;
        }
      }
  // Effort (model v1.3): minutes at some touchpoints, and segments that mind them (or not).
  for (std::size_t k = 0; k < inner; ++k)
    if (dice.chance(0.5)) tps[k].effort_minutes = dice.uniform(0.0, 45.0);
  for (auto& g : segs)
    if (dice.chance(0.6)) g.effort_sensitivity = dice.uniform(0.0, 1.5);
  return RandomScenario{Journey(std::move(tps), std::move(edges), 0, segs.size()), Population(std::move(segs))};
}

inline constexpr int journeys = 100;
inline constexpr std::uint64_t generator_seed = 20240611;

inline std::vector<RandomScenario> scenarios() {
  Dice dice(generator_seed);
  std::vector<RandomScenario> out;
  for (int i = 0; i < journeys; ++i) out.push_back(random_scenario(dice));
  return out;
}

}  // namespace cxsim::test
