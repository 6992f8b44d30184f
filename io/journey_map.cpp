#include "io/journey_map.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <set>
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

// The size in points of an HTML-like label of `base`-point text as Graphviz draws it: lines at
// <br/>, smaller text inside <font point-size="...">, wider in <b>. Widths are DejaVu Sans's
// (what "Helvetica" finds on Debian, and wider than Helvetica), so an estimate is never short.
struct LabelSize {
  double w = 0, h = 0;
};

double char_width(unsigned char c) {
  if (c >= 0x80) return 0.84;  // ·, →, accented letters: a wide guess
  if (std::strchr("il'|j", c)) return 0.28;
  if (std::strchr(" .,:;!", c)) return 0.32;
  if (std::strchr("tfr()-/I[]", c)) return 0.41;
  if (std::strchr("mM%W", c)) return 0.98;
  if (c >= 'A' && c <= 'Z') return 0.74;
  return 0.64;
}

LabelSize label_size(const std::string& html, double base) {
  LabelSize total;
  double size = base, line_w = 0, line_size = base;
  bool bold = false;
  const auto end_line = [&] {
    total.w = std::max(total.w, line_w);
    total.h += 1.25 * line_size;
    line_w = 0;
    line_size = size;
  };
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') {
      const std::size_t close = html.find('>', i);
      const std::string tag = html.substr(i + 1, close - i - 1);
      if (tag == "br/")
        end_line();
      else if (tag == "b")
        bold = true;
      else if (tag == "/b")
        bold = false;
      else if (tag == "/font")
        size = base;
      else if (tag.rfind("font point-size=\"", 0) == 0)
        size = std::atof(tag.c_str() + 17);
      i = close == std::string::npos ? html.size() : close;
      continue;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // inside a UTF-8 character
    line_size = std::max(line_size, size);
    line_w += size * (bold ? 1.1 : 1.0) * (c == '&' ? 0.8 : char_width(static_cast<unsigned char>(c)));
    if (c == '&') i = std::min(html.find(';', i), html.size() - 1);  // an entity is one character
  }
  end_line();
  return total;
}

