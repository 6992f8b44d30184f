#pragma once
// How many worker threads a study uses, and how it is stopped early: one rule for every command
// and for the Python module.
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace cxsim {

// The number of threads a request may ask for (0 means every core).
inline constexpr std::uint64_t max_threads = 4096;

// A study stopped through its cancellation context (Ctrl-C in a notebook): its partial results
// are thrown away, never returned.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

// Runs `f(n)` on exactly `threads` worker threads (0: every core), n being the number used.
// With `cancel`, every parallel loop inside runs under that context, so cancelling it (from any
// thread) stops the study within one chunk of customers; then Cancelled is thrown.
template <class F>
auto with_threads(std::uint64_t threads, F&& f, tbb::task_group_context* cancel = nullptr) {
  const int n = threads == 0 ? tbb::info::default_concurrency() : static_cast<int>(threads);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(n));
  tbb::task_arena arena(n);
  return arena.execute([&] {
    if (!cancel) return f(n);
    // The task group is made inside the arena: a context does not reach loops across an arena.
    using Result = std::invoke_result_t<F&, int>;
    std::optional<Result> result;
    tbb::task_group group(*cancel);
    if (group.run_and_wait([&] { result.emplace(f(n)); }) == tbb::task_group_status::canceled ||
        cancel->is_group_execution_cancelled() || !result)
      throw Cancelled();
    return std::move(*result);
  });
}

}  // namespace cxsim
