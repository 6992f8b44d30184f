// A prepared journey re-solved warm for new numbers gives solve_exact's figures (to 1e-12,
// relative above 1), and a prepared gradient figures_gradient's derivatives (to 1e-9; likewise),
// whether the numbers keep the chain's pattern or change it: random journeys
// (tests/random_journeys.hpp) with numbers moved a little, and with edits that change the
// pattern (an attribute reaching 0 or 1, a transition removed or added, silent churn switched
// off, a value gap opened, a segment or a touchpoint added).
#include "sim/prepared_journey.hpp"

#include <gtest/gtest.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "dice.hpp"
#include "random_journeys.hpp"
#include "sim/exact_gradient.hpp"
#include "sim/exact_solver.hpp"
#include "sim/sensitivity.hpp"
#include "sim/sweep.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using test::Dice;

constexpr double tight = 1e-12;

void expect_close(double warm, double cold, const std::string& what) {
  EXPECT_LE(std::fabs(warm - cold), tight * std::max(1.0, std::fabs(cold))) << what << ": " << warm << " vs " << cold;
}

// Every figure of the two.
void expect_same_figures(const Figures& a, const Figures& b, const std::string& what) {
  for (int e = 0; e < ending_count; ++e) expect_close(a.outcomes[e], b.outcomes[e], what + " outcome");
  ASSERT_EQ(a.touchpoints.size(), b.touchpoints.size()) << what;
  for (std::size_t k = 0; k < a.touchpoints.size(); ++k)
    for (int f = 0; f < touchpoint_figure_count; ++f)
      expect_close(a.touchpoints[k][f], b.touchpoints[k][f], what + " touchpoint " + std::to_string(k));
  ASSERT_EQ(a.transitions.size(), b.transitions.size()) << what;
  for (std::size_t e = 0; e < a.transitions.size(); ++e)
    expect_close(a.transitions[e], b.transitions[e], what + " edge");
  ASSERT_EQ(a.silent_churn_at.size(), b.silent_churn_at.size()) << what;
  for (std::size_t k = 0; k < a.silent_churn_at.size(); ++k)
    expect_close(a.silent_churn_at[k], b.silent_churn_at[k], what + " silent churn");
  ASSERT_EQ(a.segments.size(), b.segments.size()) << what;
  for (std::size_t s = 0; s < a.segments.size(); ++s)
    expect_close(a.segments[s].defection_rate, b.segments[s].defection_rate, what + " segment");
}

// Every figure of the two solutions, and the integral's rule and node counts.
void expect_same_figures(const ExactSolution& warm, const ExactSolution& cold, const std::string& what) {
  expect_same_figures(warm.figures, cold.figures, what);
  EXPECT_EQ(warm.quadrature_rule, cold.quadrature_rule) << what;
  EXPECT_EQ(warm.quadrature_nodes, cold.quadrature_nodes) << what;
  EXPECT_EQ(warm.quadrature_solves, cold.quadrature_solves) << what;
}

// A number strictly inside (0, 1) moved a little, staying inside; 0 and 1 stay.
double nudge(Dice& dice, double x) {
  if (!(x > 0.0 && x < 1.0)) return x;
  return std::clamp(x * dice.uniform(0.9, 1.1), 0.01, 0.99);
}

// The same journey with its numbers moved a little, the pattern kept where no sensitivity, share
// or effort crosses 0 (value gaps are left alone: one opening or closing is a new pattern).
test::RandomScenario moved(Dice& dice, const test::RandomScenario& sc) {
  std::vector<Touchpoint> tps(sc.journey.touchpoints().begin(), sc.journey.touchpoints().end());
  for (auto& t : tps) {
    t.reliability = nudge(dice, t.reliability);
    t.relevance = nudge(dice, t.relevance);
    t.trust = nudge(dice, t.trust);
    t.recovery = nudge(dice, t.recovery);
    if (t.effort_minutes) *t.effort_minutes *= dice.uniform(0.8, 1.2);
  }
  std::vector<Transition> edges(sc.journey.transitions().begin(), sc.journey.transitions().end());
  for (auto& e : edges) e.probability *= dice.uniform(0.8, 1.2);
  std::vector<Segment> segs(sc.population.segments().begin(), sc.population.segments().end());
  for (auto& g : segs) {
    g.share *= dice.uniform(0.5, 1.5);
    g.reliability_sensitivity *= dice.uniform(0.8, 1.2);
    g.value_sensitivity *= dice.uniform(0.8, 1.2);
    g.silent_churn *= dice.uniform(0.8, 1.2);
    g.heterogeneity *= dice.uniform(0.8, 1.2);
  }
  return {Journey(tps, edges, sc.journey.start(), segs.size()), Population(segs)};
}

