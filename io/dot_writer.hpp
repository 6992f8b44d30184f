#pragma once
// The journey in Graphviz DOT, for a picture of the touchpoints and where customers go:
// touchpoints grouped by stage, endings shaped by outcome, segment routes dashed and labelled.
// With `heat` (exact figures of the same journey), touchpoints are coloured by the defections
// blamed on them, transitions drawn as wide as the flow of customers along them, and every
// touchpoint and transition carries its figures as a tooltip.
#include <ostream>
#include <string>
#include <vector>

#include "sim/figures.hpp"
#include "sim/journey.hpp"

namespace cxsim {

void write_dot(std::ostream& out, const Journey& journey, const std::string& title,
               const std::vector<std::string>& segment_names = {}, const Figures* heat = nullptr);

// The DOT node name of touchpoint k ("tp<k>"), and the id its SVG element gets ("tp-" + its id).
std::string dot_node_name(std::size_t k);

// The tooltip of a touchpoint on a map: id and name, visits, failures, losses and main cause.
std::string touchpoint_tooltip(const Touchpoint& t, const TouchpointFigures& f);

}  // namespace cxsim
