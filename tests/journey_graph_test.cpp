// Whole-journey checks on the Boost.Graph view of the journey.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/journey_graph.hpp"
#include "dice.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

bool has(const std::vector<JourneyProblem>& ps, bool error, const std::string& part) {
  return std::any_of(ps.begin(), ps.end(), [&](const JourneyProblem& p) {
    return p.error == error && p.message.find(part) != std::string::npos;
  });
}

// Every way of making a journey, not only the loader, is refused when it breaks what the engines
// rely on (release builds included).
Touchpoint plain(const std::string& id) {
  Touchpoint t;
  t.id = id;
  return t;
}

TEST(JourneyInvariants, AStartOutsideTheJourneyIsRefused) {
  EXPECT_THROW(Journey({plain("a")}, {}, 1), std::invalid_argument);
}

TEST(JourneyInvariants, ATransitionToNoTouchpointIsRefused) {
  EXPECT_THROW(Journey({plain("a")}, {Transition{0, 3, 1.0}}, 0), std::invalid_argument);
}

TEST(JourneyInvariants, AnAttributeOutsideZeroToOneIsRefused) {
  Touchpoint t = plain("a");
  t.trust = 1.5;
  EXPECT_THROW(Journey({t}, {}, 0), std::invalid_argument);
}

TEST(JourneyInvariants, ANegativeProbabilityIsRefused) {
  EXPECT_THROW(Journey({plain("a"), plain("z")}, {Transition{0, 1, -0.5}}, 0), std::invalid_argument);
}

TEST(PopulationInvariants, ANegativeShareIsRefused) {
  Segment s;
  s.share = -1.0;
  EXPECT_THROW(Population({s}), std::invalid_argument);
}

TEST(PopulationInvariants, ASensitivityBeyondItsRangeIsRefused) {
  Segment s;
  s.value_sensitivity = 1e6;
  EXPECT_THROW(Population({s}), std::invalid_argument);
}

TEST(PopulationInvariants, SharesThatAreAllZeroAreRefused) {
  Segment s;
  s.share = 0.0;
  EXPECT_THROW(Population({s}), std::invalid_argument);
}

TEST(JourneyGraph, FailSetIsUnusedWhenReliabilityIsOne) {
  Journey j({touchpoint("a", 1.0), retained("z"), defected("x")}, {{0, 1, 1.0, When::ok}, {0, 2, 0.5, When::fail}}, 0);
  const auto ps = check_journey(j);
  EXPECT_TRUE(has(ps, false, "can never be taken")) << "a warning, not an error";
  EXPECT_FALSE(has(ps, true, "sum"));
}

TEST(JourneyGraph, OkSetIsUsableThroughAGuardEvenAtReliabilityZero) {
  // b never works, but a's trust can avert b's failure, so b's ok transitions can be taken.
  Journey j({touchpoint("a", 1, 1, 1, 0.5), touchpoint("b", 0.0), retained("z"), defected("x")},
            {{0, 1, 1.0, When::any}, {1, 2, 0.5, When::ok}, {1, 3, 1.0, When::fail}}, 0);
  EXPECT_TRUE(has(check_journey(j), true, "summing to 0.5"));
  EXPECT_TRUE(usable_sets(j, 1).ok);
}

TEST(JourneyGraph, AnySetIsTheFallbackOnly) {
  Journey j({touchpoint("a", 0.5), retained("z"), defected("x")},
            {{0, 1, 1.0, When::ok}, {0, 2, 1.0, When::fail}, {0, 1, 1.0, When::any}}, 0);
  EXPECT_TRUE(has(check_journey(j), false, "both 'ok' and 'fail'"));
  EXPECT_FALSE(usable_sets(j, 0).any);
}

TEST(JourneyGraph, ZeroProbabilityEdgesDoNotCountAsAWayOut) {
  Journey j({touchpoint("a"), touchpoint("loop"), retained("z")},
            {{0, 1, 1.0, When::any}, {1, 1, 1.0, When::any}, {1, 2, 0.0, When::any}}, 0);
  EXPECT_TRUE(has(check_journey(j), true, "can never finish"));
}

TEST(JourneyGraph, UnreachableTouchpointIsAWarning) {
  Journey j({touchpoint("a"), retained("z"), retained("island")}, {{0, 1, 1.0, When::any}}, 0);
  const auto ps = check_journey(j);
  EXPECT_TRUE(has(ps, false, "'island' cannot be reached"));
  EXPECT_TRUE(std::none_of(ps.begin(), ps.end(), [](const JourneyProblem& p) { return p.error; }));
}

