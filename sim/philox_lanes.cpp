// Philox4x32-10 in SIMD lanes with Highway's dynamic dispatch: this file is compiled once per
// target (foreach_target.h), and HWY_DYNAMIC_DISPATCH calls the best one the CPU supports.
#include "sim/philox_lanes.hpp"

#include <stdexcept>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/philox_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace cxsim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Random123's constants for Philox4x32: the two multipliers and the Weyl key increments.
constexpr std::uint32_t philox_m0 = 0xD2511F53u, philox_m1 = 0xCD9E8D57u;
constexpr std::uint32_t philox_w0 = 0x9E3779B9u, philox_w1 = 0xBB67AE85u;

// hi and lo halves of the 64-bit products a * m, lane by lane. x86 multiplies the even 32-bit
// lanes of a vector into 64-bit ones (MulEven); the odd lanes are shifted down and done the same.
template <class D, class V>
HWY_INLINE void mulhilo(D d, V a, V m, V& hi, V& lo) {
#if HWY_TARGET == HWY_SCALAR  // one lane: no 64-bit lanes to widen into
  const std::uint64_t p = std::uint64_t{hn::GetLane(a)} * hn::GetLane(m);
  hi = hn::Set(d, static_cast<std::uint32_t>(p >> 32));
  lo = hn::Set(d, static_cast<std::uint32_t>(p));
#else
  const hn::Repartition<std::uint64_t, D> d64;
  const auto even = hn::MulEven(a, m);
  const auto odd = hn::MulEven(hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(d64, a))), m);
  lo = hn::OddEven(hn::BitCast(d, hn::ShiftLeft<32>(odd)), hn::BitCast(d, even));
  hi = hn::OddEven(hn::BitCast(d, odd), hn::BitCast(d, hn::ShiftRight<32>(even)));
#endif
}

void Philox4x32Lanes(const std::uint32_t* HWY_RESTRICT counter, const std::uint32_t* HWY_RESTRICT key,
                     std::uint32_t* HWY_RESTRICT out, std::size_t n) {
  const hn::ScalableTag<std::uint32_t> d;
  const auto m0 = hn::Set(d, philox_m0), m1 = hn::Set(d, philox_m1);
  const auto w0 = hn::Set(d, philox_w0), w1 = hn::Set(d, philox_w1);
  for (std::size_t i = 0; i < n; i += hn::Lanes(d)) {
    auto c0 = hn::LoadU(d, counter + i), c1 = hn::LoadU(d, counter + n + i);
    auto c2 = hn::LoadU(d, counter + 2 * n + i), c3 = hn::LoadU(d, counter + 3 * n + i);
    auto k0 = hn::LoadU(d, key + i), k1 = hn::LoadU(d, key + n + i);
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 = hn::Add(k0, w0);
        k1 = hn::Add(k1, w1);
      }
      decltype(c0) hi0, lo0, hi1, lo1;
      mulhilo(d, c0, m0, hi0, lo0);
      mulhilo(d, c2, m1, hi1, lo1);
      c0 = hn::Xor(hn::Xor(hi1, c1), k0);
      c1 = lo1;
      c2 = hn::Xor(hn::Xor(hi0, c3), k1);
      c3 = lo0;
    }
    hn::StoreU(c0, d, out + i);
    hn::StoreU(c1, d, out + n + i);
    hn::StoreU(c2, d, out + 2 * n + i);
    hn::StoreU(c3, d, out + 3 * n + i);
  }
}

const char* TargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace HWY_NAMESPACE
}  // namespace cxsim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace cxsim {

HWY_EXPORT(Philox4x32Lanes);
HWY_EXPORT(TargetName);

void philox4x32_lanes(const std::uint32_t* counter, const std::uint32_t* key, std::uint32_t* out, std::size_t n) {
  // A whole vector is loaded at a time: any other count would read and write past the arrays.
  if (n % philox_lane_multiple != 0)
    throw std::invalid_argument("philox4x32_lanes: the block count must be a multiple of philox_lane_multiple");
  HWY_DYNAMIC_DISPATCH(Philox4x32Lanes)(counter, key, out, n);
}

const char* philox_lanes_target() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}

}  // namespace cxsim
#endif
