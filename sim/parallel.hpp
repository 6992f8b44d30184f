#pragma once
// The engine's parallel loops: oneTBB, with the order between threads that each loop guarantees
// stated for ThreadSanitizer.
//
// ThreadSanitizer sees only the synchronisation of code built with it, and libtbb (Debian's) is
// not: the hand-overs its scheduler makes (the caller's data to the tasks, a partial result to
// the task that joins it, every task to the caller when the loop returns) would look like data
// races in cxsim's own code. On a ThreadSanitizer build (scripts/tsan.sh) these wrappers state
// those hand-overs and order no two tasks that TBB runs unordered, so a race between them is
// reported (tests/tsan_canary.cpp plants one in each loop);
// on any other build they are plain TBB calls. Races inside TBB's own headers are suppressed by
// scripts/tsan.supp.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <array>
#include <cstddef>
#include <functional>
#include <utility>

#if defined(__SANITIZE_THREAD__)
#define CXSIM_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CXSIM_THREAD_SANITIZER 1
#endif
#endif

#ifdef CXSIM_THREAD_SANITIZER
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace cxsim::parallel {

// What this thread did so far happens before whatever another thread does after receive(token).
inline void publish([[maybe_unused]] const void* token) {
#ifdef CXSIM_THREAD_SANITIZER
  __tsan_release(const_cast<void*>(token));
#endif
}
inline void receive([[maybe_unused]] const void* token) {
#ifdef CXSIM_THREAD_SANITIZER
  __tsan_acquire(const_cast<void*>(token));
#endif
}

// Where every parallel call starts. A task must receive the start before it reads anything,
// its own closure included, so the token cannot be in the closure: one for every call (which
// orders a nested call's caller before the outer call's later tasks, a little more order than
// TBB promises; cxsim nests only in the exact solver).
inline char call_start = 0;

// The order around one parallel call: the caller's work before `starts()` (the tasks' closures
// included) happens before every task, and every task happens before the caller's work after
// `returned()`. Tasks are not ordered among themselves.
class Call {
 public:
  Call() = default;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  void starts() const { publish(&call_start); }
  static void task_begins() { receive(&call_start); }
  void task_ends() const { publish(&end_); }
  void returned() const { receive(&end_); }

 private:
  char end_ = 0;
};

// A partial result that TBB moves between threads: whoever touches it sees all that was done to
// it before. The first member is built first and destroyed last, so a Handed built where another
// one lay (TBB reuses task memory across threads) comes after the old one's end.
template <class T>
class Handed {
 public:
  explicit Handed(T v) : value_(std::move(v)) { publish(this); }
  Handed(const Handed& o) : value_(o.get()) { publish(this); }
  Handed(Handed&& o) noexcept : value_(o.take()) { publish(this); }
  Handed& operator=(const Handed& o) {
    if (this != &o) {
      receive(this);
      value_ = o.get();
      publish(this);
    }
    return *this;
  }
  Handed& operator=(Handed&& o) noexcept {
    if (this != &o) {
      receive(this);
      value_ = o.take();
      publish(this);
    }
    return *this;
  }
  ~Handed() { receive(this); }

  const T& get() const {
    receive(this);
    return value_;
  }
  T take() {
    receive(this);
    T out = std::move(value_);
    publish(this);
    return out;
  }

 private:
  struct Edge {
    explicit Edge(const void* token) : at(token) { receive(at); }
    ~Edge() { publish(at); }
    const void* at;
  };
  Edge edge_{this};
  T value_;
};

// body(range) over `range`, split as TBB sees fit.
template <class Range, class Body>
void for_each(const Range& range, const Body& body) {
  Call call;
  const auto task = [&](const Range& r) {
    Call::task_begins();
    body(r);
    call.task_ends();
  };
  call.starts();
  tbb::parallel_for(range, task);
  call.returned();
}

// body(i) for every i in [first, last).
template <class Index, class Body>
void for_each_index(Index first, Index last, const Body& body) {
  for_each(tbb::blocked_range<Index>(first, last, 1), [&](const tbb::blocked_range<Index>& r) {
    for (Index i = r.begin(); i != r.end(); ++i) body(i);
  });
}

// tbb::parallel_deterministic_reduce with a simple partitioner: the reduction tree depends only
// on the range and its grain size, never on the number of threads.
template <class Range, class Value, class Body, class Join>
Value deterministic_reduce(const Range& range, const Value& identity, const Body& body, const Join& join) {
  Call call;
  const Handed<Value> start(identity);
  const auto task = [&](const Range& r, Handed<Value> part) {
    Call::task_begins();
    Handed<Value> out(body(r, part.take()));
    call.task_ends();
    return out;
  };
  const auto joined = [&](Handed<Value> a, const Handed<Value>& b) {
    Call::task_begins();
    Handed<Value> out(join(a.take(), b.get()));
    call.task_ends();
    return out;
  };
  call.starts();
  Handed<Value> sum = tbb::parallel_deterministic_reduce(range, start, task, joined, tbb::simple_partitioner());
  call.returned();
  return sum.take();
}

// Every f() at once; returns when all have.
template <class... F>
void invoke(const F&... f) {
  const std::array<std::function<void()>, sizeof...(F)> task{std::function<void()>(std::cref(f))...};
  for_each_index(std::size_t{0}, task.size(), [&](std::size_t i) { task[i](); });
}

}  // namespace cxsim::parallel
