// The report's journey map (io/journey_map.hpp): stages as columns in journey order, endings with
// their shares, arrows into shared endings from early columns as stubs, laid out by Graphviz
// without trouble.
#include "io/journey_map.hpp"

#include <gtest/gtest.h>

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

std::string node(const Journey& j, const char* id) { return dot_node_name(*j.find(id)); }

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

}  // namespace
}  // namespace cxsim
