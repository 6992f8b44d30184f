#pragma once
// Philox4x32-10 (Random123's r123::Philox4x32, all ten rounds) of many independent blocks at
// once, in SIMD lanes: the random numbers of customers walked in lock-step, for a stream layout
// with 32-bit words (issue 27; the walk still uses layout 2, see docs/architecture.md). Google
// Highway compiles it for every x86-64 instruction set it knows and picks the widest this
// machine has when first called (AVX-512, AVX2, SSE4, ...), so one binary runs anywhere. Every
// target gives the very blocks r123::Philox4x32 gives (tested).
#include <cstddef>
#include <cstdint>

namespace cxsim {

// Blocks are laid out word-major: word w of block i at [w * n + i]. n must be a multiple of
// philox_lane_multiple (the widest vector: 16 words of 32 bits under AVX-512).
inline constexpr std::size_t philox_lane_multiple = 16;

// out = Philox4x32-10(counter, key) for n blocks: counter 4 x n words, key 2 x n, out 4 x n.
// Throws std::invalid_argument when n is not a multiple of philox_lane_multiple.
void philox4x32_lanes(const std::uint32_t* counter, const std::uint32_t* key, std::uint32_t* out, std::size_t n);

// The instruction set philox4x32_lanes runs on here ("AVX2", "AVX3" for AVX-512, ...).
const char* philox_lanes_target();

}  // namespace cxsim