// An edit that changes the chain's pattern for at least the segments that visit the start.
test::RandomScenario new_pattern(Dice& dice, const test::RandomScenario& sc, int kind) {
  std::vector<Touchpoint> tps(sc.journey.touchpoints().begin(), sc.journey.touchpoints().end());
  std::vector<Transition> edges(sc.journey.transitions().begin(), sc.journey.transitions().end());
  std::vector<Segment> segs(sc.population.segments().begin(), sc.population.segments().end());
  Touchpoint& start = tps[sc.journey.start()];
  switch (kind) {
    case 0:  // the start made perfectly reliable, or failing where it never did
      start.reliability = start.reliability < 1.0 ? 1.0 : 0.5;
      break;
    case 1:  // trust switched on or off
      start.trust = start.trust > 0.0 ? 0.0 : 0.6;
      break;
    case 2: {  // a transition out of the start removed (its set renormalised), if it has another
      const auto rows = sc.journey.rows_from(sc.journey.start());
      if (rows.size() > 1) edges.erase(edges.begin() + rows.front());
      break;
    }
    case 3:  // a transition added, straight from the start to the first ending
      for (std::size_t k = 0; k < tps.size(); ++k)
        if (tps[k].outcome != Outcome::none) {
          for (auto& e : edges)
            if (e.from == sc.journey.start()) e.probability *= 0.9;
          edges.push_back(Transition{sc.journey.start(), k, 0.1, When::any});
          break;
        }
      break;
    case 4:  // silent churn switched off or on
      for (auto& g : segs) g.silent_churn = g.silent_churn > 0.0 ? 0.0 : 0.4;
      break;
    case 5: {  // another segment
      Segment g = segs.front();
      g.name = "added";
      g.heterogeneity = dice.chance(0.5) ? 0.3 : 0.0;
      segs.push_back(g);
      break;
    }
    case 6:  // a recovery point made or unmade
      start.recovery = start.recovery > 0.0 ? 0.0 : 0.7;
      break;
    case 7:  // the start's value gap closed for every segment, or opened
      start.value = start.value < 1.0 ? 1.0 : 0.1;
      break;
    default: {  // a touchpoint added, on a new way from the start to where its first row leads
      const auto first = sc.journey.transitions()[sc.journey.rows_from(sc.journey.start()).front()];
      Touchpoint added;
      added.id = "added";
      added.reliability = 0.8;
      tps.push_back(added);
      const std::size_t k = tps.size() - 1;
      edges.push_back(Transition{k, first.to, 1.0, When::any});
      for (auto& e : edges)
        if (e.from == first.from && e.when == first.when && e.segment == first.segment) e.probability *= 0.8;
      edges.push_back(Transition{first.from, k, 0.2, first.when, first.segment});
      break;
    }
  }
  return {Journey(tps, edges, sc.journey.start(), segs.size()), Population(segs)};
}

// Solves cold; false (and the error) where the solver refuses the numbers.
bool cold_solve(const test::RandomScenario& sc, ExactSolution& out, std::string& error) {
  try {
    out = solve_exact(sc.journey, sc.population);
    return true;
  } catch (const SolverError& e) {
    error = e.what();
    return false;
  }
}

// The warm solve agrees with the cold one, the error included.
void expect_warm_is_cold(PreparedJourney& prepared, const test::RandomScenario& sc, const std::string& what) {
  ExactSolution cold;
  std::string error;
  if (cold_solve(sc, cold, error)) {
    expect_same_figures(prepared.solve(sc.journey, sc.population), cold, what);
  } else {
    try {
      prepared.solve(sc.journey, sc.population);
      ADD_FAILURE() << what << ": the warm solve did not refuse numbers the cold one does (" << error << ")";
    } catch (const SolverError& e) {
      EXPECT_EQ(std::string(e.what()), error) << what;
    }
  }
}

