// import-paths: the imported journey reproduces the observed paths, recovers the probabilities
// of the chain that made them, and bad rows are refused with their line.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli_support.hpp"
#include "dice.hpp"
#include "io/observed_loader.hpp"
#include "io/path_import.hpp"
#include "io/scenario.hpp"
#include "sim/exact_solver.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

using test::cxsim;
using test::Result;

// A known chain of six touchpoints for two segments: from each, forward steps, a step back, and
// the four endings, with probabilities that differ by segment. Paths are walked from it here,
// independently of cxsim's engines.
struct Chain {
  static constexpr int nodes = 6;
  // p[segment][from][to]: to < nodes is a touchpoint, nodes + e ending e
  std::array<std::array<std::array<double, nodes + 4>, nodes>, 2> p{};
  std::array<std::array<double, nodes>, 2> first{};
  std::array<double, nodes> fail{};  // chance a visit fails (with failures, the route differs)
};

Chain make_chain(test::Dice& dice) {
  Chain c;
  for (int s = 0; s < 2; ++s) {
    double sum = 0.0;
    for (int k = 0; k < 3; ++k) sum += c.first[s][k] = dice.uniform(0.2, 1.0);
    for (int k = 0; k < 3; ++k) c.first[s][k] /= sum;
    for (int k = 0; k < Chain::nodes; ++k) {
      auto& row = c.p[s][k];
      sum = 0.0;
      for (int t = k + 1; t < Chain::nodes; ++t) sum += row[t] = dice.chance(0.6) ? dice.uniform(0.2, 1.0) : 0.0;
      if (k > 0) sum += row[k - 1] = dice.uniform(0.0, 0.15);
      for (int e = 0; e < 4; ++e) sum += row[Chain::nodes + e] = dice.uniform(0.05, k + 1 == Chain::nodes ? 1.0 : 0.3);
      for (auto& x : row) x /= sum;
    }
  }
  for (auto& f : c.fail) f = dice.uniform(0.05, 0.4);
  return c;
}

int draw(test::Dice& dice, const double* p, int n) {
  double u = dice.uniform(), acc = 0.0;
  for (int i = 0; i < n; ++i)
    if (u < (acc += p[i])) return i;
  return n - 1;
}

const std::array<const char*, 4> endings{"retained", "churned", "abandoned", "defected"};

struct Observed {
  std::string csv;
  std::uint64_t customers = 0;
  std::map<std::string, std::uint64_t> visits;
  std::array<std::uint64_t, 4> ended{};
  // departures[s][from][to] and per from: how many left it
  std::array<std::array<std::array<std::uint64_t, Chain::nodes + 4>, Chain::nodes>, 2> taken{};
};

Observed walk_paths(const Chain& c, std::uint64_t customers, bool segments, test::Dice& dice) {
  Observed o;
  std::ostringstream csv;
  csv << "customer,step,touchpoint,ending" << (segments ? ",segment" : "") << "\n";
  for (std::uint64_t i = 0; i < customers; ++i) {
    const int s = segments && dice.chance(0.4) ? 1 : 0;
    int k = draw(dice, c.first[s].data(), Chain::nodes);
    for (int step = 1;; ++step) {
      const int next = draw(dice, c.p[s][k].data(), Chain::nodes + 4);
      ++o.visits["t" + std::to_string(k)];
      ++o.taken[s][k][next];
      csv << "cust" << i << ',' << step << ",t" << k << ','
          << (next >= Chain::nodes ? endings[next - Chain::nodes] : "") << (segments ? (s ? ",phone" : ",web") : "")
          << '\n';
      if (next >= Chain::nodes) {
        ++o.ended[next - Chain::nodes];
        break;
      }
      k = next;
    }
  }
  o.customers = customers;
  o.csv = csv.str();
  return o;
}

