// Input as designers make it: tables saved by spreadsheets in other languages, the cells Excel
// leaves behind, typos in names, percentages for probabilities. Each rule with its exact message.
#include <algorithm>

#include "io/diagnostics.hpp"
#include "io/scenario.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

const char* kTouchpoints =
    "id,reliability,relevance,value,trust,recovery,outcome\n"
    "order,0.9,1,0.7,0,,\n"         // line 2
    "support,0.8,0.5,0.7,0,0.5,\n"  // line 3
    "done,1,1,1,0,,retained\n"      // line 4
    "gone,1,1,1,0,,defected\n";     // line 5

const char* kTransitions =
    "from,to,probability,when,segment\n"
    "order,done,1,ok,\n"       // line 2
    "order,support,1,fail,\n"  // line 3
    "support,done,0.6,,\n"     // line 4
    "support,gone,0.4,,\n";    // line 5

const char* kScenario =
    "name: Test\n"                          // 1
    "journey:\n"                            // 2
    "  start: order\n"                      // 3
    "  touchpoints: touchpoints.csv\n"      // 4
    "  transitions: transitions.csv\n"      // 5
    "segments:\n"                           // 6
    "  - name: planners\n"                  // 7
    "    share: 0.5\n"                      // 8
    "    value_expectation: 0.6\n"          // 9
    "    walk_away: {failed: 0.1}\n"        // 10
    "    silent_churn: 0.5\n"               // 11
    "  - name: urgent\n"                    // 12
    "    share: 0.5\n"                      // 13
    "    value_expectation: 0.6\n"          // 14
    "    walk_away: {failed: 0.2}\n"        // 15
    "    silent_churn: 0.5\n"               // 16
    "variants:\n"                           // 17
    "  - name: faster_support\n"            // 18
    "    touchpoints:\n"                    // 19
    "      support: {reliability: 0.9}\n";  // 20

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << "test setup: '" << from << "' not found";
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

class FriendlyInput : public ::testing::Test {
 protected:
  // Every diagnostic of `check`, with the scratch folder cut off: "touchpoints.csv:2:7: error: ...".
  std::vector<std::string> check(const std::string& yaml = kScenario, const std::string& touchpoints = kTouchpoints,
                                 const std::string& transitions = kTransitions) {
    const std::string path = dir_.write("scenario.yaml", yaml);
    dir_.write("touchpoints.csv", touchpoints);
    dir_.write("transitions.csv", transitions);
    const CheckedScenario c = check_scenario(path);
    std::vector<std::string> out;
    const std::string folder = dir_.path("");
    for (const auto& d : c.diagnostics.sorted()) {
      std::string s = d.to_string();
      for (auto at = s.find(folder); at != std::string::npos; at = s.find(folder)) s.erase(at, folder.size());
      out.push_back(s);
    }
    return out;
  }
  test::ScratchDir dir_;
};

using Lines = std::vector<std::string>;

TEST_F(FriendlyInput, TheExampleIsValid) {
  EXPECT_EQ(check(), Lines{});
}

TEST_F(FriendlyInput, ASemicolonTableIsNamedWithHowToSaveItAgain) {
  const std::string german =
      "# saved by Excel with German settings\n"
      "id;reliability;relevance;value;trust;recovery;outcome\n"
      "order;0,9;1;0,7;0;;\n"
      "support;0,8;0,5;0,7;0;0,5;\n"
      "done;1;1;1;0;;retained\n"
      "gone;1;1;1;0;;defected\n";
  EXPECT_EQ(check(kScenario, german),
            Lines{"touchpoints.csv:2: error: the cells of this file are separated by ';', not ',' (its header has 7 "
                  "columns split by ';'), and its numbers have decimal commas (line 3: '0,9'): that is how Excel and "
                  "LibreOffice save CSV with German or French settings. cxsim reads ',' between cells and '.' in "
                  "numbers (0.85). Save the file again with ',' as the separator and '.' as the decimal point: in "
                  "Excel untick File > Options > Advanced > 'Use system separators' and set the decimal separator "
                  "to '.', then save as 'CSV UTF-8 (Comma delimited)'; in LibreOffice use Save As, tick 'Edit "
                  "filter settings' and choose ',' as the field delimiter"});
}