void warm_equals_cold(PreparedJourney::Options options) {
  Dice dice(99);
  std::uint64_t warm = 0, solves = 0;  // segment solves of moved numbers before any edit
  int index = 0;
  for (const auto& sc : test::scenarios()) {
    const std::string name = "journey " + std::to_string(index++);
    PreparedJourney prepared(sc.journey, sc.population, options);
    expect_same_figures(prepared.prepared(), solve_exact(sc.journey, sc.population), name + " prepared");
    const auto before = prepared.warm_solves() + prepared.cold_solves();
    const auto warm_before = prepared.warm_solves();
    for (int round = 0; round < 3; ++round) expect_warm_is_cold(prepared, moved(dice, sc), name + " moved");
    warm += prepared.warm_solves() - warm_before;
    solves += prepared.warm_solves() + prepared.cold_solves() - before;
    for (int kind = 0; kind < 9; ++kind) {
      const std::string edit = name + " edit " + std::to_string(kind);
      expect_warm_is_cold(prepared, new_pattern(dice, sc, kind), edit);
      expect_warm_is_cold(prepared, moved(dice, sc), edit + ", then moved back");
    }
  }
  // Moved numbers mostly keep the pattern: the warm path is what was tested.
  EXPECT_GT(warm, solves * 9 / 10) << warm << " of " << solves << " segment solves warm";
}

TEST(PreparedJourney, WarmSolvesEqualColdOnesOnRandomJourneys) {
  warm_equals_cold({});
}

TEST(PreparedJourney, WarmSolvesEqualColdOnesWithoutAdoptingNewPatternsAndNodesInTurn) {
  warm_equals_cold({.adopt_new_pattern = false, .nodes_in_parallel = false});
}

TEST(PreparedJourney, APatternChangeIsSolvedCold) {
  const auto sc = test::scenarios().front();
  Dice dice(5);
  PreparedJourney prepared(sc.journey, sc.population, {.adopt_new_pattern = false});
  const auto cold_before = prepared.cold_solves();
  prepared.solve(sc.journey, sc.population);
  EXPECT_EQ(prepared.cold_solves(), cold_before) << "the prepared numbers themselves are solved warm";
  const auto added = new_pattern(dice, sc, 5);
  prepared.solve(added.journey, added.population);
  EXPECT_GT(prepared.cold_solves(), cold_before) << "a segment added is a new pattern";
}

// Prepared journeys in a parallel loop of their own, nodes in turn: the same bits on any thread
// count (the first pivots are kept, so a solve never depends on the solves before it).
TEST(PreparedJourney, SameBitsOnOneAndTwoThreadsInAParallelLoop) {
  auto scenarios = test::scenarios();
  scenarios.resize(30);
  Dice dice(17);
  std::vector<test::RandomScenario> draws;
  for (const auto& sc : scenarios)
    for (int d = 0; d < 4; ++d) draws.push_back(moved(dice, sc));
  const auto run = [&](int threads) {
    std::vector<double> out(draws.size(), -1.0);
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::enumerable_thread_specific<std::vector<std::unique_ptr<PreparedJourney>>> mine;
      tbb::parallel_for(std::size_t{0}, draws.size(), [&](std::size_t d) {
        auto& p = mine.local();
        if (p.empty()) p.resize(scenarios.size());
        const std::size_t s = d / 4;
        if (!p[s])
          p[s] = std::make_unique<PreparedJourney>(scenarios[s].journey, scenarios[s].population,
                                                   PreparedJourney::Options{false, false});
        try {
          out[d] = p[s]->solve(draws[d].journey, draws[d].population).figures.defection_rate();
        } catch (const SolverError&) {
          out[d] = -2.0;
        }
      });
    });
    return out;
  };
  const auto one = run(1), two = run(2);
  for (std::size_t d = 0; d < draws.size(); ++d) EXPECT_TRUE(test::same_bits(one[d], two[d])) << d;
}

// Where the solver is re-run: a sweep's points (prepared once, warm between its ends) and
// sensitivity's re-solves give the figures of cold solves.
TEST(PreparedJourney, SweepPointsAreColdSolvesFromEndToEnd) {
  auto scenarios = test::scenarios();
  scenarios.resize(20);
  for (const auto& sc : scenarios) {
    ParameterRef r;
    r.touchpoint = sc.journey.start();
    r.attribute = TouchpointAttribute::reliability;
    SweepSettings settings;
    settings.values = sweep_values(0.0, 1.0, 6);  // both ends change the pattern
    const auto points = sweep(sc.journey, sc.population, r, settings);
    for (const auto& p : points)
      with_value(sc.journey, sc.population, r, p.value, [&](const Journey& j, const Population& pop) {
        ExactSolution cold;
        std::string error;
        if (cold_solve({j, pop}, cold, error)) {
          EXPECT_TRUE(p.exact.has_value()) << p.value;
          if (p.exact) expect_same_figures(*p.exact, cold.figures, "sweep at " + std::to_string(p.value));
        } else {
          EXPECT_EQ(p.exact_error.value_or(""), error);
        }
        return 0;
      });
  }
}

