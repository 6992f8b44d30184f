#pragma once
// The journey map at the level of stages, for journeys too large for Graphviz to lay out
// touchpoint by touchpoint in reasonable time: one node per stage (touchpoints without a stage
// together, endings by outcome), coloured by the customers lost in it, and one arrow per pair of
// stages customers move between, as wide as that flow.
#include <cstddef>
#include <ostream>
#include <string>

#include "sim/figures.hpp"
#include "sim/journey.hpp"

namespace cxsim {

// The size of the stage map: its nodes and arrows.
struct StageMapSize {
  std::size_t nodes = 0, edges = 0;
};
StageMapSize stage_map_size(const Journey& journey);

// `heat`: figures of the same journey (exact, or Monte Carlo).
void write_stage_dot(std::ostream& out, const Journey& journey, const std::string& title, const Figures& heat);

}  // namespace cxsim
