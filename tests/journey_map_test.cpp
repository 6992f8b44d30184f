// The report's journey map (io/journey_map.hpp): stages as columns in journey order, channels as
// lanes in order of first appearance, endings with their shares, arrows into shared endings from
// early columns as stubs; positions computed by cxsim, arrows routed by Graphviz without trouble.
#include "io/journey_map.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "io/dot_writer.hpp"
#include "io/graphviz_svg.hpp"
#include "io/scenario.hpp"
#include "models/limits.hpp"
#include "sim/exact_solver.hpp"

namespace cxsim {
namespace {

struct Map {
  LoadedScenario loaded;
  ExactSolution exact;
  std::string dot;
};

Map load_map(const std::string& scenario) {
  Map m{load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + scenario + "/scenario.yaml", ""), {}, {}};
  m.exact = solve_exact(m.loaded.model.journey, m.loaded.model.population);
  std::ostringstream dot;
  write_journey_map(dot, m.loaded.model.journey, {}, m.exact.figures);
  m.dot = dot.str();
  return m;
}

Map broadband() {
  return load_map("broadband");
}

std::string node(const Journey& j, const char* id) {
  return dot_node_name(*j.find(id));
}

TEST(JourneyMap, StagesAreColumnsInJourneyOrder) {
  const Map m = broadband();
  std::size_t at = 0;
  for (const char* stage : {"1. buy", "2. install", "3. go-live", "4. billing", "5. in-life", "6. renewal"}) {
    const std::size_t found = m.dot.find(std::string("label=\"") + stage + "\"");
    ASSERT_NE(found, std::string::npos) << stage;
    EXPECT_GT(found, at) << stage << " comes after the stage before it";
    at = found;
  }
  EXPECT_NE(m.dot.find("how journeys end"), std::string::npos);
}

TEST(JourneyMap, ArrowsIntoEndingsFromEarlyColumnsAreStubsAndTheLastColumnsAreNot) {
  const Map m = broadband();
  const Journey& j = m.loaded.model.journey;
  // order_call (buy, the first column) -> walked_away: a stub beside order_call.
  EXPECT_EQ(m.dot.find(node(j, "order_call") + " -> " + node(j, "walked_away") + " "), std::string::npos);
  EXPECT_NE(m.dot.find(node(j, "order_call") + " -> stub"), std::string::npos);
  EXPECT_NE(m.dot.find("→ Gave up before"), std::string::npos) << "the stub names the ending";
  // renewal_offer (renewal, the last column) -> cancelled: drawn in full.
  EXPECT_NE(m.dot.find(node(j, "renewal_offer") + " -> " + node(j, "cancelled") + " "), std::string::npos);
}

TEST(JourneyMap, NodesCarryNamesAttributesInWordsAndEndingsTheirShare) {
  const Map m = broadband();
  const Journey& j = m.loaded.model.journey;
  EXPECT_NE(m.dot.find("<b>Engineer installation</b>"), std::string::npos);
  EXPECT_NE(m.dot.find("reliable 75% · relevant 70%"), std::string::npos);
  EXPECT_EQ(m.dot.find("r=0.75"), std::string::npos) << "no cryptic attributes";
  EXPECT_NE(m.dot.find("<b>Engineer installation</b><br/><font point-size=\"9\"><i>field</i><br/>"), std::string::npos)
      << "the channel under the name";
  char share[64];
  std::snprintf(share, sizeof share, "retained: %.1f%% of customers end here",
                100.0 * m.exact.figures.touchpoints[*j.find("renewed")][fig_visits]);
  EXPECT_NE(m.dot.find(share), std::string::npos) << share;
}

// Graphviz keeps the positions (nop2) and routes the arrows around the touchpoints: it says
// nothing, in particular not that touchpoints touch and it fell back to straight lines through them.
TEST(JourneyMap, GraphvizRoutesTheArrowsWithoutAWordAndEveryTouchpointIsDrawn) {
  for (const char* scenario : {"broadband", "car_repair", "b2b_onboarding"}) {
    const Map m = load_map(scenario);
    bool troubled = true;
    std::string said = "not called";
    const std::string svg = dot_to_svg(m.dot, &troubled, "nop2", &said);
    EXPECT_FALSE(troubled) << scenario;
    EXPECT_EQ(said, "") << scenario;
    for (const Touchpoint& t : m.loaded.model.journey.touchpoints())
      EXPECT_NE(svg.find("id=\"tp&#45;" + t.id + "\""), std::string::npos) << scenario << ": " << t.id;
  }
}

TEST(JourneyMap, TheLegendSaysWhatTheWordsMean) {
  const Map m = broadband();
  const std::string legend = journey_map_legend(m.loaded.model.journey, m.exact.figures);
  for (const char* word : {"<b>reliable</b>", "<b>relevant</b>", "<b>value</b>", "<b>trust</b>", "<b>lost</b>"})
    EXPECT_NE(legend.find(word), std::string::npos) << word;
}

// Where a node is drawn, from its pos="x,y!" in the DOT text (points, y upwards).
std::pair<double, double> position(const std::string& dot, const std::string& name) {
  const std::size_t line = dot.find("    " + name + " [id=");
  if (line == std::string::npos) return {NAN, NAN};
  const std::size_t at = dot.find("pos=\"", line);
  if (at == std::string::npos || at > dot.find('\n', line)) return {NAN, NAN};
  char* end = nullptr;
  const double x = std::strtod(dot.c_str() + at + 5, &end);
  return {x, std::strtod(end + 1, nullptr)};
}

TEST(JourneyMap, TouchpointsOfOneChannelShareALaneAndEachChannelHasItsOwn) {
  const Map m = broadband();
  const Journey& j = m.loaded.model.journey;
  std::map<std::string, double> lane_y;
  std::set<double> taken;
  for (std::size_t k = 0; k < j.size(); ++k) {
    if (j.is_terminal(k)) continue;
    const double y = position(m.dot, dot_node_name(k)).second;
    ASSERT_FALSE(std::isnan(y)) << j.touchpoint(k).id << " has a position";
    const auto [it, first] = lane_y.emplace(j.touchpoint(k).channel, y);
    EXPECT_EQ(it->second, y) << j.touchpoint(k).id << " sits in the lane of " << it->first;
    if (first) {
      EXPECT_TRUE(taken.insert(y).second) << "channel " << it->first << " shares a lane with another";
    }
  }
  EXPECT_GE(lane_y.size(), 5u);
  EXPECT_NE(m.dot.find("label=<<b>phone</b>>"), std::string::npos) << "a lane says its channel";
}

// A small journey: a (web) and b (phone) in stage s1, c, e (web) and d (store) in s2, x (no
// channel) in s3. The walk meets a, c, e, d, x, then b (only after a failure).
struct Small {
  Journey journey;
  Figures heat;
  std::string dot;
};

Small small_journey(bool channels = true) {
  const auto tp = [&](const char* id, const char* stage, const char* channel, Outcome o = Outcome::none) {
    Touchpoint t;
    t.id = id;
    t.name = std::string("Touchpoint ") + id;
    t.stage = stage;
    t.channel = channels ? channel : "";
    t.reliability = 0.9;
    t.relevance = 0.8;
    t.value = 0.6;
    t.outcome = o;
    return t;
  };
  std::vector<Touchpoint> tps{tp("a", "s1", "web"),
                              tp("b", "s1", "phone"),
                              tp("c", "s2", "web"),
                              tp("d", "s2", "store"),
                              tp("e", "s2", "web"),
                              tp("x", "s3", ""),
                              tp("done", "", "", Outcome::retained),
                              tp("lost", "", "", Outcome::defected)};
  std::vector<Transition> arrows{{0, 1, 1.0, When::fail}, {0, 2, 1.0, When::ok},  {1, 2, 1.0, When::any},
                                 {2, 4, 1.0, When::any},  {4, 3, 1.0, When::any}, {3, 5, 1.0, When::any},
                                 {5, 6, 1.0, When::ok},   {5, 7, 1.0, When::fail}};
  Small s{Journey(std::move(tps), std::move(arrows), 0), {}, {}};
  s.heat.touchpoints.resize(s.journey.size());
  s.heat.transitions.assign(s.journey.transitions().size(), 0.5);
  std::ostringstream dot;
  write_journey_map(dot, s.journey, {}, s.heat);
  s.dot = dot.str();
  return s;
}

double x_of(const Small& s, const char* id) {
  return position(s.dot, dot_node_name(*s.journey.find(id))).first;
}
double y_of(const Small& s, const char* id) {
  return position(s.dot, dot_node_name(*s.journey.find(id))).second;
}

TEST(JourneyMap, LanesAreInOrderOfFirstAppearanceTopDownAndTouchpointsWithoutAChannelComeLast) {
  const Small s = small_journey();
  // Graphviz's y grows upwards: the first lane has the largest y.
  EXPECT_GT(y_of(s, "a"), y_of(s, "d")) << "web (a, the start) above store (d)";
  EXPECT_GT(y_of(s, "d"), y_of(s, "b")) << "store (met before b) above phone (b, after a failure)";
  EXPECT_GT(y_of(s, "b"), y_of(s, "x")) << "the lane without a channel comes last";
  EXPECT_EQ(y_of(s, "a"), y_of(s, "c"));
  EXPECT_EQ(y_of(s, "c"), y_of(s, "e"));
  const std::size_t web = s.dot.find("<b>web</b>"), store = s.dot.find("<b>store</b>"),
                    phone = s.dot.find("<b>phone</b>"), other = s.dot.find("<b>other</b>");
  ASSERT_NE(other, std::string::npos) << "the lane without a channel is called other";
  EXPECT_LT(web, store);
  EXPECT_LT(store, phone);
  EXPECT_LT(phone, other);
  EXPECT_NE(journey_map_legend(s.journey, s.heat).find("each band across them is a channel"), std::string::npos)
      << "the legend says what the bands are";
}

TEST(JourneyMap, StagesColumnsGoLeftToRightAndOneLanesTouchpointsInAStageInJourneyOrder) {
  const Small s = small_journey();
  EXPECT_LT(x_of(s, "a"), x_of(s, "c")) << "s1 before s2";
  EXPECT_EQ(x_of(s, "a"), x_of(s, "b")) << "one stage, one column";
  EXPECT_LT(x_of(s, "c"), x_of(s, "e")) << "c, then e: sub-columns of s2 in the web lane, in journey order";
  EXPECT_EQ(x_of(s, "c"), x_of(s, "d")) << "the first sub-column of s2, whatever the lane";
  EXPECT_LT(x_of(s, "e"), x_of(s, "x")) << "s2 before s3";
  EXPECT_LT(x_of(s, "x"), x_of(s, "done")) << "the endings in a last column";
  EXPECT_EQ(x_of(s, "done"), x_of(s, "lost"));
  // The stage headers over their columns, in journey order.
  const std::size_t s1 = s.dot.find("label=\"1. s1\""), s2 = s.dot.find("label=\"2. s2\""),
                    s3 = s.dot.find("label=\"3. s3\"");
  ASSERT_NE(s3, std::string::npos);
  EXPECT_LT(s1, s2);
  EXPECT_LT(s2, s3);
}

TEST(JourneyMap, NoTwoTouchpointsShareAPlaceAndNoBoxesTouchSoArrowsGoAroundThem) {
  for (const bool channels : {true, false}) {
    const Small s = small_journey(channels);
    std::vector<std::pair<double, double>> at;
    for (std::size_t k = 0; k < s.journey.size(); ++k) at.push_back(position(s.dot, dot_node_name(k)));
    for (std::size_t p = 0; p < at.size(); ++p)
      for (std::size_t q = p + 1; q < at.size(); ++q)
        EXPECT_FALSE(at[p] == at[q]) << s.journey.touchpoint(p).id << " and " << s.journey.touchpoint(q).id;
    bool troubled = true;
    std::string said = "not called";
    const std::string svg = dot_to_svg(s.dot, &troubled, "nop2", &said);
    EXPECT_FALSE(troubled);
    EXPECT_EQ(said, "") << "no touching boxes, no straight lines through them";
    for (const Touchpoint& t : s.journey.touchpoints())
      EXPECT_NE(svg.find("id=\"tp&#45;" + t.id + "\""), std::string::npos) << t.id;
  }
}

TEST(JourneyMap, WithoutChannelsThereAreNoLanesAndAStagesTouchpointsStandInAColumn) {
  const Small s = small_journey(false);
  EXPECT_EQ(s.dot.find("cluster_lane"), std::string::npos);
  EXPECT_EQ(s.dot.find("<b>other</b>"), std::string::npos) << "one lane needs no name";
  // A stage's touchpoints one under another in journey order (c, e, d), the stages left to right.
  EXPECT_EQ(x_of(s, "c"), x_of(s, "e"));
  EXPECT_EQ(x_of(s, "e"), x_of(s, "d"));
  EXPECT_GT(y_of(s, "c"), y_of(s, "e"));
  EXPECT_GT(y_of(s, "e"), y_of(s, "d"));
  EXPECT_LT(x_of(s, "a"), x_of(s, "c"));
  EXPECT_LT(x_of(s, "c"), x_of(s, "x"));
  EXPECT_EQ(journey_map_legend(s.journey, s.heat).find("band"), std::string::npos) << "nor does the legend";
}

// A chain of n touchpoints, each in its own stage and one of three channels, ending retained.
Journey chain_journey(std::size_t n) {
  std::vector<Touchpoint> tps;
  std::vector<Transition> arrows;
  for (std::size_t k = 0; k < n; ++k) {
    Touchpoint t;
    t.id = "t" + std::to_string(k);
    t.stage = "stage " + std::to_string(k);
    t.channel = std::array<const char*, 3>{"web", "phone", "store"}[k % 3];
    t.reliability = 1.0;
    t.relevance = 1.0;
    t.value = 0.5;
    tps.push_back(t);
    arrows.push_back({k, k + 1, 1.0, When::any});
  }
  Touchpoint end;
  end.id = "done";
  end.outcome = Outcome::retained;
  tps.push_back(end);
  return Journey(std::move(tps), std::move(arrows), 0);
}

TEST(JourneyMap, ArrowsAreRoutedAroundBoxesUpToTheLimitAndStraightBeyondAsTheLegendSays) {
  for (const std::size_t n : {limits::map_routed_touchpoints - 1, limits::map_routed_touchpoints + 5}) {
    const Journey j = chain_journey(n);
    const bool routed = j.size() <= limits::map_routed_touchpoints;
    Figures f;
    f.touchpoints.resize(j.size());
    f.transitions.assign(j.transitions().size(), 1.0);
    std::ostringstream dot;
    write_journey_map(dot, j, {}, f);
    EXPECT_NE(dot.str().find(routed ? "splines=true;" : "splines=line;"), std::string::npos) << n;
    EXPECT_EQ(map_arrows_routed(j), routed) << n;
    EXPECT_EQ(journey_map_legend(j, f).find("drawn straight") == std::string::npos, routed) << n;
    bool troubled = true;
    std::string said = "not called";
    const std::string svg = dot_to_svg(dot.str(), &troubled, "nop2", &said);
    EXPECT_FALSE(troubled) << n;
    EXPECT_EQ(said, "") << n;
    EXPECT_NE(svg.find("id=\"tp&#45;t" + std::to_string(n - 1) + "\""), std::string::npos) << n;
  }
}

// The clusters' names in the order the SVG draws them.
std::vector<std::string> cluster_order(const std::string& svg) {
  std::vector<std::string> names;
  for (std::size_t at = svg.find("<title>cluster_"); at != std::string::npos; at = svg.find("<title>cluster_", at + 1))
    names.push_back(svg.substr(at + 7, svg.find('<', at + 7) - at - 7));
  return names;
}

TEST(JourneyMap, TheSameMapIsTheSameBytesAfterOtherMapsAndItsClustersComeInTheOrderWritten) {
  const Map first = load_map("broadband"), again = load_map("b2b_onboarding");
  const std::string before = dot_to_svg(again.dot, nullptr, "nop2");
  // Graphviz's default IDs were the addresses of names: after other graphs had used the heap, the
  // clusters of the same map came out in another order.
  std::vector<std::string> churn;
  for (int i = 0; i < 3; ++i) {
    dot_to_svg(first.dot, nullptr, "nop2");
    for (int k = 0; k < 1000; ++k) churn.push_back(std::string(40 + k % 200, 'x'));
    EXPECT_EQ(dot_to_svg(again.dot, nullptr, "nop2"), before) << "round " << i;
  }
  std::vector<std::string> written;
  for (std::size_t at = again.dot.find("subgraph cluster_"); at != std::string::npos;
       at = again.dot.find("subgraph cluster_", at + 1))
    written.push_back(again.dot.substr(at + 9, again.dot.find_first_of(" {", at + 9) - at - 9));
  ASSERT_GT(written.size(), 3u);
  EXPECT_EQ(cluster_order(before), written);
}

// A redesign against its baseline: green where it loses fewer customers, red where more, and what
// it changed reads "(was ...)".
struct DifferenceMap {
  LoadedScenario baseline, redesign;
  ExactSolution before, after;
  std::string dot;
};

DifferenceMap right_first_time() {
  const std::string path = std::string(CXSIM_SOURCE_DIR) + "/scenarios/broadband/scenario.yaml";
  DifferenceMap d{load_scenario(path, ""), load_scenario(path, "right_first_time_install"), {}, {}, {}};
  d.before = solve_exact(d.baseline.model.journey, d.baseline.model.population);
  d.after = solve_exact(d.redesign.model.journey, d.redesign.model.population);
  const MapBaseline against{&d.baseline.model.journey, &d.before.figures};
  std::ostringstream dot;
  write_journey_map(dot, d.redesign.model.journey, {}, d.after.figures, &against);
  d.dot = dot.str();
  return d;
}

// The attribute list of one node's line in the DOT text.
std::string node_line(const std::string& dot, const std::string& name) {
  const std::size_t at = dot.find("    " + name + " [id=");
  if (at == std::string::npos) return "";
  return dot.substr(at, dot.find('\n', at) - at);
}

TEST(JourneyDifferenceMap, WhatTheRedesignChangedReadsWas) {
  const DifferenceMap d = right_first_time();
  const Journey& j = d.redesign.model.journey;
  const std::string install = node_line(d.dot, node(j, "install"));
  const double was = d.baseline.model.journey.touchpoint(*d.baseline.model.journey.find("install")).reliability;
  const double now = j.touchpoint(*j.find("install")).reliability;
  ASSERT_NE(was, now);
  EXPECT_NE(install.find("(was " + std::to_string(static_cast<int>(std::lround(100 * was))) + "%)"), std::string::npos)
      << install;
  // A touchpoint the redesign leaves alone says nothing of the kind.
  EXPECT_EQ(node_line(d.dot, node(j, "first_bill")).find("(was"), std::string::npos);
}

TEST(JourneyDifferenceMap, FewerLostIsGreenAndMoreLostIsNotGreen) {
  const DifferenceMap d = right_first_time();
  const Journey& j = d.redesign.model.journey;
  const auto change = [&](const char* id) {
    const auto& b = d.baseline.model.journey;
    return d.after.figures.touchpoints[*j.find(id)].defections() -
           d.before.figures.touchpoints[*b.find(id)].defections();
  };
  ASSERT_LT(change("install"), 0.0) << "a more reliable installation loses fewer customers there";
  const std::string install = node_line(d.dot, node(j, "install"));
  EXPECT_TRUE(install.find("#1a9850") != std::string::npos || install.find("#91cf60") != std::string::npos) << install;
  for (std::size_t k = 0; k < j.size(); ++k) {
    if (j.is_terminal(k) || !(change(j.touchpoint(k).id.c_str()) > 0.0)) continue;
    const std::string line = node_line(d.dot, dot_node_name(k));
    EXPECT_EQ(line.find("#1a9850"), std::string::npos) << line;
    EXPECT_EQ(line.find("#91cf60"), std::string::npos) << line;
  }
}

TEST(JourneyDifferenceMap, GraphvizLaysItOutAndTheLegendSaysWhatTheColoursMean) {
  const DifferenceMap d = right_first_time();
  bool troubled = false;
  const std::string svg = dot_to_svg(d.dot, &troubled, "nop2");
  EXPECT_FALSE(troubled);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  const MapBaseline against{&d.baseline.model.journey, &d.before.figures};
  const std::string legend = journey_difference_legend(d.redesign.model.journey, d.after.figures, against);
  EXPECT_NE(legend.find("against the baseline"), std::string::npos);
  EXPECT_NE(legend.find("(was ...)"), std::string::npos);
}

}  // namespace
}  // namespace cxsim
