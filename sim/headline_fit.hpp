#pragma once
// Fit to a known headline: a designer who knows "about 30% of referred patients go elsewhere" has
// a journey whose sensitivities are guesses. One factor k scales every sensitivity of every
// segment (a, b, c and d; not the value expectations, silent churn or heterogeneity) so that the
// exact defection rate meets the known figure: the relative sizes the designer chose stay, the
// overall level comes from the data.
//
// The defection rate only grows with k (every retained path's weight is a product of
// exp(-k Δ) and exp(-λ k L) terms), so the root is unique and found by bracketing.
#include <cstddef>
#include <stdexcept>

#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim {

struct HeadlineFit {
  double factor = 1.0;
  double defection_rate_before = 0.0, defection_rate_after = 0.0;
  double lowest = 0.0, highest = 0.0;  // what any factor can reach (k = 0 and the largest allowed)
  int solves = 0;                      // exact solves the search took
  Population population;               // every sensitivity times the factor
};

// Every sensitivity of every segment times k.
Population scaled_sensitivities(const Population& population, double k);

// The largest factor that keeps every sensitivity within limits::max_sensitivity.
double largest_sensitivity_factor(const Population& population);

// Throws std::domain_error (saying which rates can be reached) when no factor gives `target`,
// or when the segments feel no friction at all (nothing to scale).
HeadlineFit fit_headline(const Journey& journey, const Population& population, double target);

}  // namespace cxsim
