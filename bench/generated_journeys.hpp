#pragma once
// Generated journeys for the benchmarks, in two shapes that scale to any size:
// - deep (big_journey): touchpoints in order, each with about three out-edges mostly a short way
//   forward (now and then a long way, or to one of a few terminals), a short retry loop back on
//   some fail edges, ok / fail / any sets, trust and recovery points here and there. Targets are
//   "a short way" ahead, not uniform: random graphs with uniform targets are expanders, whose
//   sparse LU fills in almost completely, and no customer journey looks like that;
// - wide (wide_journey): a home page fanning out to `products` product pages, each leading to a
//   checkout (two or three visits per customer, whatever the size).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/journey.hpp"
#include "tests/dice.hpp"

namespace cxsim::bench {

using test::Dice;

constexpr std::size_t terminal_count = 5;

inline Journey big_journey(std::size_t touchpoints, std::uint64_t seed) {
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
    if (u < 0.05) return dice.pick(k + 1, inner - 1);     // a long way forward
    return std::min(inner - 1, k + 1 + dice.pick(0, 9));  // a short way forward
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

inline Journey wide_journey(std::size_t products, std::uint64_t seed) {
  Dice dice(seed);
  std::vector<Touchpoint> tps;
  auto add = [&](std::string id, double r, Outcome o = Outcome::none) {
    Touchpoint t;
    t.id = std::move(id);
    t.reliability = r;
    t.relevance = dice.uniform(0.6, 1.0);
    t.value = dice.uniform(0.3, 1.0);
    t.outcome = o;
    tps.push_back(t);
    return tps.size() - 1;
  };
  const std::size_t home = add("home", 0.98);
  const std::size_t checkout = add("checkout", 0.95);
  const std::size_t bought = add("bought", 1.0, Outcome::retained);
  const std::size_t left = add("left", 1.0, Outcome::defected);
  std::vector<Transition> edges;
  std::vector<std::size_t> pages;
  for (std::size_t i = 0; i < products; ++i)
    pages.push_back(add("product" + std::to_string(i), dice.uniform(0.9, 1.0)));
  for (const auto p : pages) {
    edges.push_back(Transition{home, p, 1.0 / static_cast<double>(products), When::any});
    edges.push_back(Transition{p, checkout, 0.7, When::any});
    edges.push_back(Transition{p, left, 0.3, When::any});
  }
  edges.push_back(Transition{checkout, bought, 1.0, When::ok});
  edges.push_back(Transition{checkout, left, 1.0, When::fail});
  return Journey(std::move(tps), std::move(edges), home);
}

}  // namespace cxsim::bench
