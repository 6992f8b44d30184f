// What a visit's random numbers cost, and what they would cost in SIMD lanes: Philox blocks per
// second, one thread. The walk needs one Philox4x64 block per visit, and the next visit's
// counter depends on this visit's draws, so it waits for the whole block (Chained). Blocks of
// many customers at once have no such wait (Independent). Philox4x64's 64x64-bit multiply has
// no SIMD instruction on x86; Philox4x32's has, and the compiler vectorises a loop of
// independent 4x32 blocks when it may use AVX-512 or AVX2 (Lanes: GCC's target_clones picks the
// widest the machine has when the program starts). HighwayLanes is cxsim's own
// (sim/philox_lanes.hpp): Highway's dynamic dispatch, blocks laid out word-major. Run:
//   build/bench/philox_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <Random123/philox.h>

#include "sim/philox_lanes.hpp"

#include <array>
#include <cstdint>

namespace {

constexpr int blocks_per_round = 4096;

// Each block's counter holds the last block's first word, as a visit's holds the route.
template <class Philox>
void chained(benchmark::State& state) {
  using Word = typename Philox::ctr_type::value_type;
  Word x = 1;
  for (auto _ : state) {
    for (int i = 0; i < blocks_per_round; ++i) x = Philox()({{x, static_cast<Word>(i), 0, 0}}, {{7, 11}}).v[0];
  }
  benchmark::DoNotOptimize(x);
  state.counters["blocks/s"] = benchmark::Counter(blocks_per_round, benchmark::Counter::kIsIterationInvariantRate);
}
void BM_Philox4x64Chained(benchmark::State& s) {
  chained<r123::Philox4x64>(s);
}
void BM_Philox4x32Chained(benchmark::State& s) {
  chained<r123::Philox4x32>(s);
}

// One word of each of `n` independent blocks (customer i, visit `round`).
template <class Philox, class Word = typename Philox::ctr_type::value_type>
[[gnu::always_inline]] inline void blocks(Word round, Word* out, int n) {
  for (int i = 0; i < n; ++i) {
    const auto b = Philox()({{static_cast<Word>(i), round, 0, 0}}, {{7, 11}});
    out[i] = b.v[0] ^ b.v[3];
  }
}
// With the build's flags.
void philox4x64_blocks(std::uint64_t round, std::uint64_t* out, int n) {
  blocks<r123::Philox4x64>(round, out, n);
}
void philox4x32_blocks(std::uint32_t round, std::uint32_t* out, int n) {
  blocks<r123::Philox4x32>(round, out, n);
}
// Compiled also for AVX-512 and AVX2, and chosen when the program starts.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void philox4x32_lanes(std::uint32_t round,
                                                                                                    std::uint32_t* out,
                                                                                                    int n) {
  blocks<r123::Philox4x32>(round, out, n);
}

template <class Word, void (*Blocks)(Word, Word*, int)>
void independent(benchmark::State& state) {
  static std::array<Word, blocks_per_round> out;
  Word round = 0;
  for (auto _ : state) {
    Blocks(round++, out.data(), blocks_per_round);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["blocks/s"] = benchmark::Counter(blocks_per_round, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Philox4x64Independent(benchmark::State& s) {
  independent<std::uint64_t, philox4x64_blocks>(s);
}
void BM_Philox4x32Independent(benchmark::State& s) {
  independent<std::uint32_t, philox4x32_blocks>(s);
}
void BM_Philox4x32Lanes(benchmark::State& s) {
  independent<std::uint32_t, philox4x32_lanes>(s);
}

// cxsim's lanes: blocks_per_round blocks, word-major, on the target chosen at run time.
void BM_Philox4x32HighwayLanes(benchmark::State& state) {
  static std::array<std::uint32_t, 4 * blocks_per_round> counter{}, out{};
  static std::array<std::uint32_t, 2 * blocks_per_round> key{};
  for (int i = 0; i < blocks_per_round; ++i) {
    counter[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(i);
    key[static_cast<std::size_t>(i)] = 7;
    key[static_cast<std::size_t>(blocks_per_round + i)] = 11;
  }
  std::uint32_t round = 0;
  for (auto _ : state) {
    for (int i = 0; i < blocks_per_round; ++i) counter[static_cast<std::size_t>(blocks_per_round + i)] = round;
    ++round;
    cxsim::philox4x32_lanes(counter.data(), key.data(), out.data(), blocks_per_round);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["blocks/s"] = benchmark::Counter(blocks_per_round, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(cxsim::philox_lanes_target());
}

BENCHMARK(BM_Philox4x64Chained);
BENCHMARK(BM_Philox4x64Independent);
BENCHMARK(BM_Philox4x32Chained);
BENCHMARK(BM_Philox4x32Independent);
BENCHMARK(BM_Philox4x32Lanes);
BENCHMARK(BM_Philox4x32HighwayLanes);

}  // namespace

BENCHMARK_MAIN();
