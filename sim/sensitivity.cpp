#include "sim/sensitivity.hpp"

#include <algorithm>
#include <cmath>

#include "sim/exact_gradient.hpp"
#include "sim/exact_solver.hpp"
#include "sim/parallel.hpp"
#include "sim/prepared_journey.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <memory>

namespace cxsim {

double defection_rate_with(const Journey& journey, const Population& population, const ParameterRef& p, double value) {
  return with_value(journey, population, p, value, [](const Journey& j, const Population& pop) {
    return solve_exact(j, pop).figures.defection_rate();
  });
}

namespace {

// current + step on a 1e-12 grid, so 0.9 + 0.05 reads 0.95, not 0.9500000000000001.
double step_from(double current, double step) {
  return std::round((current + step) * 1e12) / 1e12;
}

// Every parameter the designer can move, with its step and best value.
std::vector<SensitivityParameter> parameters_of(const Journey& j, const Population& pop, const DefectionGradient& g,
                                                double step) {
  std::vector<SensitivityParameter> out;
  for (std::size_t k = 0; k < j.size(); ++k) {
    if (j.is_terminal(k)) continue;
    for (int a = 0; a < touchpoint_attribute_count; ++a) {
      SensitivityParameter p;
      p.touchpoint = k;
      p.attribute = static_cast<TouchpointAttribute>(a);
      p.current = attribute_of(j.touchpoint(k), p.attribute);
      // Recovery is a figure of recovery points only: 0 means "not one".
      if (p.attribute == TouchpointAttribute::recovery && !(p.current > 0.0)) continue;
      p.derivative = g.touchpoint[k][static_cast<std::size_t>(a)];
      p.perfect = touchpoint_attribute_max;
      p.improved = std::min(p.perfect, step_from(p.current, step));
      out.push_back(p);
    }
  }
  for (std::size_t s = 0; s < pop.size(); ++s)
    for (int q = 0; q < segment_parameter_count; ++q) {
      SensitivityParameter p;
      p.segment = s;
      p.parameter = static_cast<SegmentParameter>(q);
      p.current = parameter_of(pop.segment(s), p.parameter);
      p.derivative = g.segment[s][static_cast<std::size_t>(q)];
      p.perfect = 0.0;
      p.improved = std::max(p.perfect, step_from(p.current, -step));
      out.push_back(p);
    }
  for (auto& p : out)
    if (p.derivative) p.predicted_step = *p.derivative * (p.improved - p.current);
  return out;
}

// Only what the company can change is a fix: touchpoint attributes. A segment's parameters
// describe its customers; their derivatives say what the figures rest on.
bool candidate(const SensitivityParameter& p) {
  return p.touchpoint && p.derivative && p.improved != p.current;
}

}  // namespace

SensitivityResult analyse_sensitivity(const Journey& journey, const Population& population,
                                      const SensitivitySettings& settings) {
  SensitivityResult r;
  r.step = settings.step;
  r.top = settings.top;
  const ExactSolution sol = solve_exact(journey, population);
  const DefectionGradient g = defection_gradient(journey, population, sol);
  r.defection_rate = sol.figures.defection_rate();
  r.residual = std::max(sol.residual, g.residual);
  r.parameters = parameters_of(journey, population, g, settings.step);

  // Candidates first, by first-order effect (largest reduction first); then the segment
  // parameters by the size of their derivative; file order breaks ties.
  auto& ps = r.parameters;
  std::stable_sort(ps.begin(), ps.end(), [](const SensitivityParameter& a, const SensitivityParameter& b) {
    if (candidate(a) != candidate(b)) return candidate(a);
    if (a.touchpoint.has_value() != b.touchpoint.has_value()) return a.touchpoint.has_value();
    return a.predicted_step < b.predicted_step;
  });
  const std::size_t top =
      std::min<std::size_t>(settings.top, static_cast<std::size_t>(std::count_if(ps.begin(), ps.end(), candidate)));
  // Each thread re-solves the journey warm where a number's new value keeps the chain's pattern
  // (a step, usually; perfect, 0 or 1, usually not). Prepared on the journey itself, keeping its
  // pattern and pivots and solving nodes in turn: the same figures on any thread count.
  tbb::enumerable_thread_specific<std::unique_ptr<PreparedJourney>> prepared;
  parallel::for_each_index(std::size_t{0}, top, [&](std::size_t i) {
    auto& p = ps[i];
    auto& mine = prepared.local();
    const auto rate_with = [&](double value) {
      return with_value(journey, population, p, value, [&](const Journey& j, const Population& pop) {
        if (!mine)
          mine = std::make_unique<PreparedJourney>(journey, population, PreparedJourney::Options{false, false});
        return mine->solve(j, pop).figures.defection_rate();
      });
    };
    try {
      p.delta_step = rate_with(p.improved) - r.defection_rate;
      p.delta_perfect = rate_with(p.perfect) - r.defection_rate;
    } catch (const std::exception& e) {
      p.delta_step.reset();
      p.delta_perfect.reset();
      p.error = e.what();
    }
  });
  // The re-solved candidates by their exact step effect.
  std::stable_sort(ps.begin(), ps.begin() + static_cast<std::ptrdiff_t>(top),
                   [](const SensitivityParameter& a, const SensitivityParameter& b) {
                     if (a.delta_step.has_value() != b.delta_step.has_value()) return a.delta_step.has_value();
                     return a.delta_step && *a.delta_step < *b.delta_step;
                   });
  return r;
}

}  // namespace cxsim