ScenarioModel import_and_load(const std::string& csv, std::uint64_t min_count, test::ScratchDir& dir) {
  const std::string paths = dir.write("paths.csv", csv);
  const Result r =
      cxsim("import-paths " + paths + " --out " + dir.path("imported") + " --min-count " + std::to_string(min_count));
  EXPECT_EQ(r.code, 0) << r.err;
  return load_scenario(dir.path("imported/scenario.yaml"), "").model;
}

TEST(ImportPaths, TheImportedJourneyReproducesTheObservedVisitsAndEndingsExactly) {
  test::Dice dice(77);
  for (const bool segments : {false, true}) {
    const Chain chain = make_chain(dice);
    const Observed o = walk_paths(chain, 3000, segments, dice);
    test::ScratchDir dir;
    const ScenarioModel m = import_and_load(o.csv, 1, dir);
    const ExactSolution x = solve_exact(m.journey, m.population);
    const double n = static_cast<double>(o.customers);
    for (const auto& [id, visits] : o.visits) {
      const auto k = m.journey.find(id);
      ASSERT_TRUE(k.has_value()) << id;
      EXPECT_NEAR(x.figures.touchpoints[*k][fig_visits] * n, static_cast<double>(visits), 1e-7) << id;
    }
    for (std::size_t e = 0; e < 4; ++e) {
      const auto k = m.journey.find(std::string("ended_") + endings[e]);
      ASSERT_TRUE(k.has_value()) << endings[e];
      EXPECT_NEAR(x.figures.touchpoints[*k][fig_visits] * n, static_cast<double>(o.ended[e]), 1e-7) << endings[e];
    }
    EXPECT_NEAR(x.figures.defection_rate() * n, static_cast<double>(o.ended[2] + o.ended[3]), 1e-7);
  }
}

TEST(ImportPaths, RecoversTheChainsProbabilitiesWithinTheirBinomialIntervals) {
  // Statistical: fixed seed 5, 40,000 paths; every estimate within 4.5 binomial standard errors.
  test::Dice dice(5);
  const Chain chain = make_chain(dice);
  const Observed o = walk_paths(chain, 40000, true, dice);
  test::ScratchDir dir;
  const ScenarioModel m = import_and_load(o.csv, 1, dir);
  int checked = 0;
  for (std::size_t s = 0; s < 2; ++s)
    for (int k = 0; k < Chain::nodes; ++k) {
      std::uint64_t left = 0;
      for (const auto n : o.taken[s][k]) left += n;
      if (left < 200) continue;
      const auto from = *m.journey.find("t" + std::to_string(k));
      std::size_t segment = 0;
      while (m.population.segment(segment).name != (s ? "phone" : "web")) ++segment;
      for (int t = 0; t < Chain::nodes + 4; ++t) {
        const double truth = chain.p[s][k][t];
        const std::string to =
            t < Chain::nodes ? "t" + std::to_string(t) : std::string("ended_") + endings[t - Chain::nodes];
        double estimate = 0.0;
        for (const auto i : m.journey.route(segment, from, Journey::after_ok))
          if (m.journey.touchpoint(m.journey.transitions()[i].to).id == to) estimate += m.journey.probability(i);
        const double se = std::sqrt(std::max(truth * (1 - truth), 1e-9) / static_cast<double>(left));
        EXPECT_LE(std::fabs(estimate - truth), 4.5 * se) << "segment " << s << " t" << k << " -> " << to;
        ++checked;
      }
    }
  EXPECT_GT(checked, 60);
}

