// A chain's pattern: the same for numbers moved inside their ranges, another for each kind of
// structural change the warm re-solve must not miss.
#include "sim/chain_pattern.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sim/chain_states.hpp"

namespace cxsim {
namespace {

// start -> middle -> done, middle retrying itself after a failure; one calm segment.
struct Numbers {
  double reliability = 0.8, trust = 0.3, retry = 0.4, churn = 0.5, value = 0.4;
};
ChainPattern pattern_of(const Numbers& x) {
  std::vector<Touchpoint> tps(4);
  tps[0].id = "start";
  tps[1].id = "middle";
  tps[1].reliability = x.reliability;
  tps[1].trust = x.trust;
  tps[1].value = x.value;
  tps[2].id = "done";
  tps[2].outcome = Outcome::retained;
  tps[3].id = "gone";
  tps[3].outcome = Outcome::defected;
  std::vector<Transition> edges{
      {0, 1, 1.0, When::any}, {1, 2, 1.0, When::ok}, {1, 1, x.retry, When::fail}, {1, 3, 1.0 - x.retry, When::fail}};
  const Journey j(tps, edges, 0);
  Segment s;
  s.name = "s";
  s.reliability_sensitivity = 0.5;
  s.value_sensitivity = 0.5;
  s.value_expectation = 0.5;
  s.silent_churn = x.churn;
  return chain_pattern(j, 0, s, enumerate_chain_states(j, 0, s));
}

TEST(ChainPattern, NumbersMovedInsideTheirRangesKeepIt) {
  const ChainPattern base = pattern_of({});
  EXPECT_EQ(pattern_of({0.6, 0.2, 0.3, 0.9, 0.1}), base);
}

TEST(ChainPattern, EachStructuralChangeMakesAnother) {
  const ChainPattern base = pattern_of({});
  EXPECT_NE(pattern_of({1.0, 0.3, 0.4, 0.5, 0.4}), base) << "reliability reaching 1: no failures";
  EXPECT_NE(pattern_of({0.8, 0.0, 0.4, 0.5, 0.4}), base) << "trust reaching 0: no guard";
  EXPECT_NE(pattern_of({0.8, 0.3, 0.0, 0.5, 0.4}), base) << "the retry loop's probability 0";
  EXPECT_NE(pattern_of({0.8, 0.3, 1.0, 0.5, 0.4}), base) << "the way out after a failure gone";
  EXPECT_NE(pattern_of({0.8, 0.3, 0.4, 0.0, 0.4}), base) << "silent churn off";
  EXPECT_NE(pattern_of({0.8, 0.3, 0.4, 0.5, 0.6}), base) << "the value gap closed";
}

}  // namespace
}  // namespace cxsim