SensitivityResult sensitivity_on(int threads, const test::RandomScenario& sc) {
  tbb::task_arena arena(threads);
  return arena.execute([&] { return analyse_sensitivity(sc.journey, sc.population, {0.05, 8}); });
}

TEST(PreparedJourney, SensitivityReSolvesAreColdSolvesAndTheSameOnAnyThreadCount) {
  auto scenarios = test::scenarios();
  scenarios.resize(15);
  for (const auto& sc : scenarios) {
    const SensitivityResult one = sensitivity_on(1, sc), two = sensitivity_on(2, sc);
    const double base = solve_exact(sc.journey, sc.population).figures.defection_rate();
    ASSERT_EQ(one.parameters.size(), two.parameters.size());
    for (std::size_t i = 0; i < one.parameters.size(); ++i) {
      const auto& p = one.parameters[i];
      EXPECT_EQ(p.delta_step.has_value(), two.parameters[i].delta_step.has_value());
      if (!p.delta_step || !two.parameters[i].delta_step) continue;
      EXPECT_TRUE(test::same_bits(*p.delta_step, *two.parameters[i].delta_step)) << i;
      EXPECT_TRUE(test::same_bits(*p.delta_perfect, *two.parameters[i].delta_perfect)) << i;
      const double cold = defection_rate_with(sc.journey, sc.population, p, p.improved) - base;
      EXPECT_NEAR(*p.delta_step, cold, tight);
    }
  }
}

// Random weights on every segment's staying and touchpoint figures.
std::vector<FigureWeights> random_weights(Dice& dice, const test::RandomScenario& sc) {
  std::vector<FigureWeights> w(sc.population.size());
  for (auto& s : w) {
    s.stay = dice.uniform(-1.0, 1.0);
    s.touchpoint.resize(sc.journey.size());
    for (auto& t : s.touchpoint)
      for (double& x : t) x = dice.uniform(-1.0, 1.0);
  }
  return w;
}

// figures_gradient's result, or its error.
struct GradientOrError {
  std::optional<FiguresGradient> gradient;
  std::string error;
};

template <class Differentiate>
GradientOrError differentiate(const test::RandomScenario& sc, const std::vector<FigureWeights>& w, Differentiate&& d) {
  GradientOrError out;
  try {
    out.gradient = d(sc.journey, sc.population, solve_exact(sc.journey, sc.population), w);
  } catch (const SolverError& e) {
    out.error = e.what();
  }
  return out;
}

void expect_same_gradient(const GradientOrError& warm, const GradientOrError& cold, const std::string& what) {
  ASSERT_EQ(warm.gradient.has_value(), cold.gradient.has_value()) << what << ": " << warm.error << cold.error;
  if (!cold.gradient) {
    EXPECT_EQ(warm.error, cold.error) << what;
    return;
  }
  const FiguresGradient &a = *warm.gradient, &b = *cold.gradient;
  const auto close = [&](double x, double y, const std::string& which) {
    EXPECT_LE(std::fabs(x - y), 1e-9 * std::max(1.0, std::fabs(y))) << what << " " << which << ": " << x << " vs " << y;
  };
  close(a.value, b.value, "value");
  ASSERT_EQ(a.touchpoint.size(), b.touchpoint.size()) << what;
  for (std::size_t k = 0; k < a.touchpoint.size(); ++k)
    for (std::size_t t = 0; t < a.touchpoint[k].size(); ++t) {
      ASSERT_EQ(a.touchpoint[k][t].has_value(), b.touchpoint[k][t].has_value()) << what << " touchpoint " << k;
      if (b.touchpoint[k][t]) close(*a.touchpoint[k][t], *b.touchpoint[k][t], "touchpoint " + std::to_string(k));
    }
  ASSERT_EQ(a.segment.size(), b.segment.size()) << what;
  for (std::size_t s = 0; s < a.segment.size(); ++s)
    for (std::size_t q = 0; q < a.segment[s].size(); ++q)
      close(a.segment[s][q], b.segment[s][q], "segment " + std::to_string(s));
}

