#pragma once
// Traces: the walks of the first customers of a run as CSV, one row per visit.
#include <cstdint>
#include <ostream>
#include <string>

#include "sim/customer_walk.hpp"

namespace cxsim {

// Walks customers 0..count-1 exactly as the run does (same keys, so the same customers) and
// streams their visits to `out` as CSV with the header
// scenario,variant,customer,segment,step,touchpoint,failed,averted,repeated,friction_added,load,forgiven,guard,outcome
// where `outcome` is filled on each customer's last row only.
void write_trace(std::ostream& out, const Journey& journey, const Population& population, const WalkSettings& settings,
                 std::uint64_t count, const std::string& scenario, const std::string& variant);

}  // namespace cxsim
