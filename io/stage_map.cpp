#include "io/stage_map.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "io/dot_text.hpp"
#include "io/heat_scale.hpp"

namespace cxsim {

namespace {

// Each touchpoint's node: stages in the order they first appear, then the endings.
struct StageNodes {
  std::vector<std::string> names;
  std::vector<std::size_t> of;  // by touchpoint
  std::vector<std::size_t> touchpoints;
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>> edges;  // (from, to) -> transitions

  explicit StageNodes(const Journey& j) {
    std::map<std::string, std::size_t> index;
    of.resize(j.size());
    for (std::size_t k = 0; k < j.size(); ++k) {
      const Touchpoint& t = j.touchpoint(k);
      const std::string name = j.is_terminal(k)  ? std::string("ending: ") + to_string(t.outcome)
                               : t.stage.empty() ? std::string("(no stage)")
                                                 : t.stage;
      const auto [it, fresh] = index.emplace(name, names.size());
      if (fresh) {
        names.push_back(name);
        touchpoints.push_back(0);
      }
      of[k] = it->second;
      ++touchpoints[it->second];
    }
    const auto tr = j.transitions();
    for (std::size_t e = 0; e < tr.size(); ++e)
      if (of[tr[e].from] != of[tr[e].to]) edges[{of[tr[e].from], of[tr[e].to]}].push_back(e);
  }
};

}  // namespace

StageMapSize stage_map_size(const Journey& journey) {
  const StageNodes n(journey);
  return {n.names.size(), n.edges.size()};
}

void write_stage_dot(std::ostream& out, const Journey& journey, const std::string& title, const Figures& heat) {
  const StageNodes n(journey);
  std::vector<double> lost(n.names.size(), 0.0);
  for (std::size_t k = 0; k < journey.size(); ++k)
    if (!journey.is_terminal(k)) lost[n.of[k]] += heat.touchpoints[k].defections();
  const double most_lost = lost.empty() ? 0.0 : *std::max_element(lost.begin(), lost.end());
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, double>> flows;
  double most_flow = 0.0;
  for (const auto& [ends, edges] : n.edges) {
    double flow = 0.0;
    for (const auto e : edges) flow += e < heat.transitions.size() ? heat.transitions[e] : 0.0;
    flows.push_back({ends, flow});
    most_flow = std::max(most_flow, flow);
  }

  out << "digraph journey {\n  label=" << dot_quote(title + " (by stage)") << ";\n  labelloc=t;\n  rankdir=LR;\n"
      << "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::size_t i = 0; i < n.names.size(); ++i) {
    const bool ending = n.names[i].rfind("ending: ", 0) == 0;
    const std::string label = n.names[i] + "\\n" + std::to_string(n.touchpoints[i]) + " touchpoint" +
                              (n.touchpoints[i] == 1 ? "" : "s") +
                              (ending ? "" : "\\nlost " + dot_number(1000 * lost[i], "%.1f") + " per 1,000");
    out << "  st" << i << " [label=" << dot_quote(label);
    // dot_quote() escaped the backslash of "\n": undo it for the line breaks meant.
    out << ", shape=" << (ending ? "ellipse" : "box");
    if (!ending) {
      const int c = heat_class(lost[i], most_lost);
      out << ", style=\"filled,rounded\", fillcolor=\"" << heat_colours[static_cast<std::size_t>(c)] << "\"";
      if (heat_needs_light_text(c)) out << ", fontcolor=white";
    }
    out << "];\n";
  }
  for (const auto& [ends, flow] : flows)
    out << "  st" << ends.first << " -> st" << ends.second
        << " [penwidth=" << dot_number(most_flow > 0 ? 0.5 + 6.0 * flow / most_flow : 1.0) << ", tooltip="
        << dot_quote(
               n.names[ends.first] + " -> " + n.names[ends.second] + ": " + dot_number(flow) + " moves per customer",
               true)
        << "];\n";  // a tooltip, not a label: labels cost dot a virtual node each
  out << "}\n";
}

}  // namespace cxsim
