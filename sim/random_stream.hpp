#pragma once
// Counter-based random numbers for one customer (Random123 Philox4x32-10, a pure function of
// key and counter). Stream layout 3:
//   key     = the seed, XORed with the touchpoint key for a visit's blocks
//   counter = (customer low 32 bits, customer high 32 bits, n, purpose)
//   a visit:      n = earlier visits of this customer to the touchpoint, purpose 0 and 1
//   the customer: n = attempt, purpose 2 and 3: the segment, and the multiplier's attempt-th try
// For one seed, distinct (customer, touchpoint, visit, purpose) give distinct inputs, so a
// customer's draws at one touchpoint never depend on the rest of the journey, on thread
// scheduling, on which other customers ran first, or on which lane of a vector walked them.
//
// Layout 3 uses Philox4x32 because its 32x32-bit multiplies have SIMD instructions (Philox4x64's
// 64x64 do not on x86): customers are walked in lock-step lanes and their blocks made all at
// once (sim/philox_lanes.hpp, sim/lane_walk.hpp). A visit takes two blocks, eight 32-bit words of
// which six are used: the first block holds the draws every visit needs. (Layout 2 took one
// Philox4x64 block per visit.) 32 bits resolve a probability to 2.3e-10, far below what any
// number of customers can see; the Box-Muller normal of the multiplier keeps 64-bit uniforms
// (two words each), so its tails are not cut at 6.6 standard deviations.
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <array>
#include <cstdint>

namespace cxsim {

// Uniforms of one visit, by purpose.
struct VisitDraws {
  double fail, repeat, abandon, forgive, trust, route;
};

// Uniforms of one try of the customer's own blocks.
struct CustomerDraws {
  double segment;                   // used from try 0 only
  std::array<double, 4> multiplier;  // two for a normal, one to accept it, one for shapes below 1
};

using PhiloxBlock = std::array<std::uint32_t, 4>;

namespace stream_layout {

inline constexpr std::uint32_t visit_purpose = 0;     // and 1: a visit's two blocks
inline constexpr std::uint32_t customer_purpose = 2;  // and 3: a try's two blocks

inline std::array<std::uint32_t, 2> key(std::uint64_t seed, std::uint64_t touchpoint_key) {
  const std::uint64_t k = seed ^ touchpoint_key;
  return {static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)};
}
inline PhiloxBlock counter(std::uint64_t customer, std::uint32_t n, std::uint32_t purpose) {
  return {static_cast<std::uint32_t>(customer), static_cast<std::uint32_t>(customer >> 32), n, purpose};
}

// Uniforms in the open interval (0,1) from one word, or from two (high word first).
inline double low(std::uint32_t w) { return r123::u01fixedpt<double>(w); }
inline double wide(std::uint32_t hi, std::uint32_t lo) {
  return r123::u01fixedpt<double>(static_cast<std::uint64_t>(hi) << 32 | lo);
}

// A visit's uniforms from its blocks (purpose 0, 1). The first block has the draws every visit
// needs; the arrival at a terminal uses its first word.
inline VisitDraws visit(const PhiloxBlock& a, const PhiloxBlock& b) {
  return {low(a[0]), low(a[1]), low(a[2]), low(b[0]), low(b[1]), low(a[3])};
}
inline double arrival(const PhiloxBlock& a) { return low(a[0]); }
// Stands in for a visit's second block where its draws cannot change the visit (no trust to
// arm, nothing to forgive: their probabilities are 0, and no uniform is below 0), so neither
// walk spends a Philox block on it. Its draws read 0.5.
inline constexpr PhiloxBlock unused_block{0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u};
// A try's uniforms from its blocks (purpose 2, 3).
inline CustomerDraws customer(const PhiloxBlock& c, const PhiloxBlock& d) {
  return {low(c[0]), {wide(c[2], c[3]), wide(d[0], d[1]), low(c[1]), wide(d[2], d[3])}};
}

}  // namespace stream_layout

// One customer's stream, a block at a time (the lane walk makes the same blocks many at once).
class CustomerStream {
 public:
  CustomerStream(std::uint64_t seed, std::uint64_t customer) : seed_(seed), customer_(customer) {}

  PhiloxBlock block(std::uint64_t touchpoint_key, std::uint32_t n, std::uint32_t purpose) const {
    const auto k = stream_layout::key(seed_, touchpoint_key);
    const auto c = stream_layout::counter(customer_, n, purpose);
    const auto r = r123::Philox4x32()(r123::Philox4x32::ctr_type{{c[0], c[1], c[2], c[3]}},
                                      r123::Philox4x32::key_type{{k[0], k[1]}});
    return {r.v[0], r.v[1], r.v[2], r.v[3]};
  }

  // The segment and the multiplier depend on (seed, customer) only.
  CustomerDraws customer(std::uint64_t attempt) const {
    const auto n = static_cast<std::uint32_t>(attempt);
    return stream_layout::customer(block(0, n, stream_layout::customer_purpose),
                                   block(0, n, stream_layout::customer_purpose + 1));
  }

  VisitDraws visit(std::uint64_t touchpoint_key, std::uint32_t earlier_visits) const {
    return stream_layout::visit(block(touchpoint_key, earlier_visits, stream_layout::visit_purpose),
                                block(touchpoint_key, earlier_visits, stream_layout::visit_purpose + 1));
  }

  // The one draw a terminal needs (silent churn): the first of its visit's first block.
  double arrival(std::uint64_t touchpoint_key, std::uint32_t earlier_visits) const {
    return stream_layout::arrival(block(touchpoint_key, earlier_visits, stream_layout::visit_purpose));
  }

 private:
  std::uint64_t seed_, customer_;
};

}  // namespace cxsim
