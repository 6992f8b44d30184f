// The engine's contracts: identical figures on any thread count, --precision blocks, and
// common random numbers across redesigns.
#include <tbb/task_arena.h>

#include "sim/statistics.hpp"
#include "dice.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

// A journey with loops, guards, recoveries and two ways out.
Journey busy_journey(double install_reliability = 0.7) {
  return Journey({touchpoint("order", 0.95, 0.9, 0.6, 0.3), touchpoint("install", install_reliability, 0.5, 0.7, 0.2),
                  touchpoint("support", 0.6, 0.4, 0.5, 0.1, 0.6), touchpoint("bill", 0.9, 0.8, 0.4), retained("renew"),
                  defected("cancel")},
                 {{0, 1, 1.0, When::any},
                  {1, 3, 1.0, When::ok},
                  {1, 2, 1.0, When::fail},
                  {2, 1, 0.7, When::any},
                  {2, 5, 0.3, When::any},
                  {3, 4, 0.9, When::any},
                  {3, 2, 0.1, When::any}},
                 0);
}

Population two_segments() {
  return Population({segment(0.4, 0.2, 0.6, 0.7, 0.5, 0.5, 0.6, "a"), segment(0.2, 0.1, 0.2, 0.5, 0.3, 0.0, 0.4, "b")});
}

Tally on_threads(int threads, const Journey& j, const Population& p, std::uint64_t n) {
  tbb::task_arena arena(threads);
  return arena.execute([&] { return simulate(j, p, n, 99); });
}

TEST(MonteCarlo, SameFiguresOnOneAndTwoThreads) {
  const Journey j = busy_journey();
  const Population p = two_segments();
  expect_identical(on_threads(1, j, p, 50000), on_threads(2, j, p, 50000));
}

TEST(MonteCarlo, SameFiguresWithMoreThreadsThanCores) {
  const Journey j = busy_journey();
  const Population p = two_segments();
  expect_identical(on_threads(1, j, p, 30000), on_threads(7, j, p, 30000));
}

TEST(MonteCarlo, DifferentSeedsGiveDifferentWalks) {
  const Journey j = busy_journey();
  const Population p = two_segments();
  EXPECT_NE(simulate(j, p, 20000, 1).touchpoints[1][fig_failures],
            simulate(j, p, 20000, 2).touchpoints[1][fig_failures]);
}

TEST(MonteCarlo, PrecisionRunStopsOnceTheIntervalIsNarrowEnough) {
  const Journey j = busy_journey();
  const Population p = two_segments();
  MonteCarloSettings s;
  s.walk.seed = 3;
  s.customers = 10'000'000;
  s.precision = 0.002;
  s.block = 20000;
  const MonteCarloRun run = run_monte_carlo(j, p, s);
  EXPECT_TRUE(run.precision_reached);
  const Interval ci = wilson_interval(run.tally.defections(), run.tally.customers);
  EXPECT_LE(ci.half_width(), 0.002);
  // One block fewer would not have been enough: the run stops at the first block that is.
  const std::uint64_t fewer = run.tally.customers - s.block;
  ASSERT_GT(fewer, 0u);
  const Tally shorter = simulate_customers(j, p, s.walk, 0, fewer);
  EXPECT_GT(wilson_interval(shorter.defections(), shorter.customers).half_width(), 0.002);
  EXPECT_EQ(run.tally.customers % s.block, 0u);
}

TEST(MonteCarlo, PrecisionRunStopsAtTheCustomerLimit) {
  MonteCarloSettings s;
  s.customers = 5000;
  s.precision = 1e-6;
  s.block = 2000;
  const MonteCarloRun run = run_monte_carlo(busy_journey(), two_segments(), s);
  EXPECT_FALSE(run.precision_reached);
  EXPECT_EQ(run.tally.customers, 5000u);
}

// Walks each customer alone and records their ending.
std::vector<Ending> endings(const Journey& j, const Population& p, std::uint64_t n,
                            std::vector<bool>* visited_install = nullptr) {
  WalkSettings w;
  w.seed = 11;
  WalkScratch scratch(j.size());
  std::vector<Ending> out;
  for (std::uint64_t c = 0; c < n; ++c) {
    Tally t(j.size(), p.size());
    NoObserver none;
    out.push_back(walk_customer(j, p, w, c, scratch, t, none).ending);
    if (visited_install) visited_install->push_back(t.touchpoints[*j.find("install")][fig_visits] > 0);
  }
  return out;
}

