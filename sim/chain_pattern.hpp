#pragma once
// What a segment's chain looks like apart from its numbers: per state, the visit outcomes that
// can happen and where each leads. Two sets of numbers with the same pattern have the same chain
// states, the same matrix patterns and so the same solver ordering: a chain prepared for one can
// be re-solved for the other (sim/prepared_journey.hpp). An attribute reaching 0 or 1, a
// transition gaining or losing its probability, friction appearing or vanishing, or silent churn
// switching on or off changes the pattern.
#include <cstdint>
#include <vector>

#include "models/segment.hpp"
#include "sim/chain_states.hpp"
#include "sim/journey.hpp"

namespace cxsim {

using ChainPattern = std::vector<std::uint32_t>;

// Writes a chain's pattern code by code as the visits are enumerated, or compares it, code by
// code, with one written before (so the solver's own assembly can check it on the way).
class ChainPatternWriter {
 public:
  explicit ChainPatternWriter(ChainPattern& out) : out_(&out) {}
  explicit ChainPatternWriter(const ChainPattern& expected) : expected_(&expected) {}
  void start(const Journey& j, const Segment& seg, const ChainStates& c);
  void state(const ChainState& st);
  void branch(const VisitBranch& b);
  void continuation(const Journey& j, const ChainStates& c, const VisitContinuation& v);
  // Comparing: every code so far was the one expected, and (at the end) none is missing.
  bool same() const { return same_ && (!expected_ || at_ == expected_->size()); }

 private:
  void put(std::uint32_t code) {
    if (out_) {
      out_->push_back(code);
      return;
    }
    same_ = same_ && at_ < expected_->size() && (*expected_)[at_] == code;
    ++at_;
  }
  ChainPattern* out_ = nullptr;
  const ChainPattern* expected_ = nullptr;
  std::size_t at_ = 0;
  bool same_ = true;
};

// The pattern of segment `segment_index`'s chain over `states` (found for the same journey's
// structure, maybe with other numbers) with the numbers of `journey` and `segment`.
ChainPattern chain_pattern(const Journey& journey, std::size_t segment_index, const Segment& segment,
                           const ChainStates& states);

}  // namespace cxsim
