// Whole-journey checks on the Boost.Graph view of the journey.
#include <algorithm>

#include "sim/journey_graph.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using namespace test;

bool has(const std::vector<JourneyProblem>& ps, bool error, const std::string& part) {
  return std::any_of(ps.begin(), ps.end(), [&](const JourneyProblem& p) {
    return p.error == error && p.message.find(part) != std::string::npos;
  });
}

TEST(JourneyGraph, FailSetIsUnusedWhenReliabilityIsOne) {
  Journey j({touchpoint("a", 1.0), retained("z"), defected("x")},
            {{0, 1, 1.0, When::ok}, {0, 2, 0.5, When::fail}}, 0);
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
  Journey j({touchpoint("a", 1.0), retained("z"), defected("x")},
            {{0, 1, 1.0, When::ok}, {0, 2, 1.0, When::fail}}, 0);
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
