#pragma once
// Uniforms from mt19937_64 by hand, so generated test and benchmark journeys are the same with
// any standard library (std:: distributions differ between implementations).
#include <cstddef>
#include <cstdint>
#include <random>

namespace cxsim::test {

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : gen_(seed) {}
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  // An integer in [lo, hi].
  std::size_t pick(std::size_t lo, std::size_t hi) {
    return lo + static_cast<std::size_t>(uniform() * static_cast<double>(hi - lo + 1));
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace cxsim::test
