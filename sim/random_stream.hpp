#pragma once
// Counter-based random numbers for one customer (Random123 Philox4x64-10, a pure function of
// key and counter). Key = (seed, customer index). What a block is for sits in the counter:
//   a visit:     (touchpoint key, earlier visits of this customer to it, 0, 0)
//   the customer: (0, attempt, 0, 1): the segment, and the multiplier's attempt-th try
// so a customer's draws at one touchpoint never depend on the rest of the journey, on thread
// scheduling, or on which other customers ran first.
//
// Stream layout 2: one block per visit, its four 64-bit words split into eight 32-bit
// uniforms of which six are used (layout 1 took two blocks for the same six, at 64 bits each;
// Philox was a quarter of a visit's cost). 32 bits resolve a probability to 2.3e-10, far below
// what any number of customers can see. The Box-Muller normal of the multiplier keeps 64-bit
// uniforms, so its tails are not cut at 6.6 standard deviations.
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <array>
#include <cstdint>

namespace cxsim {

// Uniforms of one visit, by purpose.
struct VisitDraws {
  double fail, repeat, abandon, forgive, trust, route;
};

// Uniforms of one try of the customer's own block.
struct CustomerDraws {
  double segment;                    // used from try 0 only
  std::array<double, 4> multiplier;  // two for a normal, one to accept it, one for shapes below 1
};

class CustomerStream {
 public:
  CustomerStream(std::uint64_t seed, std::uint64_t customer) : key_{{seed, customer}} {}

  // One block: four 64-bit words.
  r123::Philox4x64::ctr_type block(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, std::uint64_t domain) const {
    return r123::Philox4x64()(r123::Philox4x64::ctr_type{{w0, w1, w2, domain}}, key_);
  }

  // The segment and the multiplier depend on (seed, customer) only.
  CustomerDraws customer(std::uint64_t attempt) const {
    const auto w = block(0, attempt, 0, customer_domain);
    return {low(w.v[2] >> 32), {wide(w.v[0]), wide(w.v[1]), low(w.v[2]), wide(w.v[3])}};
  }

  VisitDraws visit(std::uint64_t touchpoint_key, std::uint64_t earlier_visits) const {
    const auto w = block(touchpoint_key, earlier_visits, 0, visit_domain);
    return {low(w.v[0]), low(w.v[0] >> 32), low(w.v[1]), low(w.v[1] >> 32), low(w.v[2]), low(w.v[2] >> 32)};
  }

  // The one draw a terminal needs (silent churn): the first of its visit block.
  double arrival(std::uint64_t touchpoint_key, std::uint64_t earlier_visits) const {
    return low(block(touchpoint_key, earlier_visits, 0, visit_domain).v[0]);
  }

  // Uniforms in the open interval (0,1) from the low 32 bits of a word, or from all 64.
  static double low(std::uint64_t w) { return r123::u01fixedpt<double>(static_cast<std::uint32_t>(w)); }
  static double wide(std::uint64_t w) { return r123::u01fixedpt<double>(w); }

 private:
  static constexpr std::uint64_t visit_domain = 0;
  static constexpr std::uint64_t customer_domain = 1;
  r123::Philox4x64::key_type key_;
};

}  // namespace cxsim
