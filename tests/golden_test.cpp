// Known answers of our own. cxsim's random-stream layout and a run of a bundled scenario are
// pinned to the numbers they gave when checked in, so a change to one constant of the stream
// layout, the walk or the scenario file cannot pass unnoticed. When such a change is meant (a new
// stream layout), update these numbers in the same commit and say so in the changelog.
#include <gtest/gtest.h>

#include <array>
#include <map>

#include "io/scenario.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/random_stream.hpp"

namespace cxsim {
namespace {

TEST(Golden, TouchpointKeyIsFnv1aOfTheId) {
  // FNV-1a 64 of "install", computed independently.
  EXPECT_EQ(touchpoint_key("install"), 4328322632511231552ULL);
}

TEST(Golden, StreamLayoutOfOneCustomer) {
  // Stream layout 3 (two Philox4x32 blocks per visit, keyed by seed and touchpoint).
  const CustomerStream s(20240611, 12345);
  const VisitDraws d = s.visit(touchpoint_key("install"), 2);
  EXPECT_EQ(d.fail, 0x1.a13bedd9p-1);
  EXPECT_EQ(d.repeat, 0x1.d13f5179p-1);
  EXPECT_EQ(d.abandon, 0x1.b4d37e2ep-2);
  EXPECT_EQ(d.forgive, 0x1.c39605e3p-1);
  EXPECT_EQ(d.trust, 0x1.15f3011ep-2);
  EXPECT_EQ(d.route, 0x1.f4ea9911p-1);
  const CustomerDraws c = s.customer(0);
  EXPECT_EQ(c.segment, 0x1.93e3ebd2p-2);
  EXPECT_EQ(c.multiplier[0], 0x1.bacf732f264eap-2);
  EXPECT_EQ(c.multiplier[1], 0x1.bf4d30c0171ecp-3);
  EXPECT_EQ(c.multiplier[2], 0x1.ed963fp-9);
  EXPECT_EQ(c.multiplier[3], 0x1.500273b07954fp-1);
  EXPECT_EQ(s.arrival(touchpoint_key("done"), 0), 0x1.4b4286aap-2);
}

TEST(Golden, BroadbandRunOfTwentyThousandCustomers) {
  const LoadedScenario l = load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/broadband/scenario.yaml", "");
  WalkSettings w;
  w.seed = 20240611;
  const Tally t = simulate_customers(l.model.journey, l.model.population, w, 0, 20000);
  EXPECT_EQ(t.endings, (std::array<std::uint64_t, ending_count>{13111, 3673, 1443, 1773, 0}));
  EXPECT_EQ(t.steps, 141724u);
  // visits, failures, averted, repeats, abandoned, recoveries, routed, silent
  const std::map<std::string, std::array<std::uint64_t, touchpoint_count_figures>> golden{
      {"order", {20000, 1650, 0, 0, 211, 0, 0, 109}},
      {"install", {17709, 3138, 1261, 5262, 711, 0, 0, 363}},
      {"support_call", {5921, 1471, 620, 3284, 409, 0, 193, 144}},
      {"complaint", {304, 37, 4, 125, 13, 128, 12, 2}},
      {"billing_query", {1218, 252, 67, 590, 75, 311, 30, 22}},
      {"retention_call", {2857, 309, 253, 1168, 86, 1386, 779, 19}},
      {"cancelled", {1172, 0, 0, 0, 0, 0, 0, 0}},
  };
  for (const auto& [id, counts] : golden) {
    const auto k = l.model.journey.find(id);
    ASSERT_TRUE(k) << id;
    EXPECT_EQ(t.touchpoints[*k].count, counts) << id;
  }
  // A real-valued sum, in fixed-point units: reliability friction added at install.
  EXPECT_TRUE(t.touchpoints[*l.model.journey.find("install")].real[fig_friction_reliability - touchpoint_count_figures]
                  .units() == 1970161558861u);
}

}  // namespace
}  // namespace cxsim
