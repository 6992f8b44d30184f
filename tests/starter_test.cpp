// The designer's way in: `cxsim new` and its templates, and the first journey in the README,
// each of which must check, run and give figures a designer would believe.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.hpp"
#include "io/starter_templates.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using test::cxsim;
using test::Result;

std::vector<std::string> folder_listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(StarterTemplates, EveryTemplateIsCompiledInWithItsThreeFiles) {
  EXPECT_EQ(starter_template_names(), (std::vector<std::string>{"service-order", "subscription", "support-case"}));
  EXPECT_EQ(starter_files().size(), 9u);
  for (const auto& f : starter_files()) EXPECT_FALSE(f.text.empty()) << f.template_name << "/" << f.file_name;
}

// Each template passes check with no warning, and its exact defection rate is believable: above
// 5% (a journey that loses nobody teaches a designer nothing about where customers go) and below
// 80% (a starter that loses most customers reads as broken, and would be tuned blindly, which is
// what the templates are there to spare). A template that drifts outside says its numbers no
// longer tell a plausible story.
TEST(StarterTemplates, EachChecksRunsAndLosesABelievableShare) {
  for (const auto& name : starter_template_names()) {
    test::ScratchDir dir;
    const std::string folder = dir.path("journey");
    const Result made = cxsim("new " + folder + " --template " + name);
    ASSERT_EQ(made.code, 0) << name << "\n" << made.err;
    EXPECT_EQ(folder_listing(folder),
              (std::vector<std::string>{"scenario.yaml", "touchpoints.csv", "transitions.csv"}));
    const std::string yaml = folder + "/scenario.yaml";

    const Result check = cxsim("check " + yaml);
    EXPECT_EQ(check.code, 0) << name << "\n" << check.out;
    EXPECT_NE(check.out.find("valid"), std::string::npos) << check.out;
    EXPECT_NE(check.out.find(", 0 warnings"), std::string::npos) << name << "\n" << check.out;
    EXPECT_NE(check.out.find("walk_away.failed"), std::string::npos) << "the templates speak walk-away odds";

    const Result exact = cxsim("exact " + yaml + " --format json");
    ASSERT_EQ(exact.code, 0) << name << "\n" << exact.err;
    const double rate = nlohmann::json::parse(exact.out)["defection_rate"].get<double>();
    EXPECT_GT(rate, 0.05) << name;
    EXPECT_LT(rate, 0.80) << name;

    const Result run = cxsim("run " + yaml + " --customers 20000 --threads 2 --format json");
    ASSERT_EQ(run.code, 0) << name << "\n" << run.err;
    EXPECT_EQ(nlohmann::json::parse(run.out)["customers"].get<double>(), 20000);
  }
}

TEST(StarterTemplates, EachExampleRedesignKeepsCustomers) {
  for (const auto& name : starter_template_names()) {
    test::ScratchDir dir;
    const std::string folder = dir.path("j");
    ASSERT_EQ(cxsim("new " + folder + " --template " + name).code, 0);
    const std::string yaml = folder + "/scenario.yaml";
    // `check` lists each variant as "  variant NAME: description".
    const std::string check = cxsim("check " + yaml).out;
    const auto at = check.find("\n  variant ");
    ASSERT_NE(at, std::string::npos) << check;
    const auto from = at + std::string("\n  variant ").size();
    const std::string variant = check.substr(from, check.find(':', from) - from);
    const double base = nlohmann::json::parse(cxsim("exact " + yaml + " --format json").out)["defection_rate"];
    const double redesign =
        nlohmann::json::parse(cxsim("exact " + yaml + " --format json --variant " + variant).out)["defection_rate"];
    EXPECT_LT(redesign, base) << name << " " << variant;
  }
}

