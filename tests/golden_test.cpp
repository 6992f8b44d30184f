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
  const CustomerStream s(20240611, 12345);
  const VisitDraws d = s.visit(touchpoint_key("install"), 2);
  EXPECT_EQ(d.fail, 0x1.36ab0c52006c1p-1);
  EXPECT_EQ(d.repeat, 0x1.363cf1b3d8e05p-1);
  EXPECT_EQ(d.abandon, 0x1.93cd6aa0aab0cp-3);
  EXPECT_EQ(d.forgive, 0x1.d3cf30318a801p-1);
  EXPECT_EQ(d.trust, 0x1.18d0bc266578dp-1);
  EXPECT_EQ(d.route, 0x1.ed5128dd9ff78p-4);
  EXPECT_EQ(s.segment_draw(), 0x1.1cc4ce3b7f9e2p-2);
  const auto m = s.multiplier_draws(0);
  EXPECT_EQ(m[0], 0x1.4c94e63d33f45p-1);
  EXPECT_EQ(m[1], 0x1.88309fcc59f5cp-3);
  EXPECT_EQ(m[2], 0x1.6e3f813d04fc2p-2);
  EXPECT_EQ(m[3], 0x1.f86f9feac32a1p-1);
  EXPECT_EQ(s.arrival(touchpoint_key("done"), 0), 0x1.2c66de217691cp-3);
}

TEST(Golden, BroadbandRunOfTwentyThousandCustomers) {
  const LoadedScenario l = load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/broadband/scenario.yaml", "");
  WalkSettings w;
  w.seed = 20240611;
  const Tally t = simulate_customers(l.model.journey, l.model.population, w, 0, 20000);
  EXPECT_EQ(t.endings, (std::array<std::uint64_t, ending_count>{13139, 3716, 1366, 1779, 0}));
  EXPECT_EQ(t.steps, 141632u);
  // visits, failures, averted, repeats, abandoned, recoveries, routed, silent
  const std::map<std::string, std::array<std::uint64_t, touchpoint_count_figures>> golden{
      {"order", {20000, 1605, 0, 0, 196, 0, 0, 115}},
      {"install", {17710, 3061, 1285, 5374, 677, 0, 0, 352}},
      {"support_call", {5859, 1479, 579, 3295, 462, 0, 145, 145}},
      {"complaint", {324, 40, 6, 127, 15, 115, 19, 2}},
      {"billing_query", {1178, 237, 67, 584, 77, 310, 34, 20}},
      {"retention_call", {2753, 335, 225, 1079, 91, 1279, 768, 19}},
      {"cancelled", {1139, 0, 0, 0, 0, 0, 0, 0}},
  };
  for (const auto& [id, counts] : golden) {
    const auto k = l.model.journey.find(id);
    ASSERT_TRUE(k) << id;
    EXPECT_EQ(t.touchpoints[*k].count, counts) << id;
  }
  // A real-valued sum, in fixed-point units: reliability friction added at install.
  EXPECT_TRUE(t.touchpoints[*l.model.journey.find("install")].real[fig_friction_reliability - touchpoint_count_figures]
                  .units() == 1926356016216u);
}

}  // namespace
}  // namespace cxsim
