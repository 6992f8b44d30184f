#include "io/dot_writer.hpp"

#include <boost/graph/graphviz.hpp>

#include <cstdio>

#include "sim/journey_graph.hpp"

namespace cxsim {

namespace {

std::string quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    q += c;
  }
  return q + "\"";
}

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

}  // namespace

void write_dot(std::ostream& out, const Journey& journey, const std::string& title,
               const std::vector<std::string>& segment_names) {
  const JourneyGraph g = full_graph(journey);
  auto vertex_writer = [&](std::ostream& o, std::size_t k) {
    const Touchpoint& t = journey.touchpoint(k);
    std::string label = t.id;
    if (!t.name.empty() && t.name != t.id) label += "\n" + t.name;
    if (journey.is_terminal(k)) {
      const bool kept = t.outcome == Outcome::retained;
      o << "[label=" << quote(label + "\n" + to_string(t.outcome)) << ", shape="
        << (kept ? "doublecircle" : "doubleoctagon") << ", style=filled, fillcolor="
        << (kept ? "\"#d9f2d9\"" : "\"#f8d0d0\"") << "]";
      return;
    }
    label += "\nr=" + num(t.reliability) + " l=" + num(t.relevance) + " v=" + num(t.value) +
             " t=" + num(t.trust);
    if (t.recovery > 0) label += " q=" + num(t.recovery);
    o << "[label=" << quote(label) << ", shape=box" << (k == journey.start() ? ", penwidth=2" : "")
      << (t.recovery > 0 ? ", style=rounded" : "") << "]";
  };
  auto edge_writer = [&](std::ostream& o, const JourneyGraph::edge_descriptor& e) {
    const Transition& tr = journey.transitions()[g[e]];
    std::string label = num(tr.probability);
    if (tr.when != When::any) label = std::string(to_string(tr.when)) + " " + label;
    if (tr.segment != every_segment) {
      const auto s = static_cast<std::size_t>(tr.segment);
      label = (s < segment_names.size() ? segment_names[s] : "segment " + std::to_string(s)) + ": " + label;
    }
    o << "[label=" << quote(label);
    if (tr.segment != every_segment) o << ", style=dashed";
    if (tr.when == When::fail) o << ", color=red, fontcolor=red";
    if (tr.when == When::ok) o << ", color=darkgreen, fontcolor=darkgreen";
    o << "]";
  };
  auto graph_writer = [&](std::ostream& o) {
    o << "label=" << quote(title) << ";\nrankdir=LR;\nnode [fontname=\"Helvetica\"];\n";
  };
  boost::write_graphviz(out, g, vertex_writer, edge_writer, graph_writer);
}

}  // namespace cxsim
