#include "sim/chain_states.hpp"

#include <algorithm>
#include <deque>

namespace cxsim {

namespace {

bool has_positive_route(const Journey& j, std::size_t s, std::size_t k, Journey::Route r) {
  for (const auto i : j.route(s, k, r))
    if (j.probability(i) > 0.0) return true;
  return false;
}

// Touchpoints of the states that cannot reach an exit (an ending or an abandonment).
std::vector<std::size_t> trapped_touchpoints(const ChainStates& c,
                                             const std::vector<std::vector<std::int32_t>>& successors,
                                             const std::vector<std::uint8_t>& exits) {
  const std::size_t n = c.states.size();
  std::vector<std::vector<std::size_t>> predecessors(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto s : successors[i]) predecessors[static_cast<std::size_t>(s)].push_back(i);
  std::vector<std::uint8_t> leaves(exits);
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < n; ++i)
    if (leaves[i]) stack.push_back(i);
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    for (const auto p : predecessors[i])
      if (!leaves[p]) {
        leaves[p] = 1;
        stack.push_back(p);
      }
  }
  std::vector<std::size_t> trapped;
  for (std::size_t i = 0; i < n; ++i)
    if (!leaves[i]) trapped.push_back(c.states[i].k);
  std::sort(trapped.begin(), trapped.end());
  trapped.erase(std::unique(trapped.begin(), trapped.end()), trapped.end());
  return trapped;
}

}  // namespace

ChainStates enumerate_chain_states(const Journey& j, std::size_t s_index, const Segment& seg, Reach reach) {
  ChainStates c;
  c.index.assign(4 * j.size(), -1);
  const std::size_t start = j.start();
  if (j.is_terminal(start)) return c;
  std::deque<std::int32_t> queue;
  auto add = [&](const ChainState& s) {
    auto& idx = c.index[state_slot(s)];
    if (idx < 0) {
      idx = static_cast<std::int32_t>(c.states.size());
      c.states.push_back(s);
      queue.push_back(idx);
    }
    return idx;
  };
  add(ChainState{static_cast<std::uint32_t>(start), false, false});
  std::vector<std::vector<std::int32_t>> successors;
  std::vector<std::uint8_t> exits;
  while (!queue.empty()) {
    const std::int32_t i = queue.front();
    queue.pop_front();
    const ChainState st = c.states[static_cast<std::size_t>(i)];
    bool can_ok = false, can_fail = false;
    std::vector<std::int32_t> next;
    bool exit = false;
    for_each_visit_outcome(
        j, s_index, seg, 1.0, st,
        [&](const VisitBranch& b) {
          (b.failed ? can_fail : can_ok) = true;
          exit = exit || b.positive;  // the customer can abandon here
        },
        [&](const VisitBranch& b, const VisitContinuation& v) {
          if (v.forgiven) {
            c.resets = true;
            c.free_resets = c.free_resets || !b.positive;
          }
          if (j.is_terminal(v.to))
            exit = true;
          else
            next.push_back(add(v.next));
        },
        reach);
    if (can_ok && !has_positive_route(j, s_index, st.k, Journey::after_ok)) c.dead_ends.push_back({st.k, false});
    if (can_fail && !has_positive_route(j, s_index, st.k, Journey::after_fail)) c.dead_ends.push_back({st.k, true});
    if (successors.size() <= static_cast<std::size_t>(i)) {
      successors.resize(static_cast<std::size_t>(i) + 1);
      exits.resize(static_cast<std::size_t>(i) + 1, 0);
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    successors[static_cast<std::size_t>(i)] = std::move(next);
    exits[static_cast<std::size_t>(i)] = exit;
  }
  c.trapped = trapped_touchpoints(c, successors, exits);
  return c;
}

}  // namespace cxsim