// A touchpoint's box around its label (the node's margin, 0.06 by 0.03 inches, and the border).
LabelSize box_size(const std::string& html, double base) {
  const LabelSize text = label_size(html, base);
  return {text.w + 2 * 0.06 * 72 + 10, text.h + 2 * 0.03 * 72 + 6};
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

namespace {

// What a map is drawn from: the journey, its figures and, on a difference map, the baseline.
struct MapInput {
  const Journey& journey;
  const std::vector<std::string>& segment_names;
  const Figures& heat;
  const MapBaseline* against;
};

// Customers along arrow e (0 for an arrow the figures do not cover).
double flow_of(const Figures& heat, std::size_t e) {
  return e < heat.transitions.size() ? heat.transitions[e] : 0.0;
}

// ---- the grid: stages as columns, channels as lanes ----

// Journey order: breadth first from the start along the arrows taken when visits work (the
// way the journey is meant to go), then along the rest (failures, complaints) from there; a
// stage's column is where this walk first meets it.
struct JourneyOrder {
  std::vector<std::size_t> order;
  std::vector<std::size_t> steps;  // arrows from the start along the walk
};

JourneyOrder journey_order(const Journey& journey) {
  const std::size_t n = journey.size();
  std::vector<std::vector<std::size_t>> next(n), next_on_failure(n);
  for (const Transition& tr : journey.transitions())
    (tr.when == When::fail ? next_on_failure : next)[tr.from].push_back(tr.to);
  JourneyOrder walked{{}, std::vector<std::size_t>(n, 0)};
  std::vector<std::size_t>& order = walked.order;
  std::vector<std::size_t>& steps = walked.steps;
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
            steps[m] = steps[k] + 1;
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
  return walked;
}

// Where every touchpoint goes on the map, and in what order.
struct MapGrid {
  std::vector<std::size_t> order;  // journey order
  std::vector<std::size_t> steps;  // arrows from the start along the walk
  std::vector<std::string> stages;
  std::vector<long> column;  // each touchpoint's stage's column; -1: an ending, or a touchpoint without a stage
  long last_column = -1;
  std::vector<std::string> lanes;    // channels; "" for the lane "other"
  std::vector<std::size_t> lane;     // each touchpoint's lane
  std::vector<std::string> headers;  // the columns' headers: the stages, then "no stage" (or steps)
  std::vector<std::size_t> place;    // each touchpoint's column on the map (its header)
  std::vector<std::vector<std::vector<std::size_t>>> cell;  // [column][lane]: touchpoints in journey order
};

// The stages in journey order, and each touchpoint's stage's column.
void add_stages(const Journey& journey, MapGrid& grid) {
  std::map<std::string, std::size_t> column_of_stage;
  grid.column.assign(journey.size(), -1);
  for (const std::size_t k : grid.order) {
    const Touchpoint& t = journey.touchpoint(k);
    if (journey.is_terminal(k) || t.stage.empty()) continue;
    auto [it, added] = column_of_stage.emplace(t.stage, grid.stages.size());
    if (added) grid.stages.push_back(t.stage);
    grid.column[k] = static_cast<long>(it->second);
  }
  grid.last_column = static_cast<long>(grid.stages.size()) - 1;
}

// Lanes: the touchpoints' channels, in the order the walk first meets them; touchpoints without
// a channel share a last lane ("other").
void add_lanes(const Journey& journey, MapGrid& grid) {
  std::map<std::string, std::size_t> lane_of_channel;
  bool channelless = false;
  for (const std::size_t k : grid.order) {
    const Touchpoint& t = journey.touchpoint(k);
    if (journey.is_terminal(k)) continue;
    if (t.channel.empty())
      channelless = true;
    else if (lane_of_channel.emplace(t.channel, grid.lanes.size()).second)
      grid.lanes.push_back(t.channel);
  }
  if (channelless || grid.lanes.empty()) grid.lanes.emplace_back();
  grid.lane.assign(journey.size(), 0);
  for (std::size_t k = 0; k < journey.size(); ++k) {
    const Touchpoint& t = journey.touchpoint(k);
    if (!journey.is_terminal(k))
      grid.lane[k] = t.channel.empty() ? grid.lanes.size() - 1 : lane_of_channel.at(t.channel);
  }
}

// Where a touchpoint is drawn: its stage's column, or a column of its own after them when it
// has no stage; a cell (column by lane) lists its touchpoints in journey order. A journey
// without any stage has columns by steps from the start instead (one column of every
// touchpoint would be a map many pages tall).
void add_cells(const Journey& journey, MapGrid& grid) {
  const std::size_t n = journey.size();
  for (std::size_t i = 0; i < grid.stages.size(); ++i)
    grid.headers.push_back(std::to_string(i + 1) + ". " + grid.stages[i]);
  grid.place.assign(n, 0);
  for (std::size_t k = 0; k < n; ++k) {
    if (journey.is_terminal(k)) continue;
    if (grid.stages.empty()) {
      grid.place[k] = grid.steps[k];
      while (grid.headers.size() <= grid.steps[k])
        grid.headers.push_back("step " + std::to_string(grid.headers.size() + 1));
      continue;
    }
    if (grid.column[k] < 0 && grid.headers.size() == grid.stages.size()) grid.headers.emplace_back("no stage");
    grid.place[k] = grid.column[k] >= 0 ? static_cast<std::size_t>(grid.column[k]) : grid.stages.size();
  }
  grid.cell.assign(grid.headers.size(), std::vector<std::vector<std::size_t>>(grid.lanes.size()));
  for (const std::size_t k : grid.order)
    if (!journey.is_terminal(k)) grid.cell[grid.place[k]][grid.lane[k]].push_back(k);
}

MapGrid grid_of(const Journey& journey) {
  MapGrid grid;
  JourneyOrder walked = journey_order(journey);
  grid.order = std::move(walked.order);
  grid.steps = std::move(walked.steps);
  add_stages(journey, grid);
  add_lanes(journey, grid);
  add_cells(journey, grid);
  return grid;
}

// ---- labels: the touchpoints' words and the stubs ----

std::string touchpoint_label(const MapInput& in, std::size_t k) {
  const Journey& journey = in.journey;
  const Touchpoint& t = journey.touchpoint(k);
  const TouchpointFigures& f = in.heat.touchpoints[k];
  if (journey.is_terminal(k))
    return "<b>" + wrapped(human_name(t), 22) + "</b><br/><font point-size=\"9\">" + xml(to_string(t.outcome)) + ": " +
           percent_text(f[fig_visits], 1) + " of customers end here</font>";
  // On a difference map, what the redesign changed reads "(was ...)".
  const MapBaseline* against = in.against;
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
    const double change = lost_change(journey, in.heat, *against, k);
    lost += " (" + fixed_text(1000 * change, 1, true) + ")";
  } else if (f.defections() > 0) {
    lost += " · " + std::string(cause_names[static_cast<std::size_t>(f.main_cause())]);
  }
  return "<b>" + wrapped(human_name(t), 22) + "</b><br/><font point-size=\"9\">" +
         (t.channel.empty() ? std::string() : "<i>" + wrapped(t.channel, 26) + "</i><br/>") + words + "<br/>" +
         xml(lost) + "</font>";
}

// An arrow's words for its tooltip: when it is taken, by which segment, and its share.
std::string arrow_words(const Transition& tr, const std::vector<std::string>& segment_names) {
  std::string label = tr.probability < 1.0 ? percent_text(tr.probability, 0) : "";
  if (tr.when != When::any)
    label = std::string(tr.when == When::fail ? "if failed" : "if it worked") + (label.empty() ? "" : " ") + label;
  if (tr.segment != every_segment) {
    const auto s = static_cast<std::size_t>(tr.segment);
    label = (s < segment_names.size() ? segment_names[s] : "segment " + std::to_string(s)) +
            (label.empty() ? "" : ": ") + label;
  }
  return label;
}

// Which arrows are stubs.
std::vector<bool> stub_arrows(const Journey& journey, const MapGrid& grid) {
  const std::vector<long>& column = grid.column;
  // A touchpoint many columns send customers to (a complaints team, say) is shared like an ending.
  std::vector<int> arrows_in(journey.size(), 0);
  for (const Transition& tr : journey.transitions())
    if (column[tr.from] >= 0 && column[tr.to] >= 0 && column[tr.from] != column[tr.to]) ++arrows_in[tr.to];
  // An arrow into an ending where customers are lost is a stub unless its touchpoint is in the
  // last column (or has none); so is one into a shared touchpoint that is not in the same or the
  // next column. The way to a good ending is drawn in full.
  const auto stub = [&](const Transition& tr) {
    if (journey.is_terminal(tr.from) || column[tr.from] < 0) return false;
    if (journey.is_terminal(tr.to))
      return journey.touchpoint(tr.to).outcome != Outcome::retained && column[tr.from] < grid.last_column;
    return arrows_in[tr.to] >= 3 && column[tr.to] >= 0 && column[tr.to] != column[tr.from] &&
           column[tr.to] != column[tr.from] + 1;
  };
  std::vector<bool> is_stub(journey.transitions().size(), false);
  for (std::size_t e = 0; e < journey.transitions().size(); ++e) is_stub[e] = stub(journey.transitions()[e]);
  return is_stub;
}

// The words on the map: every touchpoint's and ending's label, and the stubs.
struct MapLabels {
  std::vector<std::string> touchpoint;             // each node's HTML label
  std::vector<bool> is_stub;                       // by arrow
  std::vector<std::vector<std::size_t>> stubs_of;  // by touchpoint: its stubs' arrows
  std::vector<std::string> stub;                   // by arrow: a stub's label ("" for a full arrow)
};

MapLabels labels_of(const MapInput& in, const MapGrid& grid) {
  const Journey& journey = in.journey;
  MapLabels labels;
  for (std::size_t k = 0; k < journey.size(); ++k) labels.touchpoint.push_back(touchpoint_label(in, k));
  labels.is_stub = stub_arrows(journey, grid);
  labels.stubs_of.resize(journey.size());
  labels.stub.resize(journey.transitions().size());
  for (std::size_t e = 0; e < journey.transitions().size(); ++e) {
    const Transition& tr = journey.transitions()[e];
    if (!labels.is_stub[e]) continue;
    labels.stubs_of[tr.from].push_back(e);
    labels.stub[e] =
        wrapped("→ " + human_name(journey.touchpoint(tr.to)) + " " + percent_text(flow_of(in.heat, e), 1), 24);
  }
  return labels;
}

// ---- placement: where every box goes ----

// The positions, computed here (Graphviz's layouts of lanes took minutes): y grows downwards
// until written. Every size is an estimate a little larger than Graphviz draws.
constexpr double pad = 10, sub_gap = 16, column_gap = 40, stub_gap = 8, header_h = 34;

// Where every box goes, in points, and how large it is.
struct MapPlacement {
  std::vector<LabelSize> size;       // each node's box as its label needs it
  std::vector<LabelSize> stub_size;  // by arrow
  bool lanes_drawn = false;          // more than one lane: bands across the columns
  std::vector<std::string> lane_label;
  double strip = 0;  // the width of the lanes' names at the left
  std::vector<double> x, y, node_w, node_h;
  std::vector<std::pair<double, double>> column_span;  // left, right
  std::vector<std::pair<double, double>> lane_span;    // top, bottom
  double lanes_right = 0, endings_left = 0, endings_w = 0;
  double height = 0;

  // A position as Graphviz writes it: its y grows upwards.
  std::string point(double px, double py) const {
    char text[64];
    std::snprintf(text, sizeof text, "%.1f,%.1f", px, height - py);
    return std::string(text);
  }
};

// A length in points as Graphviz's width and height take it.
std::string inches(double points) {
  return dot_number(points / 72.0, "%.3f");
}

// The boxes' sizes, and the lanes' names with the strip at the left that holds them.
void measure_boxes(const MapGrid& grid, const MapLabels& labels, MapPlacement& at) {
  for (const std::string& label : labels.touchpoint) at.size.push_back(box_size(label, 11));
  at.stub_size.resize(labels.stub.size());
  for (std::size_t e = 0; e < labels.stub.size(); ++e)
    if (!labels.stub[e].empty()) at.stub_size[e] = box_size(labels.stub[e], 9);
  at.lanes_drawn = grid.lanes.size() > 1;
  at.lane_label.resize(grid.lanes.size());
  if (at.lanes_drawn)
    for (std::size_t l = 0; l < grid.lanes.size(); ++l) {
      at.lane_label[l] = "<b>" + wrapped(grid.lanes[l].empty() ? "other" : grid.lanes[l], 14) + "</b>";
      at.strip = std::max(at.strip, label_size(at.lane_label[l], 11).w + 2 * pad);
    }
}

// x: columns of sub-columns as wide as their widest touchpoint (or stub). Without lanes a
// stage's touchpoints stand one under another instead (side by side, a large stage would
// stretch the map to many times the page's width). Returns the right of the last column's gap.
double place_columns(const MapGrid& grid, const MapLabels& labels, MapPlacement& at) {
  at.column_span.resize(grid.headers.size());
  const auto sub_column = [&](std::size_t c, std::size_t s) {
    std::vector<std::size_t> members;
    for (const auto& here : grid.cell[c])
      if (!at.lanes_drawn)
        members.insert(members.end(), here.begin(), here.end());
      else if (s < here.size())
        members.push_back(here[s]);
    return members;
  };
  double at_x = at.strip + pad;
  for (std::size_t c = 0; c < grid.headers.size(); ++c) {
    std::size_t subs = 0;
    for (const auto& here : grid.cell[c]) subs = std::max(subs, at.lanes_drawn ? here.size() : std::size_t{1});
    at.column_span[c].first = at_x;
    for (std::size_t s = 0; s < subs; ++s) {
      double box = 0, wide = 0;
      for (const std::size_t k : sub_column(c, s)) {
        box = std::max(box, at.size[k].w);
        wide = std::max(box, wide);
        for (const std::size_t e : labels.stubs_of[k]) wide = std::max(wide, at.stub_size[e].w);
      }
      for (const std::size_t k : sub_column(c, s)) {
        at.x[k] = at_x + wide / 2;
        at.node_w[k] = box;
      }
      at_x += wide + (s + 1 < subs ? sub_gap : 0.0);
    }
    // A stage header needs its width too.
    at_x = std::max(at_x, at.column_span[c].first + label_size("<b>" + xml(grid.headers[c]) + "</b>", 12).w + pad);
    at.column_span[c].second = at_x;
    at_x += column_gap;
  }
  return at_x;
}

// y: lanes as tall as their tallest touchpoint with its stubs below it; a lane's touchpoints
// share one line. Without lanes, each column a stack in journey order. Returns the bottom of the
// last lane.
double place_lanes(const MapGrid& grid, const MapLabels& labels, MapPlacement& at) {
  const auto stubs_height = [&](std::size_t k) {
    double stack = 0;
    for (const std::size_t e : labels.stubs_of[k]) stack += stub_gap + at.stub_size[e].h;
    return stack;
  };
  at.lane_span.resize(grid.lanes.size());
  double at_y = header_h;
  if (!at.lanes_drawn) {
    double bottom = at_y + pad;
    for (std::size_t c = 0; c < grid.headers.size(); ++c) {
      double below = at_y + pad;
      for (const std::size_t k : grid.cell[c][0]) {
        at.y[k] = below + at.size[k].h / 2;
        at.node_h[k] = at.size[k].h;
        below += at.size[k].h + stubs_height(k) + 2 * pad;
      }
      bottom = std::max(bottom, below);
    }
    at.lane_span[0] = {at_y, bottom - pad};
    return bottom - pad;
  }
  for (std::size_t l = 0; l < grid.lanes.size(); ++l) {
    double box = label_size(at.lane_label[l], 11).h, below = 0;
    for (std::size_t c = 0; c < grid.headers.size(); ++c)
      for (const std::size_t k : grid.cell[c][l]) {
        box = std::max(box, at.size[k].h);
        below = std::max(below, stubs_height(k));
      }
    at.lane_span[l] = {at_y, at_y + pad + box + below + pad};
    for (std::size_t c = 0; c < grid.headers.size(); ++c)
      for (const std::size_t k : grid.cell[c][l]) {
        at.y[k] = at_y + pad + box / 2;
        at.node_h[k] = box;
      }
    at_y = at.lane_span[l].second;
  }
  return at_y;
}

// The endings: a last column, one under another. Returns the bottom of the last.
double place_endings(const Journey& journey, const MapGrid& grid, double at_x, MapPlacement& at) {
  // Twice the gap before it: the arrows into the endings converge there.
  at.lanes_right = at_x - column_gap / 2;
  at.endings_left = at_x + column_gap;
  at.endings_w = label_size("<b>how journeys end</b>", 12).w;
  for (std::size_t k = 0; k < journey.size(); ++k)
    if (journey.is_terminal(k)) at.endings_w = std::max(at.endings_w, at.size[k].w);
  double ending_y = header_h + pad;
  for (const std::size_t k : grid.order)
    if (journey.is_terminal(k)) {
      at.x[k] = at.endings_left + pad + at.endings_w / 2;
      at.y[k] = ending_y + at.size[k].h / 2;
      at.node_w[k] = at.endings_w;
      at.node_h[k] = at.size[k].h;
      ending_y += at.size[k].h + 2 * pad;
    }
  return ending_y;
}

MapPlacement place_boxes(const Journey& journey, const MapGrid& grid, const MapLabels& labels) {
  const std::size_t n = journey.size();
  MapPlacement at;
  measure_boxes(grid, labels, at);
  at.x.assign(n, 0);
  at.y.assign(n, 0);
  at.node_w.assign(n, 0);
  at.node_h.assign(n, 0);
  const double at_x = place_columns(grid, labels, at);
  const double lanes_bottom = place_lanes(grid, labels, at);
  const double endings_bottom = place_endings(journey, grid, at_x, at);
  at.height = std::max(lanes_bottom, endings_bottom);
  return at;
}

// ---- writing the DOT text ----

// Everything the writing steps read.
struct JourneyMap {
  const MapInput& in;
  const MapGrid& grid;
  const MapLabels& labels;
  const MapPlacement& at;
  double most_lost = 0, most_change = 0, most_flow = 0;  // the scales of the colours and widths
};

void write_graph_header(std::ostream& out, const Journey& journey) {
  out << "digraph journey {\n  splines=" << (map_arrows_routed(journey) ? "true" : "line")
      << ";\n  outputorder=edgesfirst;\n  pad=0.1;\n  fontname=\"Helvetica\";\n"
      << "  node [fontname=\"Helvetica\", fontsize=11, shape=box, style=\"rounded,filled\", margin=\"0.06,0.03\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.6, color=\"#555555\"];\n";
}

// A touchpoint or an ending at its place, coloured by the customers lost there (or, on a
// difference map, by the change).
std::string touchpoint_node(const JourneyMap& map, std::size_t k) {
  const Journey& journey = map.in.journey;
  const MapPlacement& at = map.at;
  const Touchpoint& t = journey.touchpoint(k);
  const TouchpointFigures& f = map.in.heat.touchpoints[k];
  std::ostringstream a;
  a << dot_node_name(k) << " [id=" << dot_quote("tp-" + t.id) << ", pos=\"" << at.point(at.x[k], at.y[k])
    << "!\", width=" << inches(at.node_w[k]) << ", height=" << inches(at.node_h[k]);
  if (journey.is_terminal(k)) {
    const bool kept = t.outcome == Outcome::retained;
    a << ", fillcolor=" << (kept ? "\"#d9f2d9\"" : "\"#f8d0d0\"") << ", shape=box, style=\"filled\", label=<"
      << map.labels.touchpoint[k]
      << ">, tooltip=" << dot_quote(t.id + ": reached by " + dot_number(f[fig_visits]) + " per customer", true)
      << "];\n";
    return a.str();
  }
  const int c = heat_class(f.defections(), map.most_lost);
  const char* ink = heat_needs_light_text(c) ? "white" : "#1d232b";
  const char* fill = heat_colours[static_cast<std::size_t>(c)];
  if (const MapBaseline* against = map.in.against) {
    const int d = change_class(lost_change(journey, map.in.heat, *against, k), map.most_change);
    fill = change_colours[static_cast<std::size_t>(d)];
    ink = d == 0 || d == 6 ? "white" : "#1d232b";
  }
  a << ", fillcolor=\"" << fill << "\", fontcolor=\"" << ink << "\", label=<" << map.labels.touchpoint[k]
    << ">, tooltip=" << dot_quote(touchpoint_tooltip(t, f), true);
  if (k == journey.start()) a << ", penwidth=2.5";
  a << "];\n";
  return a.str();
}

// A stub: the arrow's end as words under its touchpoint, at (sx, sy).
std::string stub_node(const JourneyMap& map, std::size_t e, double sx, double sy) {
  const Journey& journey = map.in.journey;
  const MapPlacement& at = map.at;
  const Transition& tr = journey.transitions()[e];
  const std::string words = arrow_words(tr, map.in.segment_names);
  std::ostringstream a;
  a << "stub" << e << " [shape=plaintext, style=\"\", fontsize=9, pos=\"" << at.point(sx, sy)
    << "!\", width=" << inches(at.stub_size[e].w) << ", height=" << inches(at.stub_size[e].h) << ", fontcolor=\""
    << (journey.is_terminal(tr.to) ? (journey.touchpoint(tr.to).outcome == Outcome::retained ? "#1a7f37" : "#b10026")
        : tr.when == When::fail    ? "#c0392b"
                                   : "#555555")
    << "\", label=<" << map.labels.stub[e] << ">, tooltip="
    << dot_quote(journey.touchpoint(tr.from).id + " -> " + journey.touchpoint(tr.to).id + ": " + words +
                     (words.empty() ? "" : ", ") + "taken by " + percent_text(flow_of(map.in.heat, e), 1) +
                     " of customers",
                 true)
    << "];\n";
  return a.str();
}

// A column's header from `left` to `right`.
void write_header(std::ostream& out, const MapPlacement& at, const std::string& name, const std::string& id,
                  double left, double right, const std::string& text, const std::string& tooltip) {
  out << "  subgraph cluster_" << name << " {\n    id=" << dot_quote(id) << ";\n    bb=\""
      << at.point(left, header_h - 5) << "," << at.point(right, 5)
      << "\";\n    style=\"rounded,filled\";\n    fillcolor=\"#e8edf3\";\n    color=\"#c5ced9\";\n    "
         "fontname=\"Helvetica-Bold\";\n    fontsize=12;\n    label="
      << dot_quote(text) << ";\n    tooltip=" << dot_quote(tooltip, true) << ";\n  }\n";
}

// The stage headers over their columns, and the lanes' names: cluster labels, not nodes, so
// that the arrows' router has fewer boxes to go around (a fifth of its time at the map limit).
void write_stage_headers(std::ostream& out, const JourneyMap& map) {
  const MapGrid& grid = map.grid;
  const MapPlacement& at = map.at;
  for (std::size_t c = 0; c < grid.headers.size(); ++c)
    write_header(out, at, "stage" + std::to_string(c), "stage-" + std::to_string(c + 1), at.column_span[c].first,
                 at.column_span[c].second, grid.headers[c],
                 c < grid.stages.size() ? "stage " + grid.stages[c]
                 : grid.stages.empty()  ? "touchpoints " + std::to_string(c) + " arrows from the start"
                                        : "touchpoints without a stage");
  write_header(out, at, "endings", "stage-endings", at.endings_left + pad, at.endings_left + pad + at.endings_w,
               "how journeys end", "where customers end");
}

// The lanes: bands across the stages' columns, each named at its top left, with their
// touchpoints and each touchpoint's stubs under it.
void write_lanes(std::ostream& out, const JourneyMap& map) {
  const MapGrid& grid = map.grid;
  const MapPlacement& at = map.at;
  for (std::size_t l = 0; l < grid.lanes.size(); ++l) {
    const auto [top, bottom] = at.lane_span[l];
    if (at.lanes_drawn)
      out << "  subgraph cluster_lane" << l << " {\n    id=" << dot_quote("lane-" + std::to_string(l + 1))
          << ";\n    bb=\"" << at.point(0, bottom) << "," << at.point(at.lanes_right, top)
          << "\";\n    style=filled;\n    fillcolor=\"" << (l % 2 == 0 ? "#f4f6f9" : "#ffffff")
          << "\";\n    color=\"#dde3ea\";\n    fontcolor=\"#3b4654\";\n    fontsize=11;\n    labeljust=l;\n    "
             "labelloc=t;\n    label=<"
          << at.lane_label[l] << ">;\n    tooltip="
          << dot_quote(grid.lanes[l].empty() ? "touchpoints without a channel" : "channel " + grid.lanes[l], true)
          << ";\n";
    for (std::size_t c = 0; c < grid.headers.size(); ++c)
      for (const std::size_t k : grid.cell[c][l]) {
        out << "    " << touchpoint_node(map, k);
        double below = at.y[k] + at.node_h[k] / 2;
        for (const std::size_t e : map.labels.stubs_of[k]) {
          below += stub_gap + at.stub_size[e].h / 2;
          out << "    " << stub_node(map, e, at.x[k], below);
          below += at.stub_size[e].h / 2;
        }
      }
    if (at.lanes_drawn) out << "  }\n";
  }
}

// The endings: the last column.
void write_endings(std::ostream& out, const JourneyMap& map) {
  for (const std::size_t k : map.grid.order)
    if (map.in.journey.is_terminal(k)) out << "    " << touchpoint_node(map, k);
}

// The arrows: full ones between boxes, short ones into the stubs.
void write_arrows(std::ostream& out, const JourneyMap& map) {
  const Journey& journey = map.in.journey;
  const std::vector<long>& column = map.grid.column;
  for (std::size_t e = 0; e < journey.transitions().size(); ++e) {
    const Transition& tr = journey.transitions()[e];
    const double flow = flow_of(map.in.heat, e);
    const bool is_stub = map.labels.is_stub[e];
    out << "  " << dot_node_name(tr.from) << " -> " << (is_stub ? "stub" + std::to_string(e) : dot_node_name(tr.to))
        << " [";
    // An arrow within one column gets no label: there is no room for one between its touchpoints;
    // its words go in the tooltip.
    const bool flat = tr.from != tr.to && column[tr.from] >= 0 && column[tr.from] == column[tr.to];
    // On the map an arrow says only its share when it is not the only way on (its colour says
    // after what); the tooltip has it all.
    const std::string text = is_stub || flat || tr.probability >= 1.0 ? "" : percent_text(tr.probability, 0);
    if (!text.empty()) out << "label=" << dot_quote(text) << ", ";
    out << "arrowhead=normal";
    if (tr.segment != every_segment) out << ", style=dashed";
    if (tr.when == When::fail) out << ", color=\"#c0392b\", fontcolor=\"#c0392b\"";
    if (tr.when == When::ok) out << ", color=\"#2e7d32\", fontcolor=\"#2e7d32\"";
    if (is_stub)
      out << ", arrowsize=0.4, penwidth=0.8";
    else
      out << ", penwidth=" << dot_number(map.most_flow > 0 ? 0.6 + 4.0 * flow / map.most_flow : 1.0);
    const std::string words = arrow_words(tr, map.in.segment_names);
    out << ", tooltip="
        << dot_quote(journey.touchpoint(tr.from).id + " -> " + journey.touchpoint(tr.to).id + ": " + words +
                         (words.empty() ? "" : ", ") + "taken " + dot_number(flow) + " times per customer",
                     true)
        << "];\n";
  }
}

}  // namespace

