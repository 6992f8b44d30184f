#pragma once
// Customers walked in lock-step lanes: each lane walks one customer at a time, and every step
// the Philox blocks of all lanes' visits are made at once in SIMD lanes (sim/philox_lanes.hpp),
// then each lane takes its visit through the one statement of the visit (CustomerWalk). A lane
// whose customer is done takes the next customer at once, so lanes stay busy; the customers'
// set-up blocks are made a lane-group at a time too. The draws are those of stream layout 3,
// the very ones the scalar walk makes (tested), so the tally is the same.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/customer_walk.hpp"
#include "sim/philox_lanes.hpp"

namespace cxsim {

// Lanes walked together: one AVX-512 vector of 32-bit words, two AVX2 ones. More lanes would
// hide more latency but walk more touchpoints' scratch at once.
inline constexpr std::size_t walk_lanes = 16;
static_assert(walk_lanes % philox_lane_multiple == 0);

// A batch of walk_lanes Philox blocks, one per lane, word-major as philox4x32_lanes takes them.
struct alignas(64) LaneBlocks {
  static constexpr std::size_t n = walk_lanes;
  std::array<std::uint32_t, 4 * n> counter{};
  std::array<std::uint32_t, 2 * n> key{};
  std::array<std::uint32_t, 4 * n> out{};

  void set(std::size_t i, const std::array<std::uint32_t, 2>& k, const PhiloxBlock& c) {
    key[i] = k[0];
    key[n + i] = k[1];
    for (std::size_t w = 0; w < 4; ++w) counter[w * n + i] = c[w];
  }
  // A visit's own words: the key and the earlier visits (the customer and purpose stay).
  void set_visit(std::size_t i, const std::array<std::uint32_t, 2>& k, std::uint32_t earlier) {
    key[i] = k[0];
    key[n + i] = k[1];
    counter[2 * n + i] = earlier;
  }
  void make() { philox4x32_lanes(counter.data(), key.data(), out.data(), n); }
  PhiloxBlock block(std::size_t i) const { return {out[i], out[n + i], out[2 * n + i], out[3 * n + i]}; }
};

// One worker thread's lanes, their scratch (one per lane: a lane's customer counts its own
// visits) and the set-up draws of the next customers.
template <class Model = FrictionModel>
class LaneWalker {
 public:
  LaneWalker(const Journey& j, const Population& pop, const WalkSettings& settings)
      : j_(&j), pop_(&pop), settings_(settings) {
    scratch_.reserve(walk_lanes);
    for (std::size_t i = 0; i < walk_lanes; ++i) scratch_.emplace_back(j.size());
  }

  // Walks customers [first, last) into `tally`. `cancelled()` is asked every `check_every`
  // customers begun; when it says true the walk stops part-way (the caller throws the tally away).
  template <class Cancelled>
  void walk(std::uint64_t first, std::uint64_t last, Tally& tally, std::uint64_t check_every,
            const Cancelled& cancelled) {
    next_ = first;
    last_ = last;
    ready_ = queued_ = 0;
    next_check_ = first + check_every;
    stopped_ = false;
    second_needed_ = false;
    std::size_t walking = 0;
    for (std::size_t i = 0; i < walk_lanes; ++i) {
      busy_[i] = take_next(i, tally, check_every, cancelled);
      walking += busy_[i];
    }
    // Every step: all lanes' visit blocks at once, then each lane's visit; a lane whose customer
    // is done enters the next customer's first visit in the same pass.
    while (walking > 0) {
      first_.make();
      if (second_needed_) second_.make();
      const bool second = second_needed_;
      second_needed_ = false;
      for (std::size_t i = 0; i < walk_lanes; ++i) {
        if (!busy_[i]) continue;
        const VisitDraws d = stream_layout::visit(
            first_.block(i), second && needs_second_[i] ? second_.block(i) : stream_layout::unused_block);
        if (!lanes_[i].visit(d, scratch_[i], tally, none_)) {
          if (enter(i)) continue;
        }
        lanes_[i].finish(tally, none_);
        if (!take_next(i, tally, check_every, cancelled)) {
          busy_[i] = false;
          --walking;
        }
      }
      if (stopped_) return;
    }
  }

 private:
  // Lane i enters its customer's next touchpoint and lays out the visit's blocks; false when the
  // walk ended there without a visit (the step limit).
  bool enter(std::size_t i) {
    if (!lanes_[i].arrive(scratch_[i])) return false;
    const auto key = stream_layout::key(settings_.seed, lanes_[i].key());
    const std::uint32_t earlier = lanes_[i].earlier();
    first_.set_visit(i, key, earlier);
    second_.set_visit(i, key, earlier);
    needs_second_[i] = !lanes_[i].at_terminal() && lanes_[i].needs_second_block();
    second_needed_ = second_needed_ || needs_second_[i];
    return true;
  }

  // Lane i takes customers until one has a visit to make; false when none are left (or the
  // walk was cancelled).
  template <class Cancelled>
  bool take_next(std::size_t i, Tally& tally, std::uint64_t check_every, const Cancelled& cancelled) {
    while (next_ < last_ && !stopped_) {
      if (next_ >= next_check_) {
        if (cancelled()) {
          stopped_ = true;
          return false;
        }
        next_check_ = next_ + check_every;
      }
      begin(i);
      if (enter(i)) return true;
      lanes_[i].finish(tally, none_);
    }
    return false;
  }

  // Lane i takes the next customer; their set-up draws come a lane-group at a time.
  void begin(std::size_t i) {
    if (ready_ == queued_) {
      queued_ = static_cast<std::size_t>(std::min<std::uint64_t>(walk_lanes, last_ - next_));
      ready_ = 0;
      const auto key = stream_layout::key(settings_.seed, 0);
      for (std::size_t q = 0; q < walk_lanes; ++q) {
        const std::uint64_t c = next_ + q;  // beyond last_ only in unused blocks
        setup_[0].set(q, key, stream_layout::counter(c, 0, stream_layout::customer_purpose));
        setup_[1].set(q, key, stream_layout::counter(c, 0, stream_layout::customer_purpose + 1));
      }
      setup_[0].make();
      setup_[1].make();
    }
    const std::uint64_t c = next_++;
    const CustomerDraws first = stream_layout::customer(setup_[0].block(ready_), setup_[1].block(ready_));
    ++ready_;
    lanes_[i] = CustomerWalk<Model>(*j_, *pop_, settings_, c, first, CustomerStream(settings_.seed, c));
    first_.set(i, {}, stream_layout::counter(c, 0, stream_layout::visit_purpose));
    second_.set(i, {}, stream_layout::counter(c, 0, stream_layout::visit_purpose + 1));
  }

  const Journey* j_;
  const Population* pop_;
  WalkSettings settings_;
  std::vector<WalkScratch> scratch_;
  std::array<CustomerWalk<Model>, walk_lanes> lanes_;
  std::array<std::uint64_t, walk_lanes> customer_{};
  std::array<bool, walk_lanes> busy_{};
  NoObserver none_;
  std::uint64_t next_ = 0, last_ = 0, next_check_ = 0;
  bool stopped_ = false;
  std::size_t ready_ = 0, queued_ = 0;  // set-up draws used, and made, of the current group
  // This step's blocks: every lane's first, and the second where a lane's visit needs one.
  LaneBlocks first_, second_;
  std::array<bool, walk_lanes> needs_second_{};
  bool second_needed_ = false;
  std::array<LaneBlocks, 2> setup_;
};

}  // namespace cxsim
