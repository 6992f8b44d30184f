#pragma once
// The states (touchpoint, guard, seen) a customer of one segment can be in before a visit,
// found from the start by following every visit outcome. The exact solver builds its chain on
// them; `check` uses the same analysis to find loops customers can never leave.
#include <cstdint>
#include <vector>

#include "models/segment.hpp"
#include "sim/journey.hpp"
#include "sim/visit_outcomes.hpp"

namespace cxsim {

struct ChainStates {
  std::vector<ChainState> states;   // states[0] is the start (none when the start ends the journey)
  std::vector<std::int32_t> index;  // by state_slot(), -1 when unreachable
  bool resets = false;              // some reachable visit can be forgiven
  bool free_resets = false;         // ... some of them after a frictionless visit
  // Touchpoints of reachable states from which no ending can be reached and no friction lets
  // the customer abandon: a loop customers can never leave (sorted, distinct).
  std::vector<std::size_t> trapped;
  // Reachable visits with no transition to take: (touchpoint, after a failed visit).
  struct DeadEnd {
    std::size_t touchpoint;
    bool failed;
  };
  std::vector<DeadEnd> dead_ends;

  std::int32_t at(const ChainState& s) const { return index[state_slot(s)]; }
};

// With Reach::structural, also the states only an attribute at 0 or 1 keeps customers out of.
ChainStates enumerate_chain_states(const Journey& journey, std::size_t segment_index, const Segment& segment,
                                   Reach reach = Reach::possible);

}  // namespace cxsim
