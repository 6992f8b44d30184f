#include "sim/headline_fit.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "models/limits.hpp"
#include "sim/attributes.hpp"
#include "sim/exact_solver.hpp"

namespace cxsim {

namespace {

constexpr std::array<SegmentParameter, 4> sensitivities{
    SegmentParameter::reliability_sensitivity, SegmentParameter::relevance_sensitivity,
    SegmentParameter::value_sensitivity, SegmentParameter::effort_sensitivity};

std::string percent(double x) {
  return std::to_string(x * 100.0).substr(0, 6) + "%";
}

}  // namespace

Population scaled_sensitivities(const Population& population, double k) {
  std::vector<Segment> segs(population.segments().begin(), population.segments().end());
  for (auto& s : segs)
    for (const auto p : sensitivities) parameter_of(s, p) = std::min(parameter_of(s, p) * k, limits::max_sensitivity);
  return Population(std::move(segs));
}

double largest_sensitivity_factor(const Population& population) {
  double largest = 0.0;
  for (const auto& s : population.segments())
    for (const auto p : sensitivities) largest = std::max(largest, parameter_of(s, p));
  return largest > 0.0 ? limits::max_sensitivity / largest : 0.0;
}

HeadlineFit fit_headline(const Journey& journey, const Population& population, double target) {
  HeadlineFit fit;
  const auto rate = [&](double k) {
    ++fit.solves;
    return solve_exact(journey, scaled_sensitivities(population, k)).figures.defection_rate();
  };
  const double top = largest_sensitivity_factor(population);
  if (!(top > 0.0)) throw std::domain_error("every sensitivity of every segment is 0: there is nothing to scale");
  fit.defection_rate_before = rate(1.0);
  fit.lowest = rate(0.0);
  fit.highest = rate(top);
  if (target < fit.lowest || target > fit.highest)
    throw std::domain_error("no factor gives a defection rate of " + percent(target) +
                            ": scaling every sensitivity "
                            "reaches from " +
                            percent(fit.lowest) + " (no friction at all: the journey's own routes) to " +
                            percent(fit.highest) + " (sensitivities at their limit of " +
                            std::to_string(static_cast<int>(limits::max_sensitivity)) + ")");
  if (target == fit.lowest || target == fit.highest) {  // an end of the range: no search
    fit.factor = target == fit.lowest ? 0.0 : top;
    fit.population = scaled_sensitivities(population, fit.factor);
    fit.defection_rate_after = target;
    return fit;
  }
  std::uintmax_t iterations = 200;
  const auto [lo, hi] = boost::math::tools::toms748_solve([&](double k) { return rate(k) - target; }, 0.0, top,
                                                          fit.lowest - target, fit.highest - target,
                                                          boost::math::tools::eps_tolerance<double>(40), iterations);
  fit.factor = 0.5 * (lo + hi);
  fit.population = scaled_sensitivities(population, fit.factor);
  fit.defection_rate_after = solve_exact(journey, fit.population).figures.defection_rate();
  ++fit.solves;
  return fit;
}

}  // namespace cxsim
