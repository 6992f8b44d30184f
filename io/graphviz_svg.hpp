#pragma once
// Lays out a DOT graph with Graphviz (used as a library: cgraph + gvc, the `dot` layout) and
// renders it to SVG, ready to embed in an HTML page.
#include <string>

namespace cxsim {

// The <svg> element only (no XML prolog or DOCTYPE). Throws std::runtime_error when Graphviz
// cannot read or lay out the graph.
std::string dot_to_svg(const std::string& dot);

}  // namespace cxsim
