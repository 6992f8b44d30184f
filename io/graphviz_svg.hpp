#pragma once
// Lays out a DOT graph with Graphviz (used as a library: cgraph + gvc; the `dot` layout unless
// told another, e.g. "nop2" for a graph whose nodes carry their positions) and renders it to SVG,
// ready to embed in an HTML page. Graphviz's own messages never reach the
// terminal (a tangled graph makes it print thousands of lines of its internals).
#include <string>

namespace cxsim {

// The <svg> element only (no XML prolog or DOCTYPE). Throws std::runtime_error when Graphviz
// cannot read or lay out the graph. `troubled`, when given, is set when Graphviz reported an
// error while laying it out (some edges may then be missing from the drawing).
// `layout`: the Graphviz layout engine ("dot"; "nop2" keeps every node's pos and routes the edges).
// `messages`, when given, receives Graphviz's errors and warnings as it wrote them.
std::string dot_to_svg(const std::string& dot, bool* troubled = nullptr, const std::string& layout = "dot",
                       std::string* messages = nullptr);

// The whole file Graphviz renders in `format` ("svg": a standalone SVG document, "png": the
// PNG's bytes). Throws std::runtime_error like dot_to_svg.
// With `labels_beside_edges`, every edge label is drawn as an external label (xlabel) instead:
// Graphviz 2.42 frees memory twice after laying out a label on an arrow between two nodes of one
// rank (flat_edges), which a graph not written for it (`cxsim dot`'s) may have.
std::string render_dot(const std::string& dot, const std::string& format, bool* troubled = nullptr,
                       bool labels_beside_edges = false, const std::string& layout = "dot",
                       std::string* messages = nullptr);

}  // namespace cxsim
