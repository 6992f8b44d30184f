#include "io/dot_writer.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "io/dot_text.hpp"
#include "io/heat_scale.hpp"
#include "models/friction.hpp"

namespace cxsim {

// What a map shows on hovering over a touchpoint: its visits, failures and losses.
std::string touchpoint_tooltip(const Touchpoint& t, const TouchpointFigures& f) {
  std::string s = t.id + (t.name.empty() || t.name == t.id ? "" : " - " + t.name);
  s += "\nvisits per customer " + dot_number(f[fig_visits]) + ", failures " + dot_number(f[fig_failures]) +
       ", repeats " + dot_number(f[fig_repeats]);
  s += "\nlost per 1,000 customers " + dot_number(1000 * f.defections(), "%.2f") + ": abandoned " +
       dot_number(1000 * f[fig_abandoned], "%.2f") + ", routed " + dot_number(1000 * f[fig_routed], "%.2f") +
       ", silent " + dot_number(1000 * f[fig_silent], "%.2f");
  if (f.defections() > 0) s += "\nmain cause: " + std::string(cause_names[static_cast<std::size_t>(f.main_cause())]);
  return s;
}

std::string dot_node_name(std::size_t k) {
  return "tp" + std::to_string(k);
}

void write_dot(std::ostream& out, const Journey& journey, const std::string& title,
               const std::vector<std::string>& segment_names, const Figures* heat) {
  double most_lost = 0.0, most_flow = 0.0;
  if (heat) {
    for (std::size_t k = 0; k < journey.size(); ++k)
      if (!journey.is_terminal(k)) most_lost = std::max(most_lost, heat->touchpoints[k].defections());
    for (const double f : heat->transitions) most_flow = std::max(most_flow, f);
  }
  out << "digraph journey {\n  label=" << dot_quote(title) << ";\n  labelloc=t;\n  rankdir=LR;\n"
      << "  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n";

  auto node = [&](std::size_t k) {
    const Touchpoint& t = journey.touchpoint(k);
    std::string label = t.id;
    if (!t.name.empty() && t.name != t.id) label += "\n" + t.name;
    std::ostringstream a;
    a << dot_node_name(k) << " [id=" << dot_quote("tp-" + t.id);
    if (journey.is_terminal(k)) {
      const bool kept = t.outcome == Outcome::retained;
      a << ", label=" << dot_quote(label + "\n" + to_string(t.outcome))
        << ", shape=" << (kept ? "doublecircle" : "doubleoctagon")
        << ", style=filled, fillcolor=" << (kept ? "\"#d9f2d9\"" : "\"#f8d0d0\"");
      if (heat)
        a << ", tooltip="
          << dot_quote(t.id + ": reached by " + dot_number(heat->touchpoints[k][fig_visits]) + " per customer", true);
      a << "];\n";
      return a.str();
    }
    label += "\nr=" + dot_number(t.reliability) + " l=" + dot_number(t.relevance) + " v=" + dot_number(t.value) +
             " t=" + dot_number(t.trust);
    if (t.recovery > 0) label += " q=" + dot_number(t.recovery);
    std::string style = t.recovery > 0 ? "rounded" : "";
    if (heat) {
      const TouchpointFigures& f = heat->touchpoints[k];
      label += "\nlost " + dot_number(1000 * f.defections(), "%.1f") + " per 1,000";
      const int c = heat_class(f.defections(), most_lost);
      style += std::string(style.empty() ? "" : ",") + "filled";
      a << ", fillcolor=\"" << heat_colours[static_cast<std::size_t>(c)] << "\"";
      if (heat_needs_light_text(c)) a << ", fontcolor=white";
      a << ", tooltip=" << dot_quote(touchpoint_tooltip(t, f), true);
    }
    a << ", label=" << dot_quote(label) << ", shape=box";
    if (k == journey.start()) a << ", penwidth=2";
    if (!style.empty()) a << ", style=" << dot_quote(style);
    a << "];\n";
    return a.str();
  };

  // Stages as clusters, in the order they first appear; touchpoints without one, and endings,
  // outside.
  std::vector<std::string> stages;
  std::map<std::string, std::vector<std::size_t>> by_stage;
  for (std::size_t k = 0; k < journey.size(); ++k) {
    const std::string& stage = journey.touchpoint(k).stage;
    if (journey.is_terminal(k) || stage.empty()) continue;
    if (!by_stage.count(stage)) stages.push_back(stage);
    by_stage[stage].push_back(k);
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    out << "  subgraph cluster_" << i << " {\n    label=" << dot_quote(stages[i])
        << ";\n    style=rounded;\n    color=\"#999999\";\n    fontcolor=\"#555555\";\n";
    for (const auto k : by_stage[stages[i]]) out << "    " << node(k);
    out << "  }\n";
  }
  for (std::size_t k = 0; k < journey.size(); ++k)
    if (journey.is_terminal(k) || journey.touchpoint(k).stage.empty()) out << "  " << node(k);

  for (std::size_t e = 0; e < journey.transitions().size(); ++e) {
    const Transition& tr = journey.transitions()[e];
    std::string label = dot_number(tr.probability);
    if (tr.when != When::any) label = std::string(to_string(tr.when)) + " " + label;
    if (tr.segment != every_segment) {
      const auto s = static_cast<std::size_t>(tr.segment);
      label = (s < segment_names.size() ? segment_names[s] : "segment " + std::to_string(s)) + ": " + label;
    }
    out << "  " << dot_node_name(tr.from) << " -> " << dot_node_name(tr.to) << " [label=" << dot_quote(label);
    if (tr.segment != every_segment) out << ", style=dashed";
    if (tr.when == When::fail) out << ", color=red, fontcolor=red";
    if (tr.when == When::ok) out << ", color=darkgreen, fontcolor=darkgreen";
    if (heat && e < heat->transitions.size()) {
      const double flow = heat->transitions[e];
      out << ", penwidth=" << dot_number(most_flow > 0 ? 0.5 + 6.0 * flow / most_flow : 1.0) << ", tooltip="
          << dot_quote(journey.touchpoint(tr.from).id + " -> " + journey.touchpoint(tr.to).id + ": taken " +
                           dot_number(flow) + " times per customer",
                       true);
    }
    out << "];\n";
  }
  if (heat) {
    // The legend: the colour classes, in customers lost per 1,000.
    out << "  legend [shape=none, margin=0, label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\">"
        << "<tr><td colspan=\"" << heat_colours.size() << "\">lost per 1,000 customers</td></tr><tr>";
    for (std::size_t c = 0; c < heat_colours.size(); ++c) {
      const double lo = 1000 * most_lost * static_cast<double>(c) / static_cast<double>(heat_colours.size());
      out << "<td bgcolor=\"" << heat_colours[c] << "\"><font color=\""
          << (heat_needs_light_text(static_cast<int>(c)) ? "white" : "black") << "\">" << dot_number(lo, "%.1f")
          << "+</font></td>";
    }
    out << "</tr></table>>];\n";
  }
  out << "}\n";
}

}  // namespace cxsim
