// The counter-based generator: Random123's known answers, and the keying the engine relies on.
#include <gtest/gtest.h>

#include <set>

#include "sim/random_stream.hpp"

namespace cxsim {
namespace {

TEST(RandomStream, Philox4x64MatchesRandom123KnownAnswer) {
  // kat_vectors: philox4x64 10 rounds, counter 0, key 0.
  const r123::Philox4x64::ctr_type ctr{{0, 0, 0, 0}};
  const r123::Philox4x64::key_type key{{0, 0}};
  const auto out = r123::Philox4x64()(ctr, key);
  EXPECT_EQ(out.v[0], 0x16554d9eca36314cULL);
  EXPECT_EQ(out.v[1], 0xdb20fe9d672d0fdcULL);
  EXPECT_EQ(out.v[2], 0xd7e772cee186176bULL);
  EXPECT_EQ(out.v[3], 0x7e68b68aec7ba23bULL);
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

TEST(RandomStream, UniformsAreStrictlyInsideZeroOne) {
  const CustomerStream s(1, 1);
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const auto d = s.visit(i, 0);
    for (double u : {d.fail, d.repeat, d.abandon, d.forgive, d.trust, d.route}) {
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
    }
  }
}

TEST(RandomStream, CustomerDrawsDifferFromVisitDraws) {
  const CustomerStream s(5, 5);
  // A touchpoint whose id hashes to 0 must not share the customer's block.
  const CustomerDraws c = s.customer(0);
  const VisitDraws v = s.visit(0, 0);
  EXPECT_NE(c.segment, v.fail);
  EXPECT_NE(c.multiplier[0], v.fail);
  EXPECT_NE(c.multiplier[2], v.fail);
}

TEST(RandomStream, EachTryOfTheMultiplierHasItsOwnBlock) {
  const CustomerStream s(5, 5);
  EXPECT_NE(s.customer(0).multiplier, s.customer(1).multiplier);
  EXPECT_EQ(s.customer(1).multiplier, s.customer(1).multiplier);
}

TEST(RandomStream, AVisitsSixUniformsAreTheHalvesOfOneBlock) {
  // Layout 2: one Philox4x64 block per visit, its words split low half first.
  const CustomerStream s(9, 4);
  const auto w = s.block(77, 3, 0, 0);
  const VisitDraws d = s.visit(77, 3);
  const auto u = [](std::uint64_t half) { return (static_cast<double>(half & 0xffffffffULL) + 0.5) / 4294967296.0; };
  EXPECT_EQ(d.fail, u(w.v[0]));
  EXPECT_EQ(d.repeat, u(w.v[0] >> 32));
  EXPECT_EQ(d.abandon, u(w.v[1]));
  EXPECT_EQ(d.forgive, u(w.v[1] >> 32));
  EXPECT_EQ(d.trust, u(w.v[2]));
  EXPECT_EQ(d.route, u(w.v[2] >> 32));
  EXPECT_EQ(s.arrival(77, 3), d.fail);
}

TEST(RandomStream, ThirtyTwoBitUniformsReachBothEndsOfTheOpenInterval) {
  EXPECT_EQ(CustomerStream::low(0), 0.5 / 4294967296.0);
  EXPECT_EQ(CustomerStream::low(0xffffffffULL), 1.0 - 0.5 / 4294967296.0);
  EXPECT_EQ(CustomerStream::low(0xabcdef0100000000ULL), CustomerStream::low(0));  // the low half only
  EXPECT_GT(CustomerStream::wide(0), 0.0);
  EXPECT_LT(CustomerStream::wide(~0ULL), 1.0);
}

}  // namespace
}  // namespace cxsim
