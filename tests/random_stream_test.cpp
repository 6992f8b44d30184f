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
  EXPECT_NE(s.segment_draw(), s.uniforms(0, 0, 0, 0)[0]);
  EXPECT_NE(s.segment_draw(), s.multiplier_draws(0)[0]);
}

}  // namespace
}  // namespace cxsim
