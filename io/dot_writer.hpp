#pragma once
// The journey in Graphviz DOT, for a picture of the touchpoints and where customers go.
#include <ostream>

#include "sim/journey.hpp"

namespace cxsim {

void write_dot(std::ostream& out, const Journey& journey, const std::string& title);

}  // namespace cxsim
