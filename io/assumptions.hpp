#pragma once
// The uncertainty of the assumptions (probabilistic sensitivity analysis): the `assumptions` block
// puts a range on any number a designer guessed; `compare --assumptions N` draws N sets of them
// (Latin hypercube, seeded, the same draws for every arm), solves every arm exactly for each,
// and reports per redesign the spread of its defection change, value kept and net benefit, the
// probability it pays and that it is the best choice, the expected value of perfect information,
// and a tornado of one-way swings for the redesign with the highest mean net benefit.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/assumption_result.hpp"
#include "io/comparison.hpp"
#include "io/scenario.hpp"

namespace cxsim {

struct AssumptionSettings {
  std::uint64_t draws = 1000;
  std::uint64_t seed = 1;
  // Each thread re-solves every arm warm (sim/prepared_journey.hpp); false solves every draw
  // cold, which gives the same figures to rounding, slower (kept to compare the two).
  bool warm = true;
};

// Resolves every input against the scenario and the arms (InputError at the input's line for
// an unknown name, a value outside what the number may take, a range that excludes the
// scenario's own value, a variant input the variant does not patch, a transition row that
// cannot be picked or has probability 1) and runs the draws on the calling task arena's threads;
// the figures do not depend on the thread count. `variants[a]` is arm a's variant ("" for the
// baseline). UsageError without an `assumptions` block or an `economics` block.
AssumptionResult analyse_assumptions(const Scenario& scenario, const std::vector<ComparisonArm>& arms,
                                     const std::vector<std::string>& variants, const AssumptionSettings& settings);

// What `cxsim check` adds: every input of the `assumptions` block resolved against the baseline
// and every variant, each problem at its line (nothing is drawn).
void check_assumptions(const Scenario& scenario, Diagnostics& diagnostics);

// The inverse distribution function of an input: uniform, or triangular with a mode.
double assumption_quantile(const AssumptionInput& in, double u);

// `compare --assumptions [N]`: the settings from the option and the scenario's block, the
// analysis, and the comparison's ranking by mean net benefit under the assumptions.
void add_assumptions(ComparisonResult& result, const Scenario& scenario, const ComparisonInput& input,
                     const std::vector<std::string>& variants, const std::string& draws_option);

}  // namespace cxsim
