#pragma once
// Lays out a DOT graph with Graphviz (used as a library: cgraph + gvc, the `dot` layout) and
// renders it to SVG, ready to embed in an HTML page. Graphviz's own messages never reach the
// terminal (a tangled graph makes it print thousands of lines of its internals).
#include <string>

namespace cxsim {

// The <svg> element only (no XML prolog or DOCTYPE). Throws std::runtime_error when Graphviz
// cannot read or lay out the graph. `troubled`, when given, is set when Graphviz reported an
// error while laying it out (some edges may then be missing from the drawing).
std::string dot_to_svg(const std::string& dot, bool* troubled = nullptr);

// The whole file Graphviz renders in `format` ("svg": a standalone SVG document, "png": the
// PNG's bytes). Throws std::runtime_error like dot_to_svg.
std::string render_dot(const std::string& dot, const std::string& format, bool* troubled = nullptr);

}  // namespace cxsim
