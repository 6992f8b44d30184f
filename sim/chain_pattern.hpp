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

// The pattern of segment `segment_index`'s chain over `states` (found for the same journey's
// structure, maybe with other numbers) with the numbers of `journey` and `segment`.
ChainPattern chain_pattern(const Journey& journey, std::size_t segment_index, const Segment& segment,
                           const ChainStates& states);

}  // namespace cxsim