TEST(StarterTemplates, TheDefaultIsAServiceOrderAndTheNextCommandsArePrinted) {
  test::ScratchDir dir;
  const std::string folder = dir.path("my journey");
  const Result r = cxsim("new '" + folder + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(folder + "/scenario.yaml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("name: Home service order"), std::string::npos);
  const std::string quoted = "'" + folder + "/scenario.yaml'";
  EXPECT_NE(r.out.find("wrote a service-order journey into " + folder), std::string::npos) << r.out;
  for (const std::string cmd : {"cxsim check ", "cxsim run ", "cxsim compare ", "cxsim report "})
    EXPECT_NE(r.out.find(cmd + quoted), std::string::npos) << cmd << "\n" << r.out;
}

TEST(StarterTemplates, AnEmptyFolderIsFilled) {
  test::ScratchDir dir;
  const std::string folder = dir.path("empty");
  fs::create_directory(folder);
  const Result r = cxsim("new " + folder + " --template support-case");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(folder_listing(folder).size(), 3u);
}

TEST(StarterTemplates, AFolderWithAnythingInItIsRefusedAndNothingIsWritten) {
  test::ScratchDir dir;
  const std::string folder = dir.path("mine");
  const std::string kept = dir.write("mine/notes.txt", "my notes\n");
  const Result r = cxsim("new " + folder);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "cxsim: error: '" + folder +
                       "' already exists and is not empty; name a new folder so nothing is "
                       "overwritten\n");
  EXPECT_EQ(folder_listing(folder), std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(folder_listing(dir.path("")), std::vector<std::string>{"mine"}) << "no staging folder is left behind";

  const std::string file = dir.write("a-file", "x");
  const Result f = cxsim("new " + file);
  EXPECT_EQ(f.code, 2);
  EXPECT_NE(f.err.find("exists and is not a folder"), std::string::npos) << f.err;
}

TEST(StarterTemplates, AMistypedTemplateIsNamedWithTheClosest) {
  test::ScratchDir dir;
  const Result r = cxsim("new " + dir.path("j") + " --template subscripton");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "cxsim: error: unknown template 'subscripton' (did you mean 'subscription'?); templates: "
            "service-order, subscription, support-case\n");
  EXPECT_FALSE(fs::exists(dir.path("j")));
}

// The README's "Your first journey" is copied by hand into files by new users: it must check.
TEST(ReadmeFirstJourney, TheInlineScenarioPassesCheck) {
  std::ifstream in(std::string(CXSIM_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto begin = readme.find("\n## Your first journey\n");
  ASSERT_NE(begin, std::string::npos);
  const auto end = readme.find("\n## ", begin + 1);
  const std::string section = readme.substr(begin, end - begin);
  // The fenced blocks, in order: the YAML file, then the touchpoints and the transitions.
  std::vector<std::string> yaml, csv;
  for (auto open = section.find("\n```"); open != std::string::npos; open = section.find("\n```", open + 1)) {
    const auto info_end = section.find('\n', open + 1);
    const std::string info = section.substr(open + 4, info_end - open - 4);
    const auto close = section.find("\n```", info_end);
    ASSERT_NE(close, std::string::npos) << "an unclosed block";
    if (info == "yaml" || info == "csv")
      (info == "yaml" ? yaml : csv).push_back(section.substr(info_end + 1, close - info_end));
    open = close + 1;
  }
  ASSERT_EQ(yaml.size(), 1u);
  ASSERT_EQ(csv.size(), 2u);
  test::ScratchDir dir;
  const std::string scenario = dir.write("first/scenario.yaml", yaml[0]);
  dir.write("first/touchpoints.csv", csv[0]);
  dir.write("first/transitions.csv", csv[1]);
  const Result r = cxsim("check " + scenario);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(", 5 touchpoints,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", 0 warnings"), std::string::npos) << r.out;
  const Result exact = cxsim("exact " + scenario + " --format json");
  ASSERT_EQ(exact.code, 0) << exact.err;
  const double rate = nlohmann::json::parse(exact.out)["defection_rate"].get<double>();
  EXPECT_GT(rate, 0.05);
  EXPECT_LT(rate, 0.80);
}

}  // namespace
}  // namespace cxsim
