#include "sim/chain_pattern.hpp"

namespace cxsim {

namespace {

// Codes that start a state's, a branch's and a continuation's part of the pattern, so that
// different sequences of outcomes never read the same.
constexpr std::uint32_t state_mark = 0xFFFFFFF0u, branch_mark = 0xFFFFFFF1u, continuation_mark = 0xFFFFFFF2u,
                        outside = 0xFFFFFFF3u;

}  // namespace

void ChainPatternWriter::start(const Journey& j, const Segment& seg, const ChainStates& c) {
  put(static_cast<std::uint32_t>(j.size()));
  put(static_cast<std::uint32_t>(j.start()));
  put(static_cast<std::uint32_t>(c.states.size()));
  put(seg.silent_churn > 0.0);  // the silent-churn systems are built or not
}

void ChainPatternWriter::state(const ChainState& st) {
  put(state_mark);
  put(static_cast<std::uint32_t>(state_slot(st)));
}

void ChainPatternWriter::branch(const VisitBranch& b) {
  std::uint32_t code = b.failed | b.averted << 1 | b.repeated << 2 | b.positive << 3 | (b.delta > 0.0) << 4;
  for (int k = 0; k < friction_count; ++k) code |= static_cast<std::uint32_t>(b.parts.part[k] > 0.0) << (5 + k);
  put(branch_mark);
  put(code);
}

void ChainPatternWriter::continuation(const Journey& j, const ChainStates& c, const VisitContinuation& v) {
  const bool terminal = j.is_terminal(v.to);
  put(continuation_mark);
  put(v.edge);
  put(static_cast<std::uint32_t>(v.to));
  put(v.forgiven | terminal << 1 | (terminal && j.outcomes()[v.to] == Outcome::defected) << 2);
  if (terminal) return;
  // A state the chain does not have: customers now reach somewhere they could not before.
  const std::size_t slot = state_slot(v.next);
  put(slot < c.index.size() && c.index[slot] >= 0 ? static_cast<std::uint32_t>(c.index[slot]) : outside);
}

ChainPattern chain_pattern(const Journey& j, std::size_t s, const Segment& seg, const ChainStates& c) {
  ChainPattern p;
  p.reserve(16 * c.states.size() + 4);
  ChainPatternWriter w(p);
  w.start(j, seg, c);
  for (const ChainState& st : c.states) {
    w.state(st);
    // The multiplier only scales friction (m > 0 keeps every part's sign): m = 1 stands for all.
    for_each_visit_outcome(
        j, s, seg, 1.0, st, [&](const VisitBranch& b) { w.branch(b); },
        [&](const VisitBranch&, const VisitContinuation& v) { w.continuation(j, c, v); });
  }
  return p;
}

}  // namespace cxsim
