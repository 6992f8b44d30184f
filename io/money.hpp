#pragma once
// What customers are worth where they leave, and what their visits cost: the per-touchpoint
// tables the paired walk tallies money with, and the same figures from exact figures.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/scenario.hpp"
#include "sim/figures.hpp"
#include "sim/paired_comparison.hpp"
#include "sim/statistics.hpp"

namespace cxsim {

// The value lost when a customer leaves the journey at touchpoint t: `value_by_stage` of its
// stage where given, else `value_per_customer`.
double exit_value(const Touchpoint& t, const Economics& e);

// Whether money is tallied customer by customer: values by stage, or a cost on some touchpoint
// of some arm (otherwise every money figure follows from the defection counts alone).
bool money_per_customer(const std::vector<const Journey*>& journeys, const Economics& e);

// The common unit of the per-customer money tallies: the largest value or visit cost (1 if none).
double money_scale(const std::vector<const Journey*>& journeys, const Economics& e);

// An arm's tables, in units of `scale`.
ArmMoney arm_money(const Journey& j, const Economics& e, double scale);

// Exact value lost per customer: sum over touchpoints of the share leaving there x its exit value.
double expected_loss(const Figures& f, const Journey& j, const Economics& e);

// Exact shares leaving the journey in each stage, in the order the stages first appear
// (touchpoints without a stage under "").
std::vector<std::pair<std::string, double>> leaving_by_stage(const Figures& f, const Journey& j);

// The mean of per-customer differences from their sum and sum of squares, times `scale`, with the
// normal 95% interval (sample variance, as paired_difference).
struct MeanEstimate {
  double mean = 0.0, standard_error = 0.0;
  Interval ci95;
};
MeanEstimate mean_estimate(double sum, double sum_sq, std::uint64_t n, double scale);

}  // namespace cxsim
