// Races planted on purpose, which ThreadSanitizer must report: scripts/tsan.sh runs this program
// once per loop of sim/parallel.hpp and fails if it stays silent. It keeps the suppressions of
// scripts/tsan.supp (TBB's internals) and the hand-overs sim/parallel.hpp states from ever
// hiding a race in cxsim's own task bodies. Built only in ThreadSanitizer builds.
#include <tbb/blocked_range.h>
#include <tbb/task_arena.h>

#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "sim/parallel.hpp"

namespace {

// Every task adds to one counter without synchronisation: the planted race.
std::uint64_t shared_count = 0;

void count(std::uint64_t n) {
  auto* volatile_count = static_cast<volatile std::uint64_t*>(&shared_count);  // every add reaches memory
  for (std::uint64_t i = 0; i < n; ++i) *volatile_count = *volatile_count + 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view loop = argc > 1 ? argv[1] : "";
  const tbb::blocked_range<std::uint64_t> chunks(0, 256, 1);
  tbb::task_arena arena(2);
  if (loop == "for_each") {
    arena.execute([&] {
      cxsim::parallel::for_each(chunks, [](const tbb::blocked_range<std::uint64_t>& r) { count(1000 * r.size()); });
    });
  } else if (loop == "deterministic_reduce") {
    arena.execute([&] {
      const auto sum = cxsim::parallel::deterministic_reduce(
          chunks, std::vector<std::uint64_t>(4, 0),
          [](const tbb::blocked_range<std::uint64_t>& r, std::vector<std::uint64_t> part) {
            count(1000 * r.size());
            part[0] += r.size();
            return part;
          },
          [](std::vector<std::uint64_t> a, const std::vector<std::uint64_t>& b) {
            a[0] += b[0];
            return a;
          });
      if (sum[0] != chunks.size()) std::fprintf(stderr, "the reduction lost chunks\n");
    });
  } else if (loop == "invoke") {
    arena.execute([] { cxsim::parallel::invoke([] { count(200000); }, [] { count(200000); }, [] { count(200000); }); });
  } else {
    std::fprintf(stderr, "usage: tsan_canary for_each|deterministic_reduce|invoke\n");
    return 2;
  }
  return 0;
}
