#pragma once
// What to fix first: the exact derivative of the defection rate with respect to every touchpoint
// attribute and segment parameter (sim/exact_gradient.hpp), and for the most promising of them
// the exact effect of an improvement of a given size and of making the attribute perfect, by
// solving the changed journey again. See docs/model.md, "What to fix first".
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/attributes.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim {

struct SensitivityParameter : ParameterRef {
  double current = 0.0;
  std::optional<double> derivative;  // d(defection rate) / d(this number); none where undefined
  double improved = 0.0;             // one step in the better direction, within the range
  double perfect = 0.0;              // the best end of the range
  // The first-order estimate of the step's effect: derivative x (improved - current).
  double predicted_step = 0.0;
  // Exact changes of the defection rate (changed minus current; negative = fewer defections), for
  // the top candidates only.
  std::optional<double> delta_step, delta_perfect;
  std::optional<std::string> error;  // why a re-solve failed, if it did
};

struct SensitivitySettings {
  double step = 0.05;
  std::size_t top = 20;
};

struct SensitivityResult {
  double defection_rate = 0.0;
  double step = 0.05;
  std::size_t top = 20;
  // The top touchpoint attributes by exact step effect (fewest defections first), the other
  // touchpoint attributes by first-order estimate (those that cannot improve or have no
  // derivative last), then the segment parameters by first-order estimate.
  std::vector<SensitivityParameter> parameters;
  double residual = 0.0;
};

// Throws SolverError when the journey cannot be solved or differentiated.
SensitivityResult analyse_sensitivity(const Journey& journey, const Population& population,
                                      const SensitivitySettings& settings);

// The exact defection rate with one parameter set to `value`.
double defection_rate_with(const Journey& journey, const Population& population, const ParameterRef& p, double value);

}  // namespace cxsim
