#pragma once
// The paired comparison itself: every arm walked by the same customers in one pass, solved
// exactly, and each redesign's figures against the baseline's (and every two redesigns') with
// paired intervals, adjusted p-values, verdicts, money and the ranking. The types it fills are
// io/comparison.hpp's, which also writes them out.
#include <string>
#include <vector>

#include "io/comparison.hpp"

namespace cxsim {

// A whole scenario file as an arm: its costs and description from its top-level `redesign` block.
ComparisonArm whole_file_arm(std::string name, const Scenario& sc, ScenarioModel model);
// Whole files as arms: the baseline's file prices every arm; a redesign file with economics of its
// own that differ is a warning, and costs with no economics in the baseline's file make every
// money figure unavailable with the reason (never silently dropped).
void whole_file_economics(ComparisonInput& in, const std::vector<const Scenario*>& files);

// Runs the comparison: every arm on the same customers in one pass, the exact solver on every
// arm, then the paired statistics (on the calling task arena's threads).
ComparisonResult compare_arms(const ComparisonInput& input);

}  // namespace cxsim
