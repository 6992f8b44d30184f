// Philox4x32-10 in SIMD lanes (sim/philox_lanes.hpp): on every instruction set Highway compiled
// it for that this machine can run, the very blocks Random123's scalar r123::Philox4x32 gives.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <Random123/philox.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "sim/philox_lanes.hpp"

namespace cxsim {
namespace {

// n blocks of random counters and keys, word-major as philox4x32_lanes takes them.
struct Blocks {
  std::size_t n;
  std::vector<std::uint32_t> counter, key, out;
  explicit Blocks(std::size_t count, std::uint32_t seed)
      : n(count), counter(4 * count), key(2 * count), out(4 * count) {
    std::mt19937 gen(seed);
    for (auto& w : counter) w = static_cast<std::uint32_t>(gen());
    for (auto& w : key) w = static_cast<std::uint32_t>(gen());
  }
  r123::Philox4x32::ctr_type scalar(std::size_t i) const {
    return r123::Philox4x32()({{counter[i], counter[n + i], counter[2 * n + i], counter[3 * n + i]}},
                              {{key[i], key[n + i]}});
  }
};

// Every target this binary has and this CPU runs, made the one dispatch chooses in turn.
class EachTarget : public testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { hwy::SetSupportedTargetsForTest(GetParam()); }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }
};

TEST_P(EachTarget, DispatchRunsThisTarget) {
  EXPECT_STREQ(philox_lanes_target(), hwy::TargetName(GetParam()));
}

TEST_P(EachTarget, BlocksAreRandom123s) {
  Blocks b(4 * philox_lane_multiple, 20240611);
  philox4x32_lanes(b.counter.data(), b.key.data(), b.out.data(), b.n);
  for (std::size_t i = 0; i < b.n; ++i) {
    const auto want = b.scalar(i);
    for (std::size_t w = 0; w < 4; ++w) ASSERT_EQ(b.out[w * b.n + i], want.v[w]) << "block " << i << " word " << w;
  }
}

TEST_P(EachTarget, ExtremeWordsCarryThroughTheMultiplies) {
  // All-ones words: the largest 64-bit products, whose high halves must not lose a carry.
  Blocks b(philox_lane_multiple, 1);
  for (auto& w : b.counter) w = 0xffffffffu;
  for (auto& w : b.key) w = 0xffffffffu;
  philox4x32_lanes(b.counter.data(), b.key.data(), b.out.data(), b.n);
  // Random123's kat_vectors: philox4x32 10 rounds, counter and key all ones.
  for (std::size_t i = 0; i < b.n; ++i) {
    EXPECT_EQ(b.out[i], 0x408f276du);
    EXPECT_EQ(b.out[b.n + i], 0x41c83b0eu);
    EXPECT_EQ(b.out[2 * b.n + i], 0xa20bc7c6u);
    EXPECT_EQ(b.out[3 * b.n + i], 0x6d5451fdu);
  }
}

std::string target_name(const testing::TestParamInfo<std::int64_t>& info) {
  return hwy::TargetName(info.param);
}

INSTANTIATE_TEST_SUITE_P(PhiloxLanes, EachTarget, testing::ValuesIn(hwy::SupportedAndGeneratedTargets()), target_name);

TEST(PhiloxLanes, RefusesACountThatIsNotAWholeNumberOfWidestVectors) {
  Blocks b(2 * philox_lane_multiple, 3);
  EXPECT_THROW(philox4x32_lanes(b.counter.data(), b.key.data(), b.out.data(), philox_lane_multiple + 8),
               std::invalid_argument);
}

TEST(PhiloxLanes, SeveralTargetsAreCompiledAndTested) {
  // On any x86-64 at least the SSE and scalar ones; AVX2 and AVX-512 where the CPU has them.
  EXPECT_GE(hwy::SupportedAndGeneratedTargets().size(), 2u);
}

TEST(PhiloxLanes, DispatchChoosesTheBestTargetTheCpuRuns) {
  // Highway numbers better targets lower: the first of the list.
  EXPECT_STREQ(philox_lanes_target(), hwy::TargetName(hwy::SupportedAndGeneratedTargets().front()));
}

}  // namespace
}  // namespace cxsim
