#pragma once
// `cxsim compare`: a baseline against its redesigns on common random numbers, with paired
// intervals, p-values adjusted for the number of redesigns, the exact difference beside every
// estimate, and (with an `economics` block) what each redesign is worth.
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/assumption_result.hpp"
#include "io/report.hpp"
#include "io/scenario.hpp"
#include "sim/exact_solver.hpp"
#include "sim/paired_comparison.hpp"
#include "sim/statistics.hpp"

namespace cxsim {

// One arm as the user named it: arm 0 is the baseline.
struct ComparisonArm {
  std::string name;      // "baseline", a variant's name, or a scenario file's name
  std::string scenario;  // the scenario's name
  ScenarioModel model;
  std::optional<double> cost_per_year;
  std::optional<double> one_off_cost = std::nullopt;
  std::string description = {};
};

struct ComparisonInput {
  std::vector<ComparisonArm> arms;
  std::optional<Economics> economics;
  PairedSettings settings;
  Adjustment adjust = Adjustment::holm;
  // Why there is no money although some was asked for (a whole-file arm with costs but no
  // `economics` in the baseline's file): reported as null with this reason, and warned.
  std::string money_unavailable = {};
  std::vector<std::string> notes = {};  // warnings from putting the arms together
};

// A difference (variant minus baseline) of one share, estimated on paired customers.
struct DifferenceFigure {
  double difference = 0.0;
  double standard_error = 0.0;
  Interval ci95;
  double p_value = 1.0;
  Discordant discordant;
  std::optional<double> exact;  // the exact difference, where the exact solver could give it
  double z_vs_exact = 0.0;      // (difference - exact) / standard error (with a floor of 1/n)
  bool flagged() const { return exact && !(std::fabs(z_vs_exact) <= 5.0); }
};

// What a redesign is worth per year (economics block).
struct RedesignValue {
  double defections_avoided = 0.0;
  Interval defections_avoided_ci95;
  double value_kept = 0.0;
  Interval value_kept_ci95;
  double cost = 0.0;
  double net_benefit = 0.0;
  Interval net_benefit_ci95;                // simulation noise only: the paired interval of the defection change
  std::optional<double> net_benefit_exact;  // from the exact difference
  // "pays" / "does not pay" / "cannot tell at this precision": from net_benefit_ci95 alone, so the
  // verdict and the interval shown beside it never disagree.
  std::string verdict;
  // With a horizon: -one_off_cost + sum over y < H of net benefit / (1 + r)^y.
  double one_off_cost = 0.0;
  std::optional<double> npv, npv_exact;
  Interval npv_ci95;
  // Value kept from where customers leave (value_by_stage), exact.
  std::optional<double> value_kept_exact = std::nullopt;
  // Cost to serve of the redesign minus the baseline's, per customer x customers_per_year (a
  // saving is negative); nullopt when not included, with the reason.
  std::optional<double> cost_to_serve_change = std::nullopt;
  Interval cost_to_serve_change_ci95 = {};
  std::optional<double> cost_to_serve_change_exact = std::nullopt;
  std::string cost_to_serve_missing = {};
  // The terms of net_benefit: value_kept_per_year, cost_to_serve_change_per_year (when included),
  // cost_per_year.
  std::vector<std::string> terms = {};
};

// One redesign against another (a minus b), on the same customers.
struct PairComparison {
  std::string a, b;
  DifferenceFigure defection;  // difference in defection rate
  double p_adjusted = 1.0;     // over all pairs
  // With economics: net benefit per year of a minus b.
  std::optional<double> net_benefit_difference = std::nullopt;
  Interval net_benefit_difference_ci95 = {};
  std::optional<double> net_benefit_difference_exact = std::nullopt;
};

// The words every money figure is stated in: "per year", and with a horizon the NPV's basis.
std::string money_basis(const Economics& e);

// The verdicts every command gives: money by its 95% interval ("pays" only when the whole interval
// is above zero), defections by the adjusted p-value at 5% ("better", "worse", "not
// distinguishable"). `cxsim report --batch` applies them to a results file's figures.
std::string money_verdict(const Interval& ci);
std::string defection_verdict(double p_adjusted, double difference);

// Sum over y = 0..H-1 of 1 / (1 + r)^y: what a yearly amount is worth today over the horizon.
double annuity_factor(std::uint64_t horizon_years, double discount_rate);

struct VariantComparison {
  std::string name;
  DifferenceFigure defection;
  double p_adjusted = 1.0;
  double unpaired_standard_error = 0.0;  // what two independent runs would give
  std::array<DifferenceFigure, ending_count> outcomes;
  struct Segment {
    std::string name;
    std::uint64_t customers = 0;  // customers of the segment in the baseline
    DifferenceFigure difference;  // in the defection rate of those customers
  };
  std::vector<Segment> segments;
  struct Touchpoint {
    std::string id;
    DifferenceFigure difference;  // in defections blamed there, per customer
  };
  std::vector<Touchpoint> touchpoints;
  std::optional<RedesignValue> value;
  std::string verdict;  // "better", "worse" or "not distinguishable"
};

struct ComparisonResult {
  std::string scenario;
  std::vector<std::string> arm_names;
  std::vector<Report> reports;  // the run of every arm (baseline first)
  std::vector<std::optional<ExactSolution>> exact;
  std::vector<std::string> warnings;
  std::vector<VariantComparison> variants;  // in the order given
  std::vector<std::size_t> ranking;         // indices into variants, best first
  std::optional<Economics> economics;
  std::string money_unavailable;
  std::vector<std::string> descriptions;        // by arm
  std::vector<PairComparison> pairs;            // every two redesigns, in the order given
  std::optional<AssumptionResult> assumptions;  // with `--assumptions`
  Adjustment adjust = Adjustment::holm;
  std::uint64_t customers = 0, seed = 0;
  std::optional<double> precision_target;
  bool precision_reached = false;
  double half_width = 0.0;
  int threads = 1;
  double elapsed_seconds = 0.0;
};

nlohmann::ordered_json to_json(const ComparisonResult& r);
std::string format_comparison(const ComparisonResult& r, Format f);

}  // namespace cxsim