TEST(JourneyGraph, ValidJourneyHasNoProblems) {
  Journey j({touchpoint("a", 0.5), touchpoint("b", 0.9, 0.5, 1, 0, 0.5), retained("z"), defected("x")},
            {{0, 2, 1.0, When::ok}, {0, 1, 1.0, When::fail}, {1, 0, 0.5, When::any}, {1, 3, 0.5, When::any}}, 0);
  EXPECT_TRUE(check_journey(j).empty());
}

TEST(JourneyGraph, UsableGraphHoldsOnlyEdgesThatCanBeTaken) {
  Journey j({touchpoint("a", 1.0), retained("z"), defected("x")}, {{0, 1, 1.0, When::ok}, {0, 2, 1.0, When::fail}}, 0);
  EXPECT_EQ(boost::num_edges(usable_graph(j)), 1u);
  EXPECT_EQ(boost::num_edges(full_graph(j)), 2u);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(JourneyGraph, ALoopCustomersPracticallyNeverLeaveIsAWarning) {
  Journey j({test::touchpoint("a"), test::retained("z")},
            {{0, 0, 0.9999999999999999, When::any}, {0, 1, 1e-16, When::any}}, 0);
  const auto ps = check_journey(j);
  ASSERT_FALSE(ps.empty());
  EXPECT_FALSE(ps.front().error);
  EXPECT_NE(ps.front().message.find("for about 9.007199255e+15 visits on average (probability 0.99999999999999989)"),
            std::string::npos)
      << ps.front().message;
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// The next touchpoint of a large set, found through the guide table, is the first edge whose
// cumulative probability exceeds the draw: the same as a binary search, at every draw tried,
// on the boundaries between edges and a hair either side of them.
TEST(JourneyRouting, AGuidedPickEqualsTheFirstEdgeWhoseCumulativeExceedsTheDraw) {
  for (const std::size_t n : {17u, 100u, 1000u}) {
    test::Dice dice(n);
    std::vector<Touchpoint> tps(n + 1);
    for (std::size_t k = 0; k <= n; ++k) tps[k].id = "t" + std::to_string(k);
    for (std::size_t k = 1; k <= n; ++k) tps[k].outcome = Outcome::retained;
    std::vector<Transition> edges;
    for (std::size_t k = 1; k <= n; ++k)  // uneven, with some impossible edges and a heavy one
      edges.push_back(Transition{0, k, k % 7 == 0 ? 0.0 : k == n / 2 ? 50.0 : dice.uniform(0.01, 1.0), When::any});
    const Journey j(std::move(tps), std::move(edges), 0);
    std::vector<double> cumulative;
    std::vector<std::size_t> target;
    double sum = 0.0;
    for (const auto i : j.route(0, 0, Journey::after_ok)) {
      sum += j.probability(i);
      cumulative.push_back(sum);
      target.push_back(j.transitions()[i].to);
    }
    cumulative.back() = 1.0;  // as the journey rounds it (its last edge can happen)
    auto expected = [&](double u) {
      const auto it = std::upper_bound(cumulative.begin(), cumulative.end() - 1, u);
      return target[static_cast<std::size_t>(it - cumulative.begin())];
    };
    std::vector<double> draws;
    for (int i = 0; i < 20000; ++i) draws.push_back(dice.uniform());
    for (std::size_t e = 0; e + 1 < cumulative.size(); ++e)
      for (const double u : {cumulative[e], std::nextafter(cumulative[e], 0.0), std::nextafter(cumulative[e], 1.0)})
        draws.push_back(u);
    for (std::size_t b = 1; b < n; ++b)  // the guide's own bucket boundaries
      for (const double u : {static_cast<double>(b) / static_cast<double>(n),
                             std::nextafter(static_cast<double>(b) / static_cast<double>(n), 0.0)})
        draws.push_back(u);
    for (const double u : draws) {
      if (!(u > 0.0 && u < 1.0)) continue;
      ASSERT_EQ(j.next(0, 0, Journey::after_ok, u), expected(u)) << "n " << n << ", u " << u;
    }
  }
}

}  // namespace
}  // namespace cxsim
