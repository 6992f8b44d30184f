// The counter-based generator: Random123's known answers, and the keying the engine relies on
// (stream layout 3, sim/random_stream.hpp).
#include <gtest/gtest.h>

#include <set>

#include "sim/random_stream.hpp"

namespace cxsim {
namespace {

TEST(RandomStream, Philox4x32MatchesRandom123KnownAnswer) {
  // kat_vectors: philox4x32 10 rounds, counter 0, key 0.
  const r123::Philox4x32::ctr_type ctr{{0, 0, 0, 0}};
  const r123::Philox4x32::key_type key{{0, 0}};
  const auto out = r123::Philox4x32()(ctr, key);
  EXPECT_EQ(out.v[0], 0x6627e8d5u);
  EXPECT_EQ(out.v[1], 0xe169c58du);
  EXPECT_EQ(out.v[2], 0xbc57ac4cu);
  EXPECT_EQ(out.v[3], 0x9b00dbd8u);
}

TEST(RandomStream, VisitDrawsArePureFunctionsOfTheirKey) {
  const CustomerStream a(42, 7), b(42, 7);
  const auto x = a.visit(123, 2), y = b.visit(123, 2);
  EXPECT_EQ(x.fail, y.fail);
  EXPECT_EQ(x.route, y.route);
}

TEST(RandomStream, EveryPartOfTheKeyChangesTheDraws) {
  const double base = CustomerStream(42, 7).visit(123, 2).fail;
  EXPECT_NE(base, CustomerStream(43, 7).visit(123, 2).fail);
  EXPECT_NE(base, CustomerStream(42, 8).visit(123, 2).fail);
  EXPECT_NE(base, CustomerStream(42, 7).visit(124, 2).fail);
  EXPECT_NE(base, CustomerStream(42, 7).visit(123, 3).fail);
}

TEST(RandomStream, TheCustomersHighWordChangesTheDraws) {
  // The customer fills two counter words: customers 2^32 apart must not share draws.
  EXPECT_NE(CustomerStream(42, 7).visit(123, 2).fail, CustomerStream(42, 7 + (1ULL << 32)).visit(123, 2).fail);
}

TEST(RandomStream, TheTouchpointKeysHighWordChangesTheDraws) {
  EXPECT_NE(CustomerStream(42, 7).visit(123, 2).fail, CustomerStream(42, 7).visit(123 + (1ULL << 32), 2).fail);
}

TEST(RandomStream, UniformsAreStrictlyInsideZeroOne) {
  const CustomerStream s(1, 1);
  for (std::uint32_t i = 0; i < 10000; ++i) {
    const auto d = s.visit(i, 0);
    for (double u : {d.fail, d.repeat, d.abandon, d.forgive, d.trust, d.route}) {
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
    }
  }
}

TEST(RandomStream, CustomerDrawsDifferFromVisitDraws) {
  const CustomerStream s(5, 5);
  // A touchpoint whose id hashes to 0 has the customer's key: the purpose word keeps them apart.
  const CustomerDraws c = s.customer(0);
  const VisitDraws v = s.visit(0, 0);
  EXPECT_NE(c.segment, v.fail);
  EXPECT_NE(c.multiplier[2], v.repeat);
}

TEST(RandomStream, EachTryOfTheMultiplierHasItsOwnBlocks) {
  const CustomerStream s(5, 5);
  EXPECT_NE(s.customer(0).multiplier, s.customer(1).multiplier);
  EXPECT_EQ(s.customer(1).multiplier, s.customer(1).multiplier);
}

TEST(RandomStream, AVisitsSixUniformsAreWordsOfItsTwoBlocks) {
  // Layout 3: blocks of purpose 0 and 1; fail, repeat, abandon, route from the first.
  const CustomerStream s(9, 4);
  const PhiloxBlock a = s.block(77, 3, 0), b = s.block(77, 3, 1);
  const VisitDraws d = s.visit(77, 3);
  const auto u = [](std::uint32_t w) { return (static_cast<double>(w) + 0.5) / 4294967296.0; };
  EXPECT_EQ(d.fail, u(a[0]));
  EXPECT_EQ(d.repeat, u(a[1]));
  EXPECT_EQ(d.abandon, u(a[2]));
  EXPECT_EQ(d.route, u(a[3]));
  EXPECT_EQ(d.forgive, u(b[0]));
  EXPECT_EQ(d.trust, u(b[1]));
  EXPECT_EQ(s.arrival(77, 3), d.fail);
}

TEST(RandomStream, ABlockIsPhilox4x32OfTheLayoutsKeyAndCounter) {
  const std::uint64_t seed = 0x0123456789abcdefULL, customer = 0xfedcba9876543210ULL, touchpoint = 0x1111222233334444ULL;
  const std::uint64_t k = seed ^ touchpoint;
  const auto r = r123::Philox4x32()(
      {{static_cast<std::uint32_t>(customer), static_cast<std::uint32_t>(customer >> 32), 6, 1}},
      {{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)}});
  EXPECT_EQ(CustomerStream(seed, customer).block(touchpoint, 6, 1), (PhiloxBlock{r.v[0], r.v[1], r.v[2], r.v[3]}));
}

TEST(RandomStream, ThirtyTwoBitUniformsReachBothEndsOfTheOpenInterval) {
  EXPECT_EQ(stream_layout::low(0), 0.5 / 4294967296.0);
  EXPECT_EQ(stream_layout::low(0xffffffffu), 1.0 - 0.5 / 4294967296.0);
}

TEST(RandomStream, SixtyFourBitUniformsTakeTheHighWordFirst) {
  EXPECT_GT(stream_layout::wide(0, 0), 0.0);
  EXPECT_LT(stream_layout::wide(~0u, ~0u), 1.0);
  EXPECT_LT(stream_layout::wide(0, ~0u), stream_layout::wide(1, 0));
  EXPECT_LT(stream_layout::wide(0, ~0u), 1.0 / 4294967296.0);  // far below any 32-bit uniform
}

}  // namespace
}  // namespace cxsim
