// The Wilson score interval against published values (Newcombe 1998, Table I, method 3, and
// values recomputed from the closed form at 95%).
#include <gtest/gtest.h>

#include "sim/statistics.hpp"

namespace cxsim {
namespace {

TEST(WilsonInterval, MatchesNewcombesExamples) {
  // 81/263 -> 0.2553 to 0.3662 (Newcombe 1998).
  const Interval a = wilson_interval(81, 263);
  EXPECT_NEAR(a.lo, 0.2553, 5e-5);
  EXPECT_NEAR(a.hi, 0.3662, 5e-5);
  // 15/148 -> 0.0624 to 0.1605.
  const Interval b = wilson_interval(15, 148);
  EXPECT_NEAR(b.lo, 0.0624, 5e-5);
  EXPECT_NEAR(b.hi, 0.1605, 5e-5);
}

TEST(WilsonInterval, ZeroSuccessesStartAtZero) {
  // 0/20 -> 0 to 0.1611 (Newcombe 1998).
  const Interval i = wilson_interval(0, 20);
  EXPECT_EQ(i.lo, 0.0);
  EXPECT_NEAR(i.hi, 0.1611, 5e-5);
}

TEST(WilsonInterval, AllSuccessesEndAtOne) {
  // 1/29 -> 0.0061 to 0.1718, and by symmetry 28/29 mirrors it.
  const Interval i = wilson_interval(28, 29);
  EXPECT_NEAR(i.lo, 1 - 0.1718, 5e-5);
  EXPECT_NEAR(i.hi, 1 - 0.0061, 5e-5);
  EXPECT_DOUBLE_EQ(wilson_interval(29, 29).hi, 1.0);
}

TEST(WilsonInterval, NarrowsWithMoreTrials) {
  EXPECT_LT(wilson_interval(5000, 10000).half_width(), wilson_interval(50, 100).half_width());
  EXPECT_NEAR(wilson_interval(5000, 10000).half_width(), 1.96 * 0.005, 1e-4);
}

}  // namespace
}  // namespace cxsim
