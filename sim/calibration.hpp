#pragma once
// Calibration: the touchpoint attributes and segment parameters that make observed counts most
// likely. The exact solver gives every expected count without sampling noise, so the likelihood
// is exact, and the adjoint method (sim/exact_gradient.hpp) gives its gradient from one extra
// solve. See docs/calibration.md.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/attributes.hpp"
#include "sim/exact_solver.hpp"
#include "sim/figure_weights.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim {

// Counts observed at one touchpoint, by WeightedFigure (visits, failures, repeats, abandoned);
// nullopt: not observed.
struct ObservedTouchpoint {
  std::size_t touchpoint = 0;
  std::array<std::optional<double>, weighted_figure_count> counts;
};

// What was observed of one group of customers: all of them, one segment, or the segments no
// group of their own covers. Counts are whole numbers; every present one enters the likelihood.
struct ObservedGroup {
  std::string name;                   // for the fit table: "" (all customers) or a segment's name
  std::vector<std::size_t> segments;  // the segments whose customers these are
  double customers = 0.0;
  std::array<std::optional<double>, ending_count> outcomes;  // by Ending; `unfinished` unused
  std::vector<ObservedTouchpoint> touchpoints;
};

struct ObservedData {
  std::string source;  // the file, for messages
  std::vector<ObservedGroup> groups;
};

// One number to fit, with the name the user gave it (e.g. "install.reliability",
// "segment:switchers.sensitivity.value").
struct FitParameter {
  ParameterRef ref;
  std::string name;
};

// Observed against expected for one count.
struct FitRow {
  std::string measure;  // e.g. "outcomes.abandoned", "install.failures", "segment:web.outcomes.retained"
  double observed = 0.0, expected = 0.0;
  std::optional<double> pearson_residual;  // none where the expected variance is 0
  // Expected exactly 0 (or all) and observed so: a structural zero, which says nothing about the
  // fit and is left out of the likelihood, the deviance and the degrees of freedom.
  bool structural = false;
};

struct GoodnessOfFit {
  double log_likelihood = 0.0;  // with every constant, so it compares across tools
  double deviance = 0.0;        // 2 (saturated - fitted log-likelihood)
  std::vector<FitRow> rows;
  // The deviance against a chi-squared distribution: counts that carry information (structural
  // zeros dropped) less the parameters fitted to them; none when there are no more counts
  // than parameters.
  std::size_t informative_counts() const;
  std::optional<double> degrees_of_freedom, p_value;
};

// A fit worse than this is not written as fitted: the deviance over its degrees of freedom above
// `poor_fit_ratio` while p < `poor_fit_p`. Between, a warning. (docs/calibration.md)
inline constexpr double poor_fit_p = 0.001;
inline constexpr double poor_fit_ratio = 10.0;
// Sets `degrees_of_freedom` and `p_value` of `g` for `fitted` parameters.
void test_goodness_of_fit(GoodnessOfFit& g, std::size_t fitted);

struct FittedParameter {
  FitParameter parameter;
  double start = 0.0, fitted = 0.0;  // start: the scenario's value
  double lower = 0.0, upper = 1.0;   // the range it was fitted in
  // From the observed information; none at a bound of the range, or where the data cannot
  // tell the parameter apart from others.
  std::optional<double> se;
  std::optional<std::array<double, 2>> ci95;  // fitted +- 1.96 se, clipped to the range
  bool at_bound = false;
};

struct StartRun {
  std::vector<double> from;
  double log_likelihood = 0.0;  // where it ended
  int evaluations = 0;
  std::string status;  // NLopt's reason for stopping, or the solver's error
};

struct CalibrationSettings {
  int starts = 4;             // the scenario's values, then random starts around them
  std::uint64_t seed = 1;     // for the random starts
  int max_evaluations = 400;  // per start
  // Told, as one line of text, how long the fit will take and how far it has got (the command
  // prints it on stderr); empty: nothing is told.
  std::function<void(const std::string&)> progress;
};

struct CalibrationResult {
  std::vector<FittedParameter> parameters;
  GoodnessOfFit fit;
  std::optional<GoodnessOfFit> holdout;
  std::vector<std::string> warnings;
  std::vector<StartRun> starts;
  double defection_rate_start = 0.0, defection_rate_fitted = 0.0;
  // The best point is the starting point it came from: no evaluation improved on it, so the
  // values are starting values, not fitted ones.
  bool unmoved = false;
  Journey journey;  // with the fitted values
  Population population;
};

// The journey and population with the numbers `refs` set to `values`.
std::pair<Journey, Population> with_values(const Journey& journey, const Population& population,
                                           const std::vector<ParameterRef>& refs, const std::vector<double>& values);

// The log-likelihood of `data` under the expected figures `at` of the journey, and its derivatives
// with respect to each segment's expected figures per customer (`weights`, when asked for).
struct Likelihood {
  GoodnessOfFit fit;
  std::vector<FigureWeights> weights;
};
Likelihood log_likelihood(const Journey& journey, const Population& population, const ExactSolution& at,
                          const ObservedData& data, bool with_weights);

// Maximum likelihood by NLopt's bounded L-BFGS from `settings.starts` starting points. Throws
// std::invalid_argument when a parameter cannot be fitted (say which and why).
CalibrationResult calibrate(const Journey& journey, const Population& population,
                            const std::vector<FitParameter>& parameters, const ObservedData& data,
                            const ObservedData* holdout, const CalibrationSettings& settings);

}  // namespace cxsim
