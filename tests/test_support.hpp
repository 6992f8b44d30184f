#pragma once
// Small helpers shared by the test programs: journeys built in code, scratch folders, and the
// z-score check used by every statistical test (fixed seeds, 5 standard errors).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/journey.hpp"
#include "sim/figures.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/population.hpp"

namespace cxsim::test {

inline Touchpoint touchpoint(std::string id, double r = 1.0, double l = 1.0, double v = 1.0, double t = 0.0,
                             double q = 0.0, Outcome o = Outcome::none) {
  Touchpoint tp;
  tp.id = std::move(id);
  tp.reliability = r;
  tp.relevance = l;
  tp.value = v;
  tp.trust = t;
  tp.recovery = q;
  tp.outcome = o;
  return tp;
}

inline Touchpoint retained(std::string id) {
  return touchpoint(std::move(id), 1, 1, 1, 0, 0, Outcome::retained);
}
inline Touchpoint defected(std::string id) {
  return touchpoint(std::move(id), 1, 1, 1, 0, 0, Outcome::defected);
}

inline Segment segment(double a, double b = 0.0, double c = 0.0, double e = 0.0, double lambda = 0.0, double h = 0.0,
                       double share = 1.0, std::string name = "s") {
  Segment s;
  s.name = std::move(name);
  s.share = share;
  s.value_expectation = e;
  s.reliability_sensitivity = a;
  s.relevance_sensitivity = b;
  s.value_sensitivity = c;
  s.silent_churn = lambda;
  s.heterogeneity = h;
  return s;
}

// Monte Carlo figures of customers [0, n) at a fixed seed.
inline Tally simulate(const Journey& j, const Population& p, std::uint64_t n, std::uint64_t seed = 7,
                      std::uint64_t max_steps = 1000) {
  WalkSettings w;
  w.seed = seed;
  w.max_steps = max_steps;
  return simulate_customers(j, p, w, 0, n);
}

// |estimate - exact| within 5 binomial standard errors of a share over n customers.
inline void expect_share_near(double estimate, double exact, std::uint64_t n, const char* what) {
  const double se = std::sqrt(std::max(exact * (1.0 - exact), 1e-12) / static_cast<double>(n));
  EXPECT_LE(std::fabs(estimate - exact), 5.0 * se)
      << what << ": estimate " << estimate << ", exact " << exact << ", z " << (estimate - exact) / se;
}

// Bit-for-bit equality of two tallies (fractional sums included: the reduction order is fixed).
inline bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

inline void expect_identical(const Tally& a, const Tally& b) {
  EXPECT_EQ(a.customers, b.customers);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.endings, b.endings);
  ASSERT_EQ(a.touchpoints.size(), b.touchpoints.size());
  for (std::size_t k = 0; k < a.touchpoints.size(); ++k)
    for (int f = 0; f < touchpoint_figure_count; ++f)
      EXPECT_TRUE(same_bits(a.touchpoints[k].total(f), b.touchpoints[k].total(f)))
          << "touchpoint " << k << " " << figure_name(f);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t s = 0; s < a.segments.size(); ++s) {
    EXPECT_EQ(a.segments[s].customers, b.segments[s].customers);
    EXPECT_EQ(a.segments[s].defections, b.segments[s].defections);
  }
}

// A fresh folder for files a test writes.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cxsim-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace cxsim::test
