// The report's journey map (io/journey_map.hpp): stages as columns in journey order, endings with
// their shares, arrows into shared endings from early columns as stubs, laid out by Graphviz
// without trouble.
#include "io/journey_map.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include "io/dot_writer.hpp"
#include "io/graphviz_svg.hpp"
#include "io/scenario.hpp"
#include "sim/exact_solver.hpp"

namespace cxsim {
namespace {

struct Map {
  LoadedScenario loaded;
  ExactSolution exact;
  std::string dot;
};

Map broadband() {
  Map m{load_scenario(std::string(CXSIM_SOURCE_DIR) + "/scenarios/broadband/scenario.yaml", ""), {}, {}};
  m.exact = solve_exact(m.loaded.model.journey, m.loaded.model.population);
  std::ostringstream dot;
  write_journey_map(dot, m.loaded.model.journey, {}, m.exact.figures);
  m.dot = dot.str();
  return m;
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
  EXPECT_NE(m.dot.find("rank=same;"), std::string::npos) << "a stage's touchpoints share a column";
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

TEST(JourneyMap, GraphvizLaysItOutWithoutTroubleAndEveryTouchpointIsDrawn) {
  const Map m = broadband();
  bool troubled = true;
  const std::string svg = dot_to_svg(m.dot, &troubled);
  EXPECT_FALSE(troubled);
  for (const Touchpoint& t : m.loaded.model.journey.touchpoints())
    EXPECT_NE(svg.find("id=\"tp&#45;" + t.id + "\""), std::string::npos) << t.id;
}

TEST(JourneyMap, TheLegendSaysWhatTheWordsMean) {
  const Map m = broadband();
  const std::string legend = journey_map_legend(m.loaded.model.journey, m.exact.figures);
  for (const char* word : {"<b>reliable</b>", "<b>relevant</b>", "<b>value</b>", "<b>trust</b>", "<b>lost</b>"})
    EXPECT_NE(legend.find(word), std::string::npos) << word;
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
  const std::string svg = dot_to_svg(d.dot, &troubled);
  EXPECT_FALSE(troubled);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  const MapBaseline against{&d.baseline.model.journey, &d.before.figures};
  const std::string legend = journey_difference_legend(d.redesign.model.journey, d.after.figures, against);
  EXPECT_NE(legend.find("against the baseline"), std::string::npos);
  EXPECT_NE(legend.find("(was ...)"), std::string::npos);
}

}  // namespace
}  // namespace cxsim
