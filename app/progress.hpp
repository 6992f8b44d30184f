#pragma once
// A progress bar on stderr for long runs: shown only when stderr is a terminal and the run has
// taken more than a second. The engine only bumps an atomic counter per chunk of customers.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace cxsim {

class ProgressBar {
 public:
  // total = 0: unknown (a --precision run): the bar shows the count only.
  explicit ProgressBar(std::uint64_t total);
  ~ProgressBar();
  std::atomic<std::uint64_t>* counter() { return &done_; }

 private:
  void loop();
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  bool enabled_ = false;
  bool stop_ = false;
  bool drawn_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace cxsim
