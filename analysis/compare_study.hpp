#pragma once
// A baseline against its redesigns (or whole scenario files against each other) on common
// random numbers: the typed front of compare_arms for the CLI, batch, the report and Python.
#include <memory>
#include <string>
#include <vector>

#include "analysis/walk_request.hpp"
#include "io/comparison.hpp"
#include "io/scenario.hpp"

namespace cxsim {

struct CompareRequest {
  WalkRequest walk;
  Adjustment adjust = Adjustment::holm;
};

// The comparison and the arms its reports point into.
struct ComparisonStudy {
  std::shared_ptr<const ComparisonInput> input;
  ComparisonResult result;  // its warnings include the unmet precision target
};

// The baseline of `scenario` against `variants` (every variant when empty; `a+b` stacks two).
// UsageError for an unknown or repeated name, or a scenario with no variants.
ComparisonStudy compare_variants(const Scenario& scenario, ScenarioModel baseline,
                                 const std::vector<std::string>& variants, const CompareRequest& request);

// Whole scenario files as the arms, the first as the baseline; named by their scenario names
// (by `paths[i]` where two share a name). The first file's simulation defaults apply.
ComparisonStudy compare_files(std::vector<LoadedScenario> files, const std::vector<std::string>& paths,
                              const CompareRequest& request);

// Runs a prepared comparison on the request's threads.
ComparisonStudy compare_study(std::shared_ptr<ComparisonInput> input, const CompareRequest& request,
                              const SimulationDefaults& defaults);

// `--assumptions [N]` on a comparison of `scenario`'s variants (io/assumptions.hpp): every arm
// solved exactly for N draws of the scenario's assumptions ("" draws: the block's default), on
// `threads` threads; the ranking follows the assumptions.
void add_assumptions(ComparisonStudy& study, const Scenario& scenario, const std::string& draws, std::uint64_t threads);

// A redesign of a checked scenario as an arm of a comparison.
ComparisonArm variant_arm(const Scenario& scenario, const VariantSource& variant);

// "has no variant 'X' (did you mean 'Y'?); it has: ..." for a name that matches none.
std::string no_variant_message(const Scenario& scenario, const std::string& name);

}  // namespace cxsim
