#pragma once
// The journey map of `cxsim report`, drawn as designers draw journey maps: stages as columns in
// journey order (the order a breadth-first walk from the start meets them) and channels as lanes
// (bands across the columns, top to bottom in the order the walk first meets each channel; the
// touchpoints without a channel in a last lane, "other"; no bands when there is one lane). A stage
// with several touchpoints in one lane puts them side by side, in journey order. Touchpoints by
// their human names with their attributes in words, coloured by the customers lost there; the
// endings in a last column with the share of customers who reach each; and an arrow into an ending
// where customers are lost from any column but the last, or into a touchpoint many columns share
// (a complaints team), drawn as a short stub under its touchpoint ("→ Gave up 2.0%") rather than
// across the page. cxsim computes every position itself (Graphviz's own layouts took minutes
// with lanes); Graphviz only routes the arrows around the boxes ("nop2", io/graphviz_svg.hpp).
#include <ostream>
#include <string>
#include <vector>

#include "sim/figures.hpp"
#include "sim/journey.hpp"

namespace cxsim {

// A redesign drawn against its baseline: the colours say where the redesign loses fewer (green)
// or more (red) customers than the baseline at each touchpoint (matched by id), and an attribute
// the redesign changed reads "(was ...)".
struct MapBaseline {
  const Journey* journey = nullptr;
  const Figures* figures = nullptr;
};

// `heat`: figures of the same journey (exact, or Monte Carlo). Every touchpoint and ending is a
// node with the SVG id "tp-" + its id, as in write_dot. With `against`, a difference map.
void write_journey_map(std::ostream& out, const Journey& journey, const std::vector<std::string>& segment_names,
                       const Figures& heat, const MapBaseline* against = nullptr);

// The legend of a difference map, as HTML: the colour classes of the change in customers lost
// per 1,000 who start.
std::string journey_difference_legend(const Journey& journey, const Figures& heat, const MapBaseline& against);

// Whether the map's arrows are curves routed around the boxes (journeys up to
// limits::map_routed_touchpoints and map_routed_transitions), or straight lines under them.
bool map_arrows_routed(const Journey& journey);

// The map's legend, as HTML for the page: the colour classes (customers lost per 1,000) and what
// the words on a touchpoint mean.
std::string journey_map_legend(const Journey& journey, const Figures& heat);

// The map as an <svg> element for a page, as large as it can be drawn: touchpoint by touchpoint up
// to the sizes Graphviz lays out quickly (models/limits.hpp), else by stage, else a note instead
// (the tables still give every touchpoint). What was done goes to `notes`; the legend to `legend`.
// A difference map (`against`) is drawn touchpoint by touchpoint or not at all ("").
std::string journey_map_svg(const Journey& journey, const std::string& title,
                            const std::vector<std::string>& segment_names, const Figures& heat,
                            std::vector<std::string>& notes, std::string& legend, const MapBaseline* against = nullptr);

}  // namespace cxsim
