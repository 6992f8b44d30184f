// The lane walk (sim/lane_walk.hpp) is the scalar walk made many customers at a time: the same
// draws, the same rules, so the very same tally, bit for bit, on every kind of journey.
#include <gtest/gtest.h>

#include "io/scenario.hpp"
#include "random_journeys.hpp"
#include "sim/lane_walk.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

// Customers [first, last) walked one by one with walk_customer.
Tally one_by_one(const Journey& j, const Population& p, const WalkSettings& w, std::uint64_t first,
                 std::uint64_t last) {
  Tally t(j.size(), p.size());
  WalkScratch scratch(j.size());
  NoObserver none;
  for (std::uint64_t c = first; c < last; ++c) walk_customer(j, p, w, c, scratch, t, none);
  return t;
}

Tally in_lanes(const Journey& j, const Population& p, const WalkSettings& w, std::uint64_t first,
               std::uint64_t last) {
  Tally t(j.size(), p.size());
  LaneWalker<> lanes(j, p, w);
  lanes.walk(first, last, t, customers_per_chunk, [] { return false; });
  return t;
}

// Customers walked with both blocks of every visit drawn, never stream_layout::unused_block.
Tally with_every_block(const Journey& j, const Population& p, const WalkSettings& w, std::uint64_t n) {
  Tally t(j.size(), p.size());
  WalkScratch scratch(j.size());
  NoObserver none;
  for (std::uint64_t c = 0; c < n; ++c) {
    const CustomerStream rng(w.seed, c);
    CustomerWalk<> walk(j, p, w, c, rng.customer(0), rng);
    while (walk.arrive(scratch))
      if (walk.visit(rng.visit(walk.key(), walk.earlier()), scratch, t, none)) break;
    walk.finish(t, none);
  }
  return t;
}

TEST(SecondBlock, SkippingItWhereItCannotMatterChangesNoVisit) {
  WalkSettings w;
  w.seed = 31;
  for (const auto& sc : test::scenarios()) {
    test::expect_identical(one_by_one(sc.journey, sc.population, w, 0, 2000),
                           with_every_block(sc.journey, sc.population, w, 2000));
    if (HasFailure()) return;
  }
}

TEST(LaneWalk, SameTallyAsTheScalarWalkOnRandomJourneys) {
  WalkSettings w;
  w.seed = 99;
  for (const auto& sc : test::scenarios()) {
    test::expect_identical(in_lanes(sc.journey, sc.population, w, 0, 2000),
                           one_by_one(sc.journey, sc.population, w, 0, 2000));
    if (HasFailure()) return;
  }
}

TEST(LaneWalk, SameTallyAsTheScalarWalkOnTheBundledScenarios) {
  WalkSettings w;
  w.seed = 20240611;
  for (const char* name : {"broadband", "car_repair", "b2b_onboarding"}) {
    const LoadedScenario l =
        load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + name + "/scenario.yaml", "");
    test::expect_identical(in_lanes(l.model.journey, l.model.population, w, 0, 20000),
                           one_by_one(l.model.journey, l.model.population, w, 0, 20000));
  }
}

TEST(LaneWalk, SameTallyWhenWalksHitTheStepLimit) {
  WalkSettings w;
  w.seed = 5;
  w.max_steps = 3;
  for (const auto& sc : test::scenarios()) {
    test::expect_identical(in_lanes(sc.journey, sc.population, w, 0, 500),
                           one_by_one(sc.journey, sc.population, w, 0, 500));
    if (HasFailure()) return;
  }
}

TEST(LaneWalk, RangesNotAMultipleOfTheLanesAndFarFromZero) {
  // Fewer customers than lanes, an odd count, and customers past 2^32 (both counter words).
  const auto sc = test::scenarios().front();
  WalkSettings w;
  for (const auto& [first, last] : {std::pair<std::uint64_t, std::uint64_t>{0, 3}, {17, 150},
                                    {(1ULL << 32) - 40, (1ULL << 32) + 61}}) {
    test::expect_identical(in_lanes(sc.journey, sc.population, w, first, last),
                           one_by_one(sc.journey, sc.population, w, first, last));
  }
}

TEST(LaneWalk, StopsWhenCancelled) {
  const auto sc = test::scenarios().front();
  WalkSettings w;
  Tally t(sc.journey.size(), sc.population.size());
  LaneWalker<> lanes(sc.journey, sc.population, w);
  lanes.walk(0, 100000, t, 1024, [] { return true; });
  EXPECT_LT(t.customers, 2000u);  // the first 1,024 begun, then it stops
}

}  // namespace
}  // namespace cxsim