TEST(MonteCarlo, RedesignLeavesCustomersItDoesNotTouchUnchanged) {
  // Only install's reliability changes: customers who never reach install end exactly as before.
  const Population p = two_segments();
  std::vector<bool> touched;
  const auto before = endings(busy_journey(0.7), p, 5000, &touched);
  const auto after = endings(busy_journey(0.95), p, 5000);
  std::size_t untouched = 0, same = 0, changed = 0;
  for (std::size_t c = 0; c < before.size(); ++c) {
    if (!touched[c]) {
      ++untouched;
      EXPECT_EQ(before[c], after[c]) << "customer " << c;
    } else {
      same += before[c] == after[c];
      changed += before[c] != after[c];
    }
  }
  EXPECT_GT(untouched, 0u);
  EXPECT_GT(changed, 0u);    // the redesign does change some walks
  EXPECT_GT(same, changed);  // ... while paired customers mostly end alike
}

TEST(MonteCarlo, AddingATouchpointDoesNotShiftOtherDraws) {
  // A new touchpoint listed first (so every index moves) but never reached changes nothing.
  const Journey base = busy_journey();
  std::vector<Touchpoint> tps(base.touchpoints().begin(), base.touchpoints().end());
  std::vector<Transition> trs(base.transitions().begin(), base.transitions().end());
  tps.insert(tps.begin(), retained("survey"));
  for (auto& t : trs) ++t.from, ++t.to;
  const Journey moved(tps, trs, 1);
  const Population p = two_segments();
  const Tally a = simulate(base, p, 20000, 5);
  const Tally b = simulate(moved, p, 20000, 5);
  EXPECT_EQ(a.endings, b.endings);
  for (std::size_t k = 0; k < base.size(); ++k)
    EXPECT_EQ(a.touchpoints[k][fig_visits], b.touchpoints[k + 1][fig_visits]);
}

TEST(MonteCarlo, SegmentAndMultiplierDependOnlyOnSeedAndCustomer) {
  // Two journeys that share nothing give each customer the same segment.
  const Population p = two_segments();
  const Journey one({touchpoint("x"), retained("y")}, {{0, 1, 1.0, When::any}}, 0);
  const Journey other({touchpoint("p", 0.5), touchpoint("q"), retained("r")},
                      {{0, 1, 1.0, When::any}, {1, 2, 1.0, When::any}}, 0);
  const Tally a = simulate(one, p, 10000, 21);
  const Tally b = simulate(
      other, Population({segment(0.0, 0, 0, 0, 0, 0, 0.6, "a"), segment(0.0, 0, 0, 0, 0, 0, 0.4, "b")}), 10000, 21);
  EXPECT_EQ(a.segments[0].customers, b.segments[0].customers);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(JourneyNext, ManyEdgesPickTheSameTargetAsALinearScan) {
  // 200 product pages behind one home page: the binary search must agree with walking the
  // cumulative probabilities edge by edge.
  std::vector<Touchpoint> tps{test::touchpoint("home"), test::retained("done")};
  std::vector<Transition> edges;
  for (std::size_t i = 0; i < 200; ++i) {
    tps.push_back(test::touchpoint("p" + std::to_string(i)));
    edges.push_back({0, i + 2, 1.0 + static_cast<double>(i % 7), When::any});
    edges.push_back({i + 2, 1, 1.0, When::any});
  }
  const Journey j(std::move(tps), std::move(edges), 0);
  const auto route = j.route(0, 0, Journey::after_ok);
  std::vector<double> cumulative;
  double acc = 0.0;
  for (const auto e : route) cumulative.push_back(acc += j.probability(e));
  test::Dice dice(3);
  std::vector<double> us{0.0, 0.999999999999};
  for (int n = 0; n < 20000; ++n) us.push_back(dice.uniform());
  for (const double u : us) {
    std::size_t i = 0;
    while (i + 1 < route.size() && u >= cumulative[i]) ++i;
    EXPECT_EQ(j.next(0, 0, Journey::after_ok, u), j.transitions()[route[i]].to) << u;
  }
}

}  // namespace
}  // namespace cxsim
