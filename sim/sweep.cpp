#include "sim/sweep.hpp"

#include <memory>

#include "sim/exact_solver.hpp"
#include "sim/prepared_journey.hpp"

namespace cxsim {

std::vector<double> sweep_values(double from, double to, std::size_t points) {
  std::vector<double> v(points);
  for (std::size_t i = 0; i < points; ++i) {
    const double t = points > 1 ? static_cast<double>(i) / static_cast<double>(points - 1) : 0.0;
    v[i] = i + 1 == points ? to : from + t * (to - from);  // the end exactly, not within rounding
  }
  return v;
}

std::vector<SweepPoint> sweep(const Journey& journey, const Population& population, const ParameterRef& number,
                              const SweepSettings& settings) {
  std::vector<SweepPoint> out;
  // Prepared at the first point that solves, re-solved warm at the others (cold where a point
  // changes the chain's pattern: a range's end at 0 or 1, usually).
  std::unique_ptr<PreparedJourney> prepared;
  for (const double value : settings.values) {
    SweepPoint p;
    p.value = value;
    with_value(journey, population, number, value, [&](const Journey& j, const Population& pop) {
      if (settings.exact) {
        try {
          if (prepared) {
            p.exact = prepared->solve(j, pop).figures;
          } else {
            prepared = std::make_unique<PreparedJourney>(j, pop);
            p.exact = prepared->prepared().figures;
          }
        } catch (const SolverError& e) {
          p.exact_error = e.what();
        }
      }
      if (settings.monte_carlo) p.monte_carlo = run_monte_carlo(j, pop, *settings.monte_carlo).tally;
      return 0;
    });
    out.push_back(std::move(p));
    if (settings.on_point) settings.on_point(out.size());
  }
  return out;
}

}  // namespace cxsim
