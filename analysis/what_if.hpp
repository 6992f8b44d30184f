#pragma once
// A what-if without editing files: numbers of a scenario changed by name, giving a new scenario
// that every study (run, exact, compare, ...) takes like any other. The changes apply to the
// baseline as written; a redesign that patches the same number keeps its own value.
//
// Names, as `calibrate --fit` and `sensitivity` name numbers:
//   TOUCHPOINT.ATTRIBUTE     reliability, relevance, value, trust, recovery, effort_minutes, cost
//   segment:NAME.PARAMETER   value_expectation, silent_churn, heterogeneity,
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

}  // namespace cxsim