void prepared_gradient_equals_cold(bool adopt_new_pattern) {
  Dice dice(41);
  auto scenarios = test::scenarios();
  scenarios.resize(40);
  int index = 0;
  for (const auto& sc : scenarios) {
    const std::string name = "journey " + std::to_string(index++);
    const auto weights = random_weights(dice, sc);
    PreparedGradient prepared(adopt_new_pattern);
    const auto warm = [&](const Journey& j, const Population& p, const ExactSolution& at,
                          const std::vector<FigureWeights>& w) { return prepared.gradient(j, p, at, w); };
    const auto cold = [](const Journey& j, const Population& p, const ExactSolution& at,
                         const std::vector<FigureWeights>& w) { return figures_gradient(j, p, at, w); };
    expect_same_gradient(differentiate(sc, weights, warm), differentiate(sc, weights, cold), name + " prepared");
    for (int round = 0; round < 2; ++round) {
      const auto m = moved(dice, sc);
      expect_same_gradient(differentiate(m, weights, warm), differentiate(m, weights, cold), name + " moved");
    }
    // Edits that keep the journey's size and segments (weights are per touchpoint and segment).
    for (int kind : {0, 1, 2, 3, 4, 6, 7}) {
      const std::string edit = name + " edit " + std::to_string(kind);
      const auto e = new_pattern(dice, sc, kind);
      expect_same_gradient(differentiate(e, weights, warm), differentiate(e, weights, cold), edit);
      const auto m = moved(dice, sc);
      expect_same_gradient(differentiate(m, weights, warm), differentiate(m, weights, cold), edit + ", moved back");
    }
  }
}

TEST(PreparedGradient, EqualsFiguresGradientOnRandomJourneysAdoptingNewPatterns) {
  prepared_gradient_equals_cold(true);
}

TEST(PreparedGradient, EqualsFiguresGradientOnRandomJourneysKeepingTheFirstPattern) {
  prepared_gradient_equals_cold(false);
}

// Without adopting new patterns, the derivatives at given numbers are the same bits whatever was
// differentiated between: what lets calibration's information columns run on any thread.
TEST(PreparedGradient, KeepingTheFirstPatternTheCallsBetweenDoNotMatter) {
  Dice dice(7);
  auto scenarios = test::scenarios();
  scenarios.resize(20);
  for (const auto& sc : scenarios) {
    const auto weights = random_weights(dice, sc);
    const auto point = moved(dice, sc);
    const auto at_point = [&](PreparedGradient& g) {
      return differentiate(point, weights,
                           [&](const Journey& j, const Population& p, const ExactSolution& at,
                               const std::vector<FigureWeights>& w) { return g.gradient(j, p, at, w); });
    };
    PreparedGradient direct(false), detour(false);
    differentiate(sc, weights,
                  [&](const Journey& j, const Population& p, const ExactSolution& at,
                      const std::vector<FigureWeights>& w) { return direct.gradient(j, p, at, w); });
    differentiate(sc, weights,
                  [&](const Journey& j, const Population& p, const ExactSolution& at,
                      const std::vector<FigureWeights>& w) { return detour.gradient(j, p, at, w); });
    for (int kind : {0, 4, 7}) {
      const auto e = new_pattern(dice, sc, kind);
      differentiate(e, weights,
                    [&](const Journey& j, const Population& p, const ExactSolution& at,
                        const std::vector<FigureWeights>& w) { return detour.gradient(j, p, at, w); });
      differentiate(moved(dice, sc), weights,
                    [&](const Journey& j, const Population& p, const ExactSolution& at,
                        const std::vector<FigureWeights>& w) { return detour.gradient(j, p, at, w); });
    }
    const auto a = at_point(direct), b = at_point(detour);
    ASSERT_EQ(a.gradient.has_value(), b.gradient.has_value());
    if (!a.gradient) continue;
    EXPECT_TRUE(test::same_bits(a.gradient->value, b.gradient->value));
    for (std::size_t k = 0; k < a.gradient->touchpoint.size(); ++k)
      for (std::size_t t = 0; t < a.gradient->touchpoint[k].size(); ++t)
        if (a.gradient->touchpoint[k][t]) {
          EXPECT_TRUE(test::same_bits(*a.gradient->touchpoint[k][t], *b.gradient->touchpoint[k][t])) << k;
        }
  }
}

}  // namespace
}  // namespace cxsim
