// Loading costs what the input costs: memory allocated while a scenario is checked and built,
// counted by this program's operator new, on journeys where one transition row names a segment
// among thousands. (Counted bytes, not time: the test cannot be flaky on a busy machine.)
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "io/scenario.hpp"
#include "sim/journey.hpp"
#include "test_support.hpp"

namespace {
std::atomic<std::size_t> allocated{0};
}  // namespace

void* operator new(std::size_t n) {
  allocated.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// The nothrow forms too (std::stable_sort's buffer uses them): every form this program's deletes
// free must come from malloc, or AddressSanitizer rightly reports a mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  allocated.fetch_add(n, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace cxsim {
namespace {

// A chain of n touchpoints walked by `segments` alike segments, one of which has a row of its own.
struct Files {
  std::string yaml;
  std::size_t bytes = 0;
};
Files write_chain(const test::ScratchDir& dir, std::size_t n, std::size_t segments) {
  std::string tps = "id,reliability,relevance,value,trust,recovery,outcome\n";
  std::string trs = "from,to,probability,when,segment\n";
  for (std::size_t k = 0; k < n; ++k) {
    tps += "t" + std::to_string(k) + ",0.95,0.9,0.8,0,,\n";
    trs += "t" + std::to_string(k) + "," + (k + 1 < n ? "t" + std::to_string(k + 1) : std::string("done")) + ",1,,\n";
  }
  tps += "done,1,1,1,0,,retained\n";
  trs += "t0,t1,1,,g0\n";
  std::string yaml =
      "name: chain\njourney:\n  start: t0\n  touchpoints: touchpoints.csv\n  transitions: transitions.csv\nsegments:\n";
  for (std::size_t s = 0; s < segments; ++s)
    yaml += "  - {name: g" + std::to_string(s) + ", share: " + (s == 0 ? "1" : "0") +
            ", value_expectation: 0.5, sensitivity: {reliability: 0.1, value: 0.1}, silent_churn: 0.1}\n";
  dir.write("touchpoints.csv", tps);
  dir.write("transitions.csv", trs);
  return {dir.write("scenario.yaml", yaml), tps.size() + trs.size() + yaml.size()};
}

std::size_t bytes_to_load(const std::string& yaml) {
  const std::size_t before = allocated.load();
  {
    const LoadedScenario l = load_scenario(yaml, "");
    EXPECT_EQ(l.model.journey.size(), 2001u);
  }
  return allocated.load() - before;
}

TEST(LoadingCost, OneSegmentRowDoesNotMakeLoadingQuadratic) {
  test::ScratchDir few_dir, many_dir;
  const Files few = write_chain(few_dir, 2000, 2);
  const Files many = write_chain(many_dir, 2000, 2000);
  const std::size_t with_few = bytes_to_load(few.yaml);
  const std::size_t with_many = bytes_to_load(many.yaml);
  // 1,998 more segments add about 200 KB of YAML. Tables by segment and touchpoint (or a search
  // of the journey per segment) would add hundreds of megabytes.
  EXPECT_LT(with_many - std::min(with_many, with_few), 200 * (many.bytes - few.bytes))
      << "loading with 2 segments allocated " << with_few << " bytes, with 2,000: " << with_many;
}

TEST(LoadingCost, SegmentRoutesStillResolvePerSegment) {
  test::ScratchDir dir;
  const Files f = write_chain(dir, 2000, 2000);
  const LoadedScenario l = load_scenario(f.yaml, "");
  const Journey& j = l.model.journey;
  const std::size_t t0 = *j.find("t0"), t1 = *j.find("t1");
  ASSERT_EQ(j.route(0, t0, Journey::after_ok).size(), 1u);
  EXPECT_EQ(j.transitions()[j.route(0, t0, Journey::after_ok)[0]].segment, 0);
  EXPECT_TRUE(j.has_own_rows(0, t0));
  EXPECT_FALSE(j.has_own_rows(1, t0));
  EXPECT_FALSE(j.has_own_rows(0, t1));
  for (const std::size_t s : {std::size_t{1}, std::size_t{999}, std::size_t{1999}}) {
    ASSERT_EQ(j.route(s, t0, Journey::after_fail).size(), 1u);
    EXPECT_EQ(j.transitions()[j.route(s, t0, Journey::after_fail)[0]].segment, every_segment);
    EXPECT_EQ(j.next(s, t0, Journey::after_ok, 0.5), t1);
  }
}

}  // namespace
}  // namespace cxsim
