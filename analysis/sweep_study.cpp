#include "analysis/sweep_study.hpp"

#include <algorithm>

#include "io/diagnostics.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"

namespace cxsim {

ParameterRef number_named(const std::string& touchpoint, const std::string& segment, const std::string& attribute,
                          const ScenarioModel& m) {
  ParameterRef r;
  if (!touchpoint.empty()) {
    const auto k = m.journey.find(touchpoint);
    if (!k) {
      std::vector<std::string> ids;
      for (const auto& t : m.journey.touchpoints()) ids.push_back(t.id);
      const auto best = closest_name(touchpoint, ids);
      throw UsageError("--touchpoint '" + one_line(touchpoint) + "' is not in the journey" +
                       (best ? " (did you mean '" + *best + "'?)" : std::string()));
    }
    if (m.journey.is_terminal(*k))
      throw UsageError("--touchpoint '" + touchpoint +
                       "' is an ending: customers do not visit it, so its attributes do nothing");
    const auto a = touchpoint_attribute_named(attribute);
    if (!a)
      throw UsageError("--attribute '" + one_line(attribute) + "' is not a touchpoint attribute; use one of: " +
                       name_list({touchpoint_attribute_names.begin(), touchpoint_attribute_names.end()}));
    r.touchpoint = *k;
    r.attribute = *a;
    return r;
  }
  std::vector<std::string> names;
  for (const auto& s : m.population.segments()) names.push_back(s.name);
  const auto it = std::find(names.begin(), names.end(), segment);
  if (it == names.end()) {
    const auto best = closest_name(segment, names);
    throw UsageError("--segment '" + one_line(segment) + "' is not a segment of the scenario" +
                     (best ? " (did you mean '" + *best + "'?)" : "") + "; it has: " + name_list(names));
  }
  const auto p = segment_parameter_named(attribute);
  if (!p)
    throw UsageError("--attribute '" + one_line(attribute) + "' is not a segment parameter; use one of: " +
                     name_list({segment_parameter_names.begin(), segment_parameter_names.end()}));
  r.segment = static_cast<std::size_t>(it - names.begin());
  r.parameter = *p;
  return r;
}

std::vector<CurveRequest> scenario_curves(const Scenario& scenario, const ScenarioModel& model) {
  std::vector<CurveRequest> out;
  for (const auto& s : scenario.sweeps)
    out.push_back({number_named(s.touchpoint, s.segment, s.attribute, model), sweep_values(s.from, s.to, s.steps)});
  return out;
}

SweepReport sweep_curves(const std::string& scenario, const ScenarioModel& model,
                         const std::vector<CurveRequest>& curves, const SweepSettings& settings) {
  SweepReport r;
  r.scenario = scenario;
  r.variant = model.variant;
  r.journey = &model.journey;
  r.population = &model.population;
  if (settings.monte_carlo) r.seed = settings.monte_carlo->walk.seed;
  SweepSettings mine = settings;
  for (const auto& c : curves) {
    mine.values = c.values;
    r.curves.push_back(SweepCurve{c.number, c.number.value(model.journey, model.population),
                                  sweep(model.journey, model.population, c.number, mine)});
  }
  return r;
}

namespace {

// As in `run`: customers stopped by max_steps count as unfinished, not as defections, so the
// estimates are biased low. Said once per curve, at its worst point, with the exact rate there.
std::optional<std::string> unfinished_warning(const SweepCurve& c, std::uint64_t max_steps) {
  const SweepPoint* worst = nullptr;
  std::uint64_t most = 0;
  for (const auto& p : c.points)
    if (p.monte_carlo && p.monte_carlo->endings[static_cast<int>(Ending::unfinished)] > most) {
      most = p.monte_carlo->endings[static_cast<int>(Ending::unfinished)];
      worst = &p;
    }
  if (!worst || most * 1000 <= worst->monte_carlo->customers) return std::nullopt;
  std::string w = std::string("at ") + c.number.attribute_name() + " = " + shortest_text(worst->value) + ", " +
                  formatted("%llu customers (%.3f%%)", static_cast<unsigned long long>(most),
                            100.0 * static_cast<double>(most) / static_cast<double>(worst->monte_carlo->customers)) +
                  " were still walking after " + std::to_string(max_steps) +
                  " visits (max_steps) and count as unfinished, not as defections, so the Monte Carlo defection "
                  "rates of this curve are biased low";
  if (worst->exact)
    w += formatted("; the exact defection rate there, which has no step limit, is %.3f%%",
                   100.0 * worst->exact->defection_rate());
  return w;
}

}  // namespace

SweepStudy sweep_study(std::shared_ptr<const ScenarioModel> model, const Scenario& scenario,
                       const SweepRequest& request) {
  SweepStudy study;
  study.model = std::move(model);
  SweepSettings settings;
  settings.monte_carlo = request.monte_carlo;
  study.report = with_threads(
      request.threads, [&](int) { return sweep_curves(scenario.name, *study.model, request.curves, settings); },
      request.cancel);
  if (request.monte_carlo)
    for (const auto& c : study.report.curves)
      if (auto w = unfinished_warning(c, request.monte_carlo->walk.max_steps)) study.warnings.push_back(std::move(*w));
  for (const auto& c : study.report.curves)
    for (const auto& p : c.points)
      if (p.exact_error) {
        study.warnings.push_back(std::string("at ") + c.number.attribute_name() + " = " + shortest_text(p.value) +
                                 " the exact solver failed: " + one_line(*p.exact_error));
        ++study.exact_failures;
      }
  return study;
}

}  // namespace cxsim
