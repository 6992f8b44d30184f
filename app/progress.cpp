#include "app/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace cxsim {

ProgressBar::ProgressBar(std::uint64_t total) : total_(total) {
  enabled_ = ::isatty(STDERR_FILENO) == 1;
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

ProgressBar::~ProgressBar() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (drawn_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::loop() {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  // Quiet for the first second: short runs print nothing.
  if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
  while (!stop_) {
    const std::uint64_t done = done_.load(std::memory_order_relaxed);
    const double seconds = std::chrono::duration<double>(clock::now() - started).count();
    if (total_ > 0) {
      const double f = static_cast<double>(done) / static_cast<double>(total_);
      const int width = 30, filled = static_cast<int>(f * width);
      std::fprintf(stderr, "\r[%.*s%*s] %5.1f%%  %llu / %llu customers  %.0f s", filled,
                   "##############################", width - filled, "", 100.0 * f,
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), seconds);
    } else {
      std::fprintf(stderr, "\r%llu customers  %.0f s", static_cast<unsigned long long>(done), seconds);
    }
    std::fflush(stderr);
    drawn_ = true;
    wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
  }
}

}  // namespace cxsim
