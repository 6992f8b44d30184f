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
  // Stream layout 2 (one Philox4x64 block per visit, split into 32-bit uniforms).
  const CustomerStream s(20240611, 12345);
  const VisitDraws d = s.visit(touchpoint_key("install"), 2);
  EXPECT_EQ(d.fail, 0x1.b0363cp-11);
  EXPECT_EQ(d.repeat, 0x1.36ab0c53p-1);
  EXPECT_EQ(d.abandon, 0x1.d8e046efp-1);
  EXPECT_EQ(d.forgive, 0x1.363cf1b3p-1);
  EXPECT_EQ(d.trust, 0x1.55617198p-4);
  EXPECT_EQ(d.route, 0x1.93cd6aa4p-3);
  const CustomerDraws c = s.customer(0);
  EXPECT_EQ(c.segment, 0x1.d0dd2ee9p-1);
  EXPECT_EQ(c.multiplier[0], 0x1.1cc4ce3b7f9e2p-2);
  EXPECT_EQ(c.multiplier[1], 0x1.62dbd2864b0aep-2);
  EXPECT_EQ(c.multiplier[2], 0x1.ec20ff31p-1);
  EXPECT_EQ(c.multiplier[3], 0x1.a28524c8ae57ap-2);
  EXPECT_EQ(s.arrival(touchpoint_key("done"), 0), 0x1.7691cf24p-3);
}

TEST(Golden, BroadbandRunOfTwentyThousandCustomers) {
  const LoadedScenario l = load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/broadband/scenario.yaml", "");
  WalkSettings w;
  w.seed = 20240611;
  const Tally t = simulate_customers(l.model.journey, l.model.population, w, 0, 20000);
  EXPECT_EQ(t.endings, (std::array<std::uint64_t, ending_count>{13104, 3783, 1347, 1766, 0}));
  EXPECT_EQ(t.steps, 141454u);
  // visits, failures, averted, repeats, abandoned, recoveries, routed, silent
  const std::map<std::string, std::array<std::uint64_t, touchpoint_count_figures>> golden{
      {"order", {20000, 1509, 0, 0, 232, 0, 0, 86}},
      {"install", {17640, 3230, 1211, 5223, 703, 0, 0, 375}},
      {"support_call", {6097, 1533, 601, 3436, 420, 0, 160, 146}},
      {"complaint", {305, 42, 2, 110, 8, 123, 22, 0}},
      {"billing_query", {1128, 225, 57, 537, 66, 320, 23, 27}},
      {"retention_call", {2797, 299, 247, 1120, 117, 1312, 718, 11}},
      {"cancelled", {1093, 0, 0, 0, 0, 0, 0, 0}},
  };
  for (const auto& [id, counts] : golden) {
    const auto k = l.model.journey.find(id);
    ASSERT_TRUE(k) << id;
    EXPECT_EQ(t.touchpoints[*k].count, counts) << id;
  }
  // A real-valued sum, in fixed-point units: reliability friction added at install.
  EXPECT_TRUE(t.touchpoints[*l.model.journey.find("install")]
                  .real[fig_friction_reliability - touchpoint_count_figures]
                  .units() == 2001969098446u);
}

}  // namespace
}  // namespace cxsim
