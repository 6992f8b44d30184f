#include "io/journey_map.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <optional>
#include <map>
#include <sstream>

#include "io/dot_text.hpp"
#include "io/dot_writer.hpp"
#include "io/graphviz_svg.hpp"
#include "io/heat_scale.hpp"
#include "io/report_format.hpp"
#include "io/stage_map.hpp"
#include "models/friction.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

// Text inside a Graphviz HTML-like label. Graphviz expands its escapes (\N, \E...) there too,
// so a backslash is doubled.
std::string xml(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Words into lines of at most `width` characters (a longer word stands alone), joined by <br/>.
std::string wrapped(const std::string& text, std::size_t width) {
  std::istringstream words(text);
  std::string out, line, w;
  while (words >> w) {
    if (!line.empty() && line.size() + 1 + w.size() > width) {
      out += (out.empty() ? "" : "<br/>") + xml(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += (out.empty() ? "" : "<br/>") + xml(line);
  return out;
}

std::string human_name(const Touchpoint& t) {
  return t.name.empty() ? t.id : t.name;
}

double most_lost_of(const Journey& journey, const Figures& heat) {
  double most = 0.0;
  for (std::size_t k = 0; k < journey.size(); ++k)
    if (!journey.is_terminal(k)) most = std::max(most, heat.touchpoints[k].defections());
  return most;
}

}  // namespace

namespace {

// ColorBrewer's diverging RdYlGn, green first: fewer customers lost on the left, more on the right.
constexpr std::array<const char*, 7> change_colours{"#1a9850", "#91cf60", "#d9ef8b", "#f7f7f7",
                                                    "#fee08b", "#fc8d59", "#d73027"};

// Customers lost at touchpoint k of the redesign minus at the baseline's touchpoint of that id.
double lost_change(const Journey& journey, const Figures& heat, const MapBaseline& against, std::size_t k) {
  const auto b = against.journey->find(journey.touchpoint(k).id);
  const double before = b && !against.journey->is_terminal(*b) ? against.figures->touchpoints[*b].defections() : 0.0;
  return heat.touchpoints[k].defections() - before;
}

double largest_change(const Journey& journey, const Figures& heat, const MapBaseline& against) {
  double most = 0.0;
  for (std::size_t k = 0; k < journey.size(); ++k)
    if (!journey.is_terminal(k)) most = std::max(most, std::fabs(lost_change(journey, heat, against, k)));
  return most;
}

// The class of a change between -most and +most: 3 is no change (within 1% of the largest).
int change_class(double change, double most) {
  if (!(most > 0.0) || std::fabs(change) <= 0.01 * most) return 3;
  const int c = 3 + static_cast<int>(std::copysign(std::ceil(std::fabs(change) / most * 3.0), change));
  return std::clamp(c, 0, 6);
}

}  // namespace

void write_journey_map(std::ostream& out, const Journey& journey, const std::vector<std::string>& segment_names,
                       const Figures& heat, const MapBaseline* against) {
  const std::size_t n = journey.size();
  const double most_lost = most_lost_of(journey, heat);
  const double most_change = against ? largest_change(journey, heat, *against) : 0.0;
  double most_flow = 0.0;
  for (const double f : heat.transitions) most_flow = std::max(most_flow, f);

  // Journey order: breadth first from the start along the arrows taken when visits work (the
  // way the journey is meant to go), then along the rest (failures, complaints) from there; a
  // stage's column is where this walk first meets it.
  std::vector<std::vector<std::size_t>> next(n), next_on_failure(n);
  for (const Transition& tr : journey.transitions())
    (tr.when == When::fail ? next_on_failure : next)[tr.from].push_back(tr.to);
  std::vector<std::size_t> order;
  std::vector<bool> seen(n, false);
  const auto walk = [&](std::deque<std::size_t> queue, bool failures) {
    while (!queue.empty()) {
      const std::size_t k = queue.front();
      queue.pop_front();
      if (!failures) order.push_back(k);
      for (const auto* arrows : {&next, &next_on_failure}) {
        if (arrows == &next_on_failure && !failures) continue;
        for (const std::size_t m : (*arrows)[k])
          if (!seen[m]) {
            seen[m] = true;
            if (failures) order.push_back(m);
            queue.push_back(m);
          }
      }
    }
  };
  seen[journey.start()] = true;
  walk({journey.start()}, false);
  walk(std::deque<std::size_t>(order.begin(), order.end()), true);
  for (std::size_t k = 0; k < n; ++k)
    if (!seen[k]) order.push_back(k);
  std::vector<std::string> stages;
  std::map<std::string, std::size_t> column_of_stage;
  std::vector<long> column(n, -1);  // -1: an ending, or a touchpoint without a stage
  for (const std::size_t k : order) {
    const Touchpoint& t = journey.touchpoint(k);
    if (journey.is_terminal(k) || t.stage.empty()) continue;
    auto [it, added] = column_of_stage.emplace(t.stage, stages.size());
    if (added) stages.push_back(t.stage);
    column[k] = static_cast<long>(it->second);
  }
  const long last_column = static_cast<long>(stages.size()) - 1;

  out << "digraph journey {\n  newrank=true;\n  rankdir=LR;\n  nodesep=0.12;\n  ranksep=0.25;\n  pad=0.1;\n"
      << "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", margin=\"0.06,0.03\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.6, color=\"#555555\"];\n";

  auto node = [&](std::size_t k) {
    const Touchpoint& t = journey.touchpoint(k);
    const TouchpointFigures& f = heat.touchpoints[k];
    std::ostringstream a;
    a << dot_node_name(k) << " [id=" << dot_quote("tp-" + t.id);
    if (journey.is_terminal(k)) {
      const bool kept = t.outcome == Outcome::retained;
      a << ", fillcolor=" << (kept ? "\"#d9f2d9\"" : "\"#f8d0d0\"") << ", shape=box, style=\"filled\", label=<<b>"
        << wrapped(human_name(t), 22) << "</b><br/><font point-size=\"9\">" << xml(to_string(t.outcome)) << ": "
        << percent_text(f[fig_visits], 1) << " of customers end here</font>>, tooltip="
        << dot_quote(t.id + ": reached by " + dot_number(f[fig_visits]) + " per customer", true) << "];\n";
      return a.str();
    }
    const int c = heat_class(f.defections(), most_lost);
    const char* ink = heat_needs_light_text(c) ? "white" : "#1d232b";
    // On a difference map, what the redesign changed reads "(was ...)".
    const auto b = against ? against->journey->find(t.id) : std::nullopt;
    const Touchpoint* before = b ? &against->journey->touchpoint(*b) : nullptr;
    const auto was = [&](double now, double then, const std::string& text) {
      return before && now != then ? " <b>(was " + text + ")</b>" : std::string();
    };
    std::string words =
        "reliable " + percent_text(t.reliability, 0) +
        was(t.reliability, before ? before->reliability : 0, percent_text(before ? before->reliability : 0, 0)) +
        " · relevant " + percent_text(t.relevance, 0) +
        was(t.relevance, before ? before->relevance : 0, percent_text(before ? before->relevance : 0, 0)) +
        "<br/>value " + fixed_text(t.value, 2) +
        was(t.value, before ? before->value : 0, fixed_text(before ? before->value : 0, 2)) + " · trust " +
        fixed_text(t.trust, 2) + was(t.trust, before ? before->trust : 0, fixed_text(before ? before->trust : 0, 2));
    if (t.recovery > 0) words += "<br/>recovery " + fixed_text(t.recovery, 2);
    if (t.effort_minutes && *t.effort_minutes > 0)
      words += (t.recovery > 0 ? " · " : "<br/>") + grouped_text(*t.effort_minutes) + " min";
    std::string lost = "lost " + fixed_text(1000 * f.defections(), 1) + " per 1,000";
    if (against) {
      const double change = lost_change(journey, heat, *against, k);
      lost += " (" + fixed_text(1000 * change, 1, true) + ")";
    } else if (f.defections() > 0) {
      lost += " · " + std::string(cause_names[static_cast<std::size_t>(f.main_cause())]);
    }
    const char* fill = heat_colours[static_cast<std::size_t>(c)];
    if (against) {
      const int d = change_class(lost_change(journey, heat, *against, k), most_change);
      fill = change_colours[static_cast<std::size_t>(d)];
      ink = d == 0 || d == 6 ? "white" : "#1d232b";
    }
    a << ", fillcolor=\"" << fill << "\", fontcolor=\"" << ink << "\", label=<<b>" << wrapped(human_name(t), 22)
      << "</b><br/><font point-size=\"9\">"
      << (t.channel.empty() ? std::string() : "<i>" + wrapped(t.channel, 26) + "</i><br/>") << words << "<br/>"
      << xml(lost) << "</font>>, tooltip=" << dot_quote(touchpoint_tooltip(t, f), true);
    if (k == journey.start()) a << ", penwidth=2.5";
    a << "];\n";
    return a.str();
  };

  auto edge_label = [&](const Transition& tr) {
    std::string label = tr.probability < 1.0 ? percent_text(tr.probability, 0) : "";
    if (tr.when != When::any)
      label = std::string(tr.when == When::fail ? "if failed" : "if it worked") + (label.empty() ? "" : " ") + label;
    if (tr.segment != every_segment) {
      const auto s = static_cast<std::size_t>(tr.segment);
      label = (s < segment_names.size() ? segment_names[s] : "segment " + std::to_string(s)) +
              (label.empty() ? "" : ": ") + label;
    }
    return label;
  };
  // A touchpoint many columns send customers to (a complaints team, say) is shared like an ending.
  std::vector<int> arrows_in(n, 0);
  for (const Transition& tr : journey.transitions())
    if (column[tr.from] >= 0 && column[tr.to] >= 0 && column[tr.from] != column[tr.to]) ++arrows_in[tr.to];
  // An arrow into an ending where customers are lost is a stub unless its touchpoint is in the
  // last column (or has none); so is one into a shared touchpoint that is not in the same or the
  // next column. The way to a good ending is drawn in full.
  auto stub = [&](const Transition& tr) {
    if (journey.is_terminal(tr.from) || column[tr.from] < 0) return false;
    if (journey.is_terminal(tr.to))
      return journey.touchpoint(tr.to).outcome != Outcome::retained && column[tr.from] < last_column;
    return arrows_in[tr.to] >= 3 && column[tr.to] >= 0 && column[tr.to] != column[tr.from] &&
           column[tr.to] != column[tr.from] + 1;
  };

  std::vector<std::vector<std::size_t>> in_column(stages.size());
  for (const std::size_t k : order)
    if (column[k] >= 0) in_column[static_cast<std::size_t>(column[k])].push_back(k);
  std::vector<std::vector<std::size_t>> stubs_of(n);
  for (std::size_t e = 0; e < journey.transitions().size(); ++e)
    if (stub(journey.transitions()[e])) stubs_of[journey.transitions()[e].from].push_back(e);

  for (std::size_t i = 0; i < stages.size(); ++i) {
    out << "  subgraph cluster_" << i << " {\n    label=" << dot_quote(std::to_string(i + 1) + ". " + stages[i])
        << ";\n    labeljust=l;\n    fontname=\"Helvetica-Bold\";\n    fontsize=12;\n    style=rounded;\n    "
           "color=\"#aaaaaa\";\n";
    std::string same;
    for (const std::size_t k : in_column[i]) {
      out << "    " << node(k);
      same += " " + dot_node_name(k) + ";";
      for (const std::size_t e : stubs_of[k]) {
        const Transition& tr = journey.transitions()[e];
        const double flow = e < heat.transitions.size() ? heat.transitions[e] : 0.0;
        out << "    stub" << e << " [shape=plaintext, style=\"\", fontsize=9, fontcolor=\""
            << (journey.is_terminal(tr.to)
                    ? (journey.touchpoint(tr.to).outcome == Outcome::retained ? "#1a7f37" : "#b10026")
                : tr.when == When::fail ? "#c0392b"
                                        : "#555555")
            << "\", label="
            << "<" << wrapped("→ " + human_name(journey.touchpoint(tr.to)) + " " + percent_text(flow, 1), 24)
            << ">, tooltip="
            << dot_quote(journey.touchpoint(tr.from).id + " -> " + journey.touchpoint(tr.to).id + ": " +
                             edge_label(tr) + (edge_label(tr).empty() ? "" : ", ") + "taken by " +
                             percent_text(flow, 1) + " of customers",
                         true)
            << "];\n";
        same += " stub" + std::to_string(e) + ";";
      }
    }
    out << "    { rank=same;" << same << " }\n  }\n";
  }
  // Touchpoints without a stage: where the layout puts them.
  for (const std::size_t k : order)
    if (!journey.is_terminal(k) && column[k] < 0) out << "  " << node(k);
  // The endings: the last column.
  std::string endings;
  out << "  subgraph cluster_endings {\n    label=\"how journeys end\";\n    labeljust=l;\n    "
         "fontname=\"Helvetica-Bold\";\n"
      << "    fontsize=12;\n    style=rounded;\n    color=\"#aaaaaa\";\n";
  for (const std::size_t k : order)
    if (journey.is_terminal(k)) {
      out << "    " << node(k);
      endings += " " + dot_node_name(k) + ";";
    }
  if (!endings.empty() && !stages.empty()) out << "    { rank=max;" << endings << " }\n";
  out << "  }\n";

  // Stages in journey order, left to right: a chain of invisible arrows, and arrows that go back
  // to an earlier column (or stay in one) take no part in the ranking.
  for (std::size_t i = 0; i + 1 < stages.size(); ++i)
    out << "  " << dot_node_name(in_column[i].front()) << " -> " << dot_node_name(in_column[i + 1].front())
        << " [style=invis, weight=8];\n";
  for (std::size_t e = 0; e < journey.transitions().size(); ++e) {
    const Transition& tr = journey.transitions()[e];
    const double flow = e < heat.transitions.size() ? heat.transitions[e] : 0.0;
    const bool is_stub = stub(tr);
    out << "  " << dot_node_name(tr.from) << " -> " << (is_stub ? "stub" + std::to_string(e) : dot_node_name(tr.to))
        << " [";
    // An arrow within one column gets no label: Graphviz 2.42 corrupts its memory laying out
    // labels of arrows between nodes of one rank (flat_edges); its words go in the tooltip.
    const bool flat = tr.from != tr.to && column[tr.from] >= 0 && column[tr.from] == column[tr.to];
    // On the map an arrow says only its share when it is not the only way on (its colour says
    // after what); the tooltip has it all.
    const std::string label = is_stub || flat || tr.probability >= 1.0 ? "" : percent_text(tr.probability, 0);
    if (!label.empty()) out << "label=" << dot_quote(label) << ", ";
    out << "arrowhead=normal";
    if (tr.segment != every_segment) out << ", style=dashed";
    if (tr.when == When::fail) out << ", color=\"#c0392b\", fontcolor=\"#c0392b\"";
    if (tr.when == When::ok) out << ", color=\"#2e7d32\", fontcolor=\"#2e7d32\"";
    const bool backwards =
        !journey.is_terminal(tr.to) && column[tr.from] >= 0 && column[tr.to] >= 0 && column[tr.to] <= column[tr.from];
    if (backwards && !is_stub) out << ", constraint=false";
    if (is_stub)
      out << ", arrowsize=0.4, penwidth=0.8";
    else
      out << ", penwidth=" << dot_number(most_flow > 0 ? 0.6 + 4.0 * flow / most_flow : 1.0);
    const std::string words = edge_label(tr);
    out << ", tooltip="
        << dot_quote(journey.touchpoint(tr.from).id + " -> " + journey.touchpoint(tr.to).id + ": " + words +
                         (words.empty() ? "" : ", ") + "taken " + dot_number(flow) + " times per customer",
                     true)
        << "];\n";
  }
  out << "}\n";
}

std::string journey_map_legend(const Journey& journey, const Figures& heat) {
  const double most_lost = most_lost_of(journey, heat);
  std::ostringstream o;
  o << "<div class=\"legend\"><span class=\"legend-title\">Customers lost per 1,000 who start:</span>";
  for (std::size_t c = 0; c < heat_colours.size(); ++c) {
    const double lo = 1000 * most_lost * static_cast<double>(c) / static_cast<double>(heat_colours.size());
    o << "<span class=\"swatch\" style=\"background:" << heat_colours[c]
      << ";color:" << (heat_needs_light_text(static_cast<int>(c)) ? "white" : "#1d232b") << "\">" << fixed_text(lo, 1)
      << "+</span>";
  }
  o << "</div>\n<p class=\"note legend-words\"><b>reliable</b>: the share of visits that work (reliability); "
       "<b>relevant</b>: the share of later visits where the customer need not repeat themselves (relevance); "
       "<b>value</b>: what the visit is worth to the customer, 0 to 1, against what their segment expects; "
       "<b>trust</b>: the chance a visit that works protects the customer from the next failure; "
       "<b>recovery</b>: how well a complaint is handled, 0 to 1; <b>min</b>: the customer's time. "
       "<b>lost</b>: customers lost at the touchpoint per 1,000 who start, with the main cause. "
       "Green arrows are taken after a visit that worked, red ones after a failure, dashed ones by one segment only; "
       "an arrow's width is the flow of customers along it. <b>→ ending N%</b>: the share of all customers who go "
       "from that touchpoint to that ending. The thick border marks where the journey starts.</p>\n";
  return o.str();
}

std::string journey_difference_legend(const Journey& journey, const Figures& heat, const MapBaseline& against) {
  const double most = largest_change(journey, heat, against);
  std::ostringstream o;
  o << "<div class=\"legend\"><span class=\"legend-title\">Change in customers lost per 1,000 who start, against the "
       "baseline:</span>";
  const char* words[] = {"much fewer", "fewer", "a few fewer", "no change", "a few more", "more", "much more"};
  for (std::size_t c = 0; c < change_colours.size(); ++c) {
    const double hi = 1000 * most * std::fabs(static_cast<double>(c) - 3.0) / 3.0;
    o << "<span class=\"swatch\" style=\"background:" << change_colours[c]
      << ";color:" << (c == 0 || c == 6 ? "white" : "#1d232b") << "\">" << words[c]
      << (c == 3 ? std::string() : std::string(c < 3 ? " (to -" : " (to +") + fixed_text(hi, 1) + ")") << "</span>";
  }
  o << "<span class=\"legend-words\">A changed attribute reads <b>(was ...)</b>; the figure in brackets after "
       "\"lost\" is the change.</span></div>";
  return o.str();
}

std::string journey_map_svg(const Journey& j, const std::string& title, const std::vector<std::string>& segment_names,
                            const Figures& heat, std::vector<std::string>& notes, std::string& legend,
                            const MapBaseline* against) {
  const auto fits = [](std::size_t nodes, std::size_t edges) {
    return nodes <= limits::map_touchpoints && edges <= limits::map_transitions;
  };
  const std::string limit = std::to_string(limits::map_touchpoints) + " touchpoints and " +
                            std::to_string(limits::map_transitions) + " transitions";
  std::ostringstream dot;
  std::string what;
  if (fits(j.size(), j.transitions().size())) {
    write_journey_map(dot, j, segment_names, heat, against);
    legend = against ? journey_difference_legend(j, heat, *against) : journey_map_legend(j, heat);
  } else if (against) {
    return "";  // a difference map is drawn touchpoint by touchpoint, or not at all
  } else if (const StageMapSize s = stage_map_size(j); fits(s.nodes, s.edges)) {
    write_stage_dot(dot, j, title, heat);
    what = "The map shows stages, not touchpoints: the journey has " + std::to_string(j.size()) + " touchpoints and " +
           std::to_string(j.transitions().size()) + " transitions, more than a map can lay out in reasonable time (" +
           limit + "). The tables below give every touchpoint.";
  } else {
    notes.push_back("No map: the journey has " + std::to_string(j.size()) + " touchpoints and " +
                    std::to_string(j.transitions().size()) + " transitions in " + std::to_string(s.nodes) +
                    " stages and endings, more than a map can lay out in reasonable time (" + limit +
                    "). The tables below give every touchpoint.");
    return "<p class=\"note\">No map: the journey is too large to draw (see the notes).</p>";
  }
  bool troubled = false;
  std::string svg = dot_to_svg(dot.str(), &troubled);
  if (!what.empty()) notes.push_back(what);
  if (troubled) notes.push_back("Graphviz reported problems laying out the map: some arrows may be missing from it.");
  return svg;
}

}  // namespace cxsim