TEST_F(FriendlyInput, ASemicolonTableWithDecimalPointsSaysOnlyTheSeparator) {
  const auto d = check(kScenario, kTouchpoints, "from;to;probability;when\norder;done;1;ok\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rfind("transitions.csv:1: error: the cells of this file are separated by ';', not ',' (its header "
                       "has 4 columns split by ';'): that is how Excel",
                       0),
            0u)
      << d[0];
}

TEST_F(FriendlyInput, ADecimalCommaInAQuotedCellSaysWhatToWrite) {
  EXPECT_EQ(check(kScenario, replace(kTouchpoints, "support,0.8,", "support,\"0,8\",")),
            Lines{"touchpoints.csv:3:9: error: 'reliability' is 0,8, written with a decimal comma; write 0.8 (cxsim "
                  "reads '.' as the decimal point)"});
}

TEST_F(FriendlyInput, EmptyColumnsAndRowsThatExcelAddsAreIgnored) {
  std::string t = kTouchpoints;
  t = replace(t, "outcome\n", "outcome,,\n");
  t = replace(t, "order,0.9,1,0.7,0,,\n", "order,0.9,1,0.7,0,,,,\n");
  t = replace(t, "done,1,1,1,0,,retained\n", "done,1,1,1,0,,retained,,\r\n,,,,,,,,\r\n");
  t += ",,,,,,,,\n,,,,,,,,\n";
  EXPECT_EQ(check(kScenario, t), Lines{});
  // Only empty cells are padding: a value beyond the named columns is still a ragged row.
  EXPECT_EQ(check(kScenario, replace(t, "order,0.9,1,0.7,0,,,,", "order,0.9,1,0.7,0,,,,x")),
            Lines{"touchpoints.csv:2: error: this row has more cells than the header has columns"});
}

TEST_F(FriendlyInput, AColumnWithoutANameIsSaidSo) {
  const auto d = check(kScenario, replace(kTouchpoints, "id,reliability,", "id,,reliability,"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rfind("touchpoints.csv:1: error: the header has a column without a name; name it or delete the "
                       "column (expected columns among: id, ",
                       0),
            0u)
      << d[0];
}

TEST_F(FriendlyInput, AMistypedColumnGetsTheClosest) {
  const auto d = check(kScenario, replace(kTouchpoints, "relevance", "relevence"));
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].rfind("touchpoints.csv:1: error: unknown column 'relevence' (did you mean 'relevance'?); expected "
                       "one of: id, ",
                       0),
            0u)
      << d[0];
}

TEST_F(FriendlyInput, AMissingColumnIsReportedAtTheHeaderNotAtAComment) {
  std::string table =
      "# our touchpoints\n# (from the 2024 workshop)\nid,reliability,relevance,value,recovery,outcome\n";
  for (const char* row :
       {"order,0.9,1,0.7,,\n", "support,0.8,0.5,0.7,0.5,\n", "done,1,1,1,,retained\n", "gone,1,1,1,,defected\n"})
    table += row;
  EXPECT_EQ(check(kScenario, table),
            Lines{"touchpoints.csv:3: error: the header has no column 'trust', which is required"});
  EXPECT_EQ(check(kScenario, kTouchpoints, "# arrows\nfrom,to,when\norder,done,ok\n"),
            Lines{"transitions.csv:2: error: the header has no column 'probability', which is required"});
}

TEST_F(FriendlyInput, APercentageWhereAProbabilityGoesSuggestsDividingBy100) {
  EXPECT_EQ(check(kScenario, replace(kTouchpoints, "support,0.8,", "support,85,")),
            Lines{"touchpoints.csv:3:9: error: 'reliability' is 85; expected a number in [0, 1] (if you meant 85%, "
                  "write 0.85)"});
  EXPECT_EQ(check(replace(kScenario, "walk_away: {failed: 0.2}", "walk_away: {failed: 20}")),
            Lines{"scenario.yaml:15:25: error: 'walk_away.failed' is 20; expected a number in [0, 1] (if you meant "
                  "20%, write 0.2)"});
  // Above 100 is no percentage.
  EXPECT_EQ(check(kScenario, replace(kTouchpoints, "support,0.8,", "support,850,")),
            Lines{"touchpoints.csv:3:9: error: 'reliability' is 850; expected a number in [0, 1]"});
}