TEST(ImportPaths, WithFailuresReliabilityIsTheObservedShareAndRoutesSplitByIt) {
  test::ScratchDir dir;
  const ScenarioModel m = import_and_load(
      "customer,step,touchpoint,ending,failed\n"
      "a,1,x,,0\na,2,y,retained,0\n"
      "b,1,x,,1\nb,2,z,defected,0\n"
      "c,1,x,,0\nc,2,y,,1\nc,3,z,abandoned,0\n",
      1, dir);
  const auto x = *m.journey.find("x");
  EXPECT_NEAR(m.journey.reliability()[x], 2.0 / 3.0, 1e-15);
  const ExactSolution e = solve_exact(m.journey, m.population);
  EXPECT_NEAR(e.figures.touchpoints[*m.journey.find("y")][fig_visits], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(e.figures.touchpoints[*m.journey.find("z")][fig_visits], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(e.figures.defection_rate(), 2.0 / 3.0, 1e-12);
}

TEST(ImportPaths, ThinSegmentRoutesFallBackToTheRouteOfAllCustomersAndSaySo) {
  test::ScratchDir dir;
  const std::string paths = dir.write("p.csv",
                                      "customer,step,touchpoint,ending,segment\n"
                                      "a,1,x,retained,web\nb,1,x,defected,web\nc,1,x,retained,phone\n");
  const Result r = cxsim("import-paths " + paths + " --out " + dir.path("o") + " --min-count 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("segment 'phone' at 'x': seen 1 times, uses the route of all customers"), std::string::npos)
      << r.out;
  std::ifstream t(dir.path("o/transitions.csv"));
  const std::string rows((std::istreambuf_iterator<char>(t)), std::istreambuf_iterator<char>());
  EXPECT_NE(rows.find("x,ended_retained,0.5,any,web"), std::string::npos) << rows;
  EXPECT_NE(rows.find("x,ended_retained,0.6666666666666666,any,\n"), std::string::npos) << rows;
}

TEST(ImportPaths, BadRowsAreRefusedWithTheirLine) {
  test::ScratchDir dir;
  const auto refuse = [&](const std::string& rows, const std::string& where, const std::string& what) {
    const std::string paths = dir.write("bad.csv", "customer,step,touchpoint,ending\n" + rows);
    const Result r = cxsim("import-paths " + paths + " --out " + dir.path("never"));
    EXPECT_EQ(r.code, 2) << rows;
    EXPECT_NE(r.err.find("bad.csv:" + where), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("never/scenario.yaml")));
  };
  refuse("a,1,x,\na,3,y,retained\n", "3:", "follows step 1");
  refuse("a,1,x,retained\na,2,y,retained\n", "2:", "an ending in the middle of the path");
  refuse("a,1,x,gone\n", "2:", "unknown ending 'gone'");
  refuse("a,1,x,\nb,1,y,retained\n", "2:", "ends here without an ending");
  refuse("a,1,x,retained\nb,1,y,retained\na,2,z,retained\n", "4:", "are not together");
  refuse("a,one,x,retained\n", "2:", "'step'");
  refuse("a,1,,retained\n", "2:", "'touchpoint': must not be empty");
  refuse("a,1,x,retained,extra\n", "2:", "more cells");
  const std::string no_ending = dir.write("cols.csv", "customer,step,touchpoint\na,1,x\n");
  const Result r = cxsim("import-paths " + no_ending + " --out " + dir.path("never"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no column 'ending'"), std::string::npos) << r.err;
}

TEST(ImportPaths, AwkwardIdsSurviveTheRoundTrip) {
  test::ScratchDir dir;
  const ScenarioModel m = import_and_load(
      "customer,step,touchpoint,ending,segment\n"
      "a,1,\"#1 hotline\",,\"B2B, large\"\na,2,\"say \"\"hi\"\"\",retained,\"B2B, large\"\n",
      1, dir);
  EXPECT_TRUE(m.journey.find("#1 hotline").has_value());
  EXPECT_TRUE(m.journey.find("say \"hi\"").has_value());
  EXPECT_EQ(m.population.segment(0).name, "B2B, large");
}

TEST(ImportPaths, AnEmptyFileIsRefusedWithAClearMessage) {
  test::ScratchDir dir;
  const Result r = cxsim("import-paths " + dir.write("zero.csv", "") + " --out " + dir.path("o"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("the file is empty"), std::string::npos) << r.err;
}

TEST(ImportPaths, AFullDiskLeavesNoHalfWrittenFolder) {
  // The transitions are larger than the 1 KiB a file may grow to here: the write fails part-way.
  test::ScratchDir dir;
  std::string rows = "customer,step,touchpoint,ending\n";
  int n = 0;
  for (int a = 0; a < 12; ++a)
    for (int b = 0; b < 12; ++b, ++n)
      rows += "c" + std::to_string(n) + ",1,page" + std::to_string(a) + ",\nc" + std::to_string(n) + ",2,page" +
              std::to_string(b) + ",retained\n";
  const std::string paths = dir.write("p.csv", rows);
  for (const std::string& out : {dir.path("new"), dir.path("existing")}) {
    if (out == dir.path("existing")) std::filesystem::create_directories(out);
    const std::string cmd = "bash -c \"trap '' XFSZ; ulimit -f 1; " + std::string(CXSIM_BINARY) + " import-paths " +
                            paths + " --out " + out + "\" >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    EXPECT_EQ(WEXITSTATUS(status), 1) << out;
    for (const char* f : {"scenario.yaml", "touchpoints.csv", "transitions.csv"})
      EXPECT_FALSE(std::filesystem::exists(out + "/" + f)) << out << "/" << f;
    for (const auto& e : std::filesystem::directory_iterator(dir.path("")))
      EXPECT_EQ(e.path().filename().string().find(".cxsim-"), std::string::npos) << e.path();
    // Nothing is in the way of the rerun.
    EXPECT_EQ(cxsim("import-paths " + paths + " --out " + out).code, 0) << out;
  }
}

TEST(ImportPaths, AnIdStartingWithAHashIsACustomerNotAComment) {
  test::ScratchDir dir;
  const std::string paths =
      dir.write("p.csv", "customer,step,touchpoint,ending\n#1,1,x,retained\n#2,1,x,abandoned\nc3,1,x,retained\n");
  const Result r = cxsim("import-paths " + paths + " --out " + dir.path("o"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 3 customers, 3 visits"), std::string::npos) << r.out;
}

TEST(ImportPaths, ChurnedCustomersAtARetainedEndingAreWarnedAboutLoudly) {
  test::ScratchDir dir;
  const std::string paths = dir.write("p.csv",
                                      "customer,step,touchpoint,ending\na,1,x,churned\nb,1,x,abandoned\n"
                                      "c,1,x,retained\nd,1,x,retained\n");
  const Result r = cxsim("import-paths " + paths + " --out " + dir.path("o"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("cxsim: warning: 1 customers (25.0%) churned silently in the paths, but the imported journey "
                       "ends them at 'ended_churned', a retained ending: its defection rate is 25.0% where the paths "
                       "show 50.0%"),
            std::string::npos)
      << r.err;
}

TEST(ImportPaths, LeftToFrictionRoutesTheCustomersWhoWentOnAndWritesTheCounts) {
  test::Dice dice(31);
  const Chain chain = make_chain(dice);
  const Observed o = walk_paths(chain, 3000, true, dice);
  test::ScratchDir dir;
  const std::string paths = dir.write("paths.csv", o.csv);
  const Result r =
      cxsim("import-paths " + paths + " --out " + dir.path("i") + " --left-to-friction --min-count 1000000");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("left to friction"), std::string::npos) << r.err;
  const ScenarioModel m = load_scenario(dir.path("i/scenario.yaml"), "").model;
  // Abandonment is the visit's own walk-away and churn ends at the retained ending: no ending
  // for either, and the routes out of a touchpoint share only the customers who went on.
  EXPECT_FALSE(m.journey.find("ended_abandoned").has_value());
  EXPECT_FALSE(m.journey.find("ended_churned").has_value());
  const std::size_t k = *m.journey.find("t2");
  std::uint64_t went_on = 0;
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t < Chain::nodes + 4; ++t) went_on += t == Chain::nodes + 2 ? 0 : o.taken[s][2][t];
  for (const auto i : m.journey.route(0, k, Journey::after_ok)) {
    const Transition& t = m.journey.transitions()[i];
    const std::string to = m.journey.touchpoint(t.to).id;
    std::uint64_t taken = 0;
    for (int s = 0; s < 2; ++s)
      for (int x = 0; x < Chain::nodes + 4; ++x) {
        const std::string name =
            x < Chain::nodes ? "t" + std::to_string(x) : std::string("ended_") + endings[x - Chain::nodes];
        if (name == to || (x == Chain::nodes + 1 && to == "ended_retained")) taken += o.taken[s][2][x];
      }
    EXPECT_NEAR(m.journey.probability(i), static_cast<double>(taken) / static_cast<double>(went_on), 1e-12) << to;
  }
  // The same paths as OBSERVED counts, in OBSERVED.yaml's words: they load against the journey.
  Diagnostics d;
  const ObservedFile counts = load_observed(dir.path("i/observed.yaml"), m.journey, m.population, d);
  ASSERT_FALSE(d.has_errors()) << (d.all().empty() ? "" : d.all().front().to_string());
  ASSERT_EQ(counts.data.groups.size(), 1u);
  const ObservedGroup& g = counts.data.groups[0];
  EXPECT_EQ(g.customers, static_cast<double>(o.customers));
  EXPECT_EQ(g.outcomes[static_cast<int>(Ending::retained)], static_cast<double>(o.ended[0]));
  EXPECT_EQ(g.outcomes[static_cast<int>(Ending::silent_churn)], static_cast<double>(o.ended[1]));
  EXPECT_EQ(g.outcomes[static_cast<int>(Ending::abandoned)], static_cast<double>(o.ended[2]));
  EXPECT_EQ(g.outcomes[static_cast<int>(Ending::routed_defection)], static_cast<double>(o.ended[3]));
  double visits = 0.0;
  for (const auto& t : g.touchpoints) visits += t.counts[weight_visits].value_or(0.0);
  double observed_visits = 0.0;
  for (const auto& [id, n] : o.visits) observed_visits += static_cast<double>(n);
  EXPECT_EQ(visits, observed_visits);
}

TEST(ImportPaths, WhereEveryoneAbandonedTheAbandonmentStaysARouteAndIsListed) {
  test::ScratchDir dir;
  const std::string paths =
      dir.write("p.csv", "customer,step,touchpoint,ending\na,1,x,\na,2,y,abandoned\nb,1,x,retained\n");
  const Result r = cxsim("import-paths " + paths + " --out " + dir.path("o") + " --left-to-friction");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("at 'y' every customer abandoned: routed to 'ended_abandoned'"), std::string::npos) << r.out;
  EXPECT_TRUE(load_scenario(dir.path("o/scenario.yaml"), "").model.journey.find("ended_abandoned").has_value());
}

TEST(ImportPaths, PathsSpeakObservedYamlsWordsToo) {
  test::ScratchDir dir;
  const std::string ours =
      dir.write("a.csv", "customer,step,touchpoint,ending\na,1,x,churned\nb,1,x,defected\nc,1,x,retained\n");
  const std::string theirs = dir.write(
      "b.csv", "customer,step,touchpoint,ending\na,1,x,silent_churn\nb,1,x,routed_defection\nc,1,x,retained\n");
  ASSERT_EQ(cxsim("import-paths " + ours + " --out " + dir.path("a")).code, 0);
  ASSERT_EQ(cxsim("import-paths " + theirs + " --out " + dir.path("b")).code, 0);
  for (const char* f : {"touchpoints.csv", "transitions.csv"}) {
    std::ifstream x(dir.path(std::string("a/") + f)), y(dir.path(std::string("b/") + f));
    std::stringstream sx, sy;
    sx << x.rdbuf();
    sy << y.rdbuf();
    EXPECT_EQ(sx.str(), sy.str()) << f;
  }
}

TEST(ImportPaths, NeverOverwritesAnEarlierImport) {
  test::ScratchDir dir;
  const std::string paths = dir.write("p.csv", "customer,step,touchpoint,ending\na,1,x,retained\n");
  ASSERT_EQ(cxsim("import-paths " + paths + " --out " + dir.path("o")).code, 0);
  const Result again = cxsim("import-paths " + paths + " --out " + dir.path("o"));
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace cxsim
