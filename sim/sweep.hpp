#pragma once
// A response curve: the defection rate as one number of the scenario moves over a range, exactly
// at every point (one solve each) and, on request, estimated by Monte Carlo with the same seed
// at every point (common random numbers: the curve's wiggles are the model's, not the noise's).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/attributes.hpp"
#include "sim/figures.hpp"
#include "sim/monte_carlo.hpp"

namespace cxsim {

struct SweepPoint {
  double value = 0.0;
  std::optional<Figures> exact;
  std::optional<std::string> exact_error;  // the solver's message where it could not solve
  std::optional<Tally> monte_carlo;
};

struct SweepSettings {
  std::vector<double> values;
  bool exact = true;
  std::optional<MonteCarloSettings> monte_carlo;
  std::function<void(std::size_t done)> on_point;  // after each point
};

// Evenly spaced values from `from` to `to`, both included (points >= 2).
std::vector<double> sweep_values(double from, double to, std::size_t points);

std::vector<SweepPoint> sweep(const Journey& journey, const Population& population, const ParameterRef& number,
                              const SweepSettings& settings);

}  // namespace cxsim