TEST_F(FriendlyInput, MistypedTouchpointIdsGetTheClosestWhereverTheyAreUsed) {
  EXPECT_EQ(check(kScenario, kTouchpoints, replace(kTransitions, "order,done,1,ok", "order,donne,1,ok")),
            Lines{"transitions.csv:2:7: error: transition to unknown touchpoint 'donne' (did you mean 'done'?)"});
  EXPECT_EQ(check(kScenario, kTouchpoints, replace(kTransitions, "support,gone,0.4", "suport,gone,0.4")),
            Lines{"transitions.csv:5:1: error: transition from unknown touchpoint 'suport' (did you mean 'support'?)"});
  EXPECT_EQ(check(replace(kScenario, "start: order", "start: ordre")),
            Lines{"scenario.yaml:3:10: error: the start 'ordre' is not a touchpoint of the journey (did you mean "
                  "'order'?)"});
  EXPECT_EQ(check(replace(kScenario, "      support: {reliability: 0.9}", "      suport: {reliability: 0.9}")),
            (Lines{"scenario.yaml:20:7: error: variant 'faster_support': 'suport' is not a touchpoint of the journey "
                   "(did you mean 'support'?), so this adds it, and a new touchpoint needs the field 'relevance'",
                   "scenario.yaml:20:7: error: variant 'faster_support': 'suport' is not a touchpoint of the journey "
                   "(did you mean 'support'?), so this adds it, and a new touchpoint needs the field 'value'",
                   "scenario.yaml:20:7: error: variant 'faster_support': 'suport' is not a touchpoint of the journey "
                   "(did you mean 'support'?), so this adds it, and a new touchpoint needs the field 'trust'"}));
}

TEST_F(FriendlyInput, MistypedSegmentNamesGetTheClosestWhereverTheyAreUsed) {
  const std::string own_route =
      replace(kTransitions, "order,done,1,ok,\n", "order,done,1,ok,\norder,done,1,any,planers\n");
  EXPECT_EQ(check(kScenario, kTouchpoints, own_route),
            Lines{"transitions.csv:3:18: error: this transition is for segment 'planers', which the scenario does "
                  "not define (did you mean 'planners'?) (segments: planners, urgent)"});
  EXPECT_EQ(check(kScenario + std::string("    segments:\n      urgnt: {silent_churn: 0.3}\n")),
            Lines{"scenario.yaml:22:7: error: variant 'faster_support': patches segment 'urgnt', which the scenario "
                  "does not define (did you mean 'urgent'?)"});
}

TEST_F(FriendlyInput, AMistypedVariantGetsTheClosest) {
  const std::string path = dir_.write("scenario.yaml", kScenario);
  dir_.write("touchpoints.csv", kTouchpoints);
  dir_.write("transitions.csv", kTransitions);
  try {
    load_scenario(path, "faster_suport");
    FAIL() << "a variant that does not exist was loaded";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "scenario '" + path +
                                         "' has no variant 'faster_suport' (did you mean 'faster_support'?); it has: "
                                         "baseline, faster_support");
  }
}

TEST_F(FriendlyInput, ADuplicatedTouchpointIdIsOneError) {
  // The usual way to get one: a row's id overwritten by its neighbour's. Every transition of the
  // lost id would otherwise be reported as unknown.
  EXPECT_EQ(check(kScenario, replace(kTouchpoints, "support,0.8", "order,0.8")),
            Lines{"touchpoints.csv:3:1: error: duplicate touchpoint id 'order' (first defined at touchpoints.csv:2:1); "
                  "the journey also uses 'support', which no row defines: is this row 'support'?"});
  EXPECT_EQ(
      check(kScenario, kTouchpoints + std::string("support,0.7,0.5,0.7,0,,\n")),
      Lines{"touchpoints.csv:6:1: error: duplicate touchpoint id 'support' (first defined at touchpoints.csv:3:1)"});
}

TEST_F(FriendlyInput, AJourneyNobodyCanFinishWellIsAnError) {
  const std::string t = replace(kTouchpoints, "done,1,1,1,0,,retained", "done,1,1,1,0,,defected");
  EXPECT_EQ(check(kScenario, t),
            Lines{"touchpoints.csv:2:1: error: no customer can reach a retained ending from the start 'order': every "
                  "ending they can reach is 'defected', so every one of them would count as lost; give the ending "
                  "where the journey goes well the outcome 'retained'"});
}

}  // namespace
}  // namespace cxsim