void write_journey_map(std::ostream& out, const Journey& journey, const std::vector<std::string>& segment_names,
                       const Figures& heat, const MapBaseline* against) {
  const MapInput in{journey, segment_names, heat, against};
  const MapGrid grid = grid_of(journey);
  const MapLabels labels = labels_of(in, grid);
  const MapPlacement at = place_boxes(journey, grid, labels);
  JourneyMap map{in, grid, labels, at};
  map.most_lost = most_lost_of(journey, heat);
  map.most_change = against ? largest_change(journey, heat, *against) : 0.0;
  for (const double f : heat.transitions) map.most_flow = std::max(map.most_flow, f);

  write_graph_header(out, journey);
  write_stage_headers(out, map);
  write_lanes(out, map);
  write_endings(out, map);
  write_arrows(out, map);
  out << "}\n";
}

bool map_arrows_routed(const Journey& journey) {
  return journey.size() <= limits::map_routed_touchpoints &&
         journey.transitions().size() <= limits::map_routed_transitions;
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
  // What the columns and bands are, as the map draws them (write_journey_map).
  std::set<std::string> channels, stages;
  for (std::size_t k = 0; k < journey.size(); ++k)
    if (!journey.is_terminal(k)) {
      channels.insert(journey.touchpoint(k).channel);
      stages.insert(journey.touchpoint(k).stage);
    }
  stages.erase("");
  o << "</div>\n<p class=\"note legend-words\">"
    << (stages.empty() ? "Columns are steps from the start, left to right"
                       : "Columns are the journey's stages, left to right in journey order")
    << (channels.size() > 1
            ? "; each band across them is a channel, top to bottom in the order the journey first uses it "
              "(touchpoints without a channel in the band <b>other</b>), and a column's touchpoints in one channel "
              "stand side by side in journey order. "
            : ". ")
    << "<b>reliable</b>: the share of visits that work (reliability); "
       "<b>relevant</b>: the share of later visits where the customer need not repeat themselves (relevance); "
       "<b>value</b>: what the visit is worth to the customer, 0 to 1, against what their segment expects; "
       "<b>trust</b>: the chance a visit that works protects the customer from the next failure; "
       "<b>recovery</b>: how well a complaint is handled, 0 to 1; <b>min</b>: the customer's time. "
       "<b>lost</b>: customers lost at the touchpoint per 1,000 who start, with the main cause. "
       "Green arrows are taken after a visit that worked, red ones after a failure, dashed ones by one segment only; "
       "an arrow's width is the flow of customers along it. <b>→ ending N%</b>: the share of all customers who go "
       "from that touchpoint to that ending. The thick border marks where the journey starts."
    << (map_arrows_routed(journey) ? ""
                                   : " On a map this large the arrows are drawn straight, passing under the boxes "
                                     "(curving each around the boxes would take Graphviz too long).")
    << "</p>\n";
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
  // The touchpoint map carries its positions: Graphviz only routes its arrows.
  std::string svg = dot_to_svg(dot.str(), &troubled, what.empty() ? "nop2" : "dot");
  if (!what.empty()) notes.push_back(what);
  if (troubled) notes.push_back("Graphviz reported problems laying out the map: some arrows may be missing from it.");
  return svg;
}

}  // namespace cxsim
