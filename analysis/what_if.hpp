#pragma once
// A what-if without editing files: numbers of a scenario changed by name, giving a new scenario
// that every study (run, exact, compare, ...) takes like any other. The changes apply to the
// baseline as written; a redesign that patches the same number keeps its own value.
//
// Names, as `calibrate --fit` and `sensitivity` name numbers:
//   TOUCHPOINT.ATTRIBUTE     reliability, relevance, value, trust, recovery, effort_minutes, cost
//   segment:NAME.PARAMETER   share (the other segments' shares rescaled so they still sum to 1),
//                            value_expectation, silent_churn, heterogeneity,
//                            sensitivity.reliability|relevance|value|effort,
//                            walk_away.failed|repeated|value_gap|effort_hour (odds, turned into
//                            the sensitivity exactly as the scenario file does)
//   economics.FIELD          customers_per_year, value_per_customer, discount_rate
#include <string>
#include <utility>
#include <vector>

#include "io/scenario.hpp"

namespace cxsim {

using NamedChange = std::pair<std::string, double>;

// `scenario` with the changes applied in order, checked again as a whole (InputError if a
// redesign no longer builds). UsageError, with the closest name, for a name that matches
// nothing, and for a value outside the number's range.
Scenario with_changes(const Scenario& scenario, const std::vector<NamedChange>& changes);

// The changes as a redesign of their own, named `name`: `base`'s patches (nullptr: the baseline,
// no patches) with the changes on top, so they apply to what `base` runs, and a number `base`
// patches takes the new value. The studio solves it and saves it as a new variant. Besides the
// names above (but not economics.*, the same for every redesign), a transition row:
//   transition:FROM->TO      qualified by " when=ok|fail|any" and " segment=NAME" when several
//                            rows go from FROM to TO
// takes the new probability, and the other rows of its set are rescaled so it still sums to 1
// (shared out evenly when they were all 0): the redesign replaces FROM's transitions.
// UsageError, with the closest name, as with_changes.
VariantSource edited_variant(const Scenario& scenario, const VariantSource* base,
                             const std::vector<NamedChange>& changes, const std::string& name);

// The model of `edited` (InputError if it does not build), reported as variant `label`.
ScenarioModel edited_model(const Scenario& scenario, const VariantSource& edited, const std::string& label);

}  // namespace cxsim
