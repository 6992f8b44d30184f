#pragma once
// The journey in Graphviz DOT, for a picture of the touchpoints and where customers go.
#include <ostream>
#include <string>
#include <vector>

#include "sim/journey.hpp"

namespace cxsim {

// Transitions of one segment are dashed and labelled with its name (segment_names by index).
void write_dot(std::ostream& out, const Journey& journey, const std::string& title,
               const std::vector<std::string>& segment_names = {});

}  // namespace cxsim
