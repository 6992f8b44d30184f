#include "analysis/compare_study.hpp"

#include <set>

#include "analysis/compare_arms.hpp"
#include "analysis/threads.hpp"
#include "io/assumptions.hpp"
#include "io/diagnostics.hpp"
#include "io/names.hpp"
#include "io/number.hpp"

namespace cxsim {

namespace {}  // namespace

std::string no_variant_message(const Scenario& sc, const std::string& name) {
  std::vector<std::string> known;
  for (const auto& x : sc.variants) known.push_back(x.name);
  const auto best = closest_name(name, known);
  return "has no variant '" + name + "'" + (best ? " (did you mean '" + *best + "'?)" : "") +
         "; it has: " + (known.empty() ? "none" : name_list(known));
}

ComparisonArm variant_arm(const Scenario& sc, const VariantSource& v) {
  return ComparisonArm{v.name, sc.name, checked_model(sc, &v), v.cost_per_year, v.one_off_cost, v.description};
}

ComparisonStudy compare_study(std::shared_ptr<ComparisonInput> input, const CompareRequest& request,
                              const SimulationDefaults& defaults) {
  check_walk_request(request.walk);
  input->adjust = request.adjust;
  input->settings.walk = walk_settings(request.walk, defaults);
  input->settings.customers = customers_of(request.walk, defaults);
  if (request.walk.precision) {
    input->settings.precision = *request.walk.precision;
    input->settings.on_estimate = request.walk.on_estimate;
  }
  ComparisonStudy study{input, with_threads(
                                   request.walk.threads,
                                   [&](int n) {
                                     ComparisonResult r = compare_arms(*input);
                                     r.threads = n;
                                     return r;
                                   },
                                   request.walk.cancel)};
  if (request.walk.precision && !study.result.precision_reached)
    study.result.warnings.push_back("the precision target " + shortest_text(*request.walk.precision) +
                                    " was not reached within " + std::to_string(input->settings.customers) +
                                    " customers");
  return study;
}

ComparisonStudy compare_variants(const Scenario& sc, ScenarioModel baseline, const std::vector<std::string>& variants,
                                 const CompareRequest& request) {
  auto in = std::make_shared<ComparisonInput>();
  in->arms.push_back(ComparisonArm{"baseline", sc.name, std::move(baseline), std::nullopt, std::nullopt});
  std::vector<std::string> wanted = variants;
  if (wanted.empty())
    for (const auto& v : sc.variants) wanted.push_back(v.name);
  if (wanted.empty())
    throw UsageError("scenario '" + sc.path +
                     "' has no variants to compare; add variants to it, or compare whole scenario files");
  std::set<std::string> seen;
  for (const auto& name : wanted) {
    const VariantSource* v = sc.variant(name);
    if (!v) throw UsageError("scenario '" + sc.path + "' " + no_variant_message(sc, name));
    if (!seen.insert(name).second) throw UsageError("--variant '" + name + "' is named twice");
    in->arms.push_back(variant_arm(sc, *v));
  }
  in->economics = sc.economics;
  return compare_study(std::move(in), request, sc.simulation);
}

ComparisonStudy compare_files(std::vector<LoadedScenario> files, const std::vector<std::string>& paths,
                              const CompareRequest& request) {
  if (files.empty()) throw UsageError("compare needs a scenario file");
  auto in = std::make_shared<ComparisonInput>();
  const SimulationDefaults defaults = files.front().scenario.simulation;
  std::set<std::string> names;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::string name = files[i].scenario.name;
    if (!names.insert(name).second) name = paths[i];
    in->arms.push_back(whole_file_arm(name, files[i].scenario, std::move(files[i].model)));
  }
  // The baseline's file prices every arm; money that cannot be computed is said, not dropped.
  std::vector<const Scenario*> scenarios;
  for (const auto& f : files) scenarios.push_back(&f.scenario);
  whole_file_economics(*in, scenarios);
  return compare_study(std::move(in), request, defaults);
}

void add_assumptions(ComparisonStudy& study, const Scenario& scenario, const std::string& draws,
                     std::uint64_t threads) {
  std::vector<std::string> variants{""};
  for (std::size_t a = 1; a < study.input->arms.size(); ++a) variants.push_back(study.input->arms[a].name);
  with_threads(threads, [&](int) {
    add_assumptions(study.result, scenario, *study.input, variants, draws);
    return 0;
  });
}

}  // namespace cxsim
