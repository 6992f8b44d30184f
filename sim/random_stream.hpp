#pragma once
// Counter-based random numbers for one customer (Random123 Philox4x64, a pure function of
// key and counter). Key = (seed, customer index). What a draw is for sits in the counter:
//   visit draws:    (touchpoint key, earlier visits of this customer to it, block, 0)
//   customer draws: (0, attempt, purpose, 1): purpose 0 the segment, 1 the multiplier
// so a customer's draws at one touchpoint never depend on the rest of the journey, on thread
// scheduling, or on which other customers ran first.
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <array>
#include <cstdint>

namespace cxsim {

// Uniforms of one visit, by purpose.
struct VisitDraws {
  double fail, repeat, abandon, forgive;  // block 0
  double trust, route;                    // block 1
};

class CustomerStream {
 public:
  CustomerStream(std::uint64_t seed, std::uint64_t customer) : key_{{seed, customer}} {}

  // Four uniforms in the open interval (0,1).
  std::array<double, 4> uniforms(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2,
                                 std::uint64_t domain) const {
    const r123::Philox4x64::ctr_type ctr{{w0, w1, w2, domain}};
    const auto out = r123::Philox4x64()(ctr, key_);
    return {r123::u01fixedpt<double>(out.v[0]), r123::u01fixedpt<double>(out.v[1]),
            r123::u01fixedpt<double>(out.v[2]), r123::u01fixedpt<double>(out.v[3])};
  }

  // The segment and the multiplier depend on (seed, customer) only.
  double segment_draw() const { return uniforms(0, 0, 0, customer_domain)[0]; }
  std::array<double, 4> multiplier_draws(std::uint64_t attempt) const {
    return uniforms(0, attempt, 1, customer_domain);
  }

  VisitDraws visit(std::uint64_t touchpoint_key, std::uint64_t earlier_visits) const {
    const auto a = uniforms(touchpoint_key, earlier_visits, 0, visit_domain);
    const auto b = uniforms(touchpoint_key, earlier_visits, 1, visit_domain);
    return {a[0], a[1], a[2], a[3], b[0], b[1]};
  }

  // The one draw a terminal needs (silent churn).
  double arrival(std::uint64_t touchpoint_key, std::uint64_t earlier_visits) const {
    return uniforms(touchpoint_key, earlier_visits, 0, visit_domain)[0];
  }

 private:
  static constexpr std::uint64_t visit_domain = 0;
  static constexpr std::uint64_t customer_domain = 1;
  r123::Philox4x64::key_type key_;
};

}  // namespace cxsim
