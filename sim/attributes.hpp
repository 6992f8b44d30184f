#pragma once
// The numbers a designer can change: a touchpoint's friction attributes and a segment's
// parameters, by name, with their ranges and which way is better. `sensitivity` and `sweep`
// move them one at a time.
#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "models/limits.hpp"
#include "models/segment.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim {

enum class TouchpointAttribute : int { reliability, relevance, value, trust, recovery };
inline constexpr int touchpoint_attribute_count = 5;
inline constexpr std::array<const char*, touchpoint_attribute_count> touchpoint_attribute_names{
    "reliability", "relevance", "value", "trust", "recovery"};

enum class SegmentParameter : int {
  value_expectation,
  reliability_sensitivity,
  relevance_sensitivity,
  value_sensitivity,
  effort_sensitivity,
  silent_churn
};
inline constexpr int segment_parameter_count = 6;
inline constexpr std::array<const char*, segment_parameter_count> segment_parameter_names{
    "value_expectation", "reliability_sensitivity", "relevance_sensitivity",
    "value_sensitivity", "effort_sensitivity",      "silent_churn"};

inline double& attribute_of(Touchpoint& t, TouchpointAttribute a) {
  switch (a) {
    case TouchpointAttribute::reliability: return t.reliability;
    case TouchpointAttribute::relevance: return t.relevance;
    case TouchpointAttribute::value: return t.value;
    case TouchpointAttribute::trust: return t.trust;
    case TouchpointAttribute::recovery: break;
  }
  return t.recovery;
}
inline double attribute_of(const Touchpoint& t, TouchpointAttribute a) {
  return attribute_of(const_cast<Touchpoint&>(t), a);
}

inline double& parameter_of(Segment& s, SegmentParameter p) {
  switch (p) {
    case SegmentParameter::value_expectation: return s.value_expectation;
    case SegmentParameter::reliability_sensitivity: return s.reliability_sensitivity;
    case SegmentParameter::relevance_sensitivity: return s.relevance_sensitivity;
    case SegmentParameter::value_sensitivity: return s.value_sensitivity;
    case SegmentParameter::effort_sensitivity: return s.effort_sensitivity;
    case SegmentParameter::silent_churn: break;
  }
  return s.silent_churn;
}
inline double parameter_of(const Segment& s, SegmentParameter p) {
  return parameter_of(const_cast<Segment&>(s), p);
}

// Every touchpoint attribute lies in [0, 1], and more is better.
inline constexpr double touchpoint_attribute_max = 1.0;

// Segment parameters lie in [0, max], and less is better for the company: a lower expectation,
// lower sensitivities, less silent churn.
inline double segment_parameter_max(SegmentParameter p) {
  switch (p) {
    case SegmentParameter::value_expectation: return 1.0;
    case SegmentParameter::silent_churn: return limits::max_silent_churn;
    default: return limits::max_sensitivity;
  }
}

inline std::optional<TouchpointAttribute> touchpoint_attribute_named(std::string_view name) {
  for (int i = 0; i < touchpoint_attribute_count; ++i)
    if (name == touchpoint_attribute_names[static_cast<std::size_t>(i)]) return static_cast<TouchpointAttribute>(i);
  return std::nullopt;
}
inline std::optional<SegmentParameter> segment_parameter_named(std::string_view name) {
  for (int i = 0; i < segment_parameter_count; ++i)
    if (name == segment_parameter_names[static_cast<std::size_t>(i)]) return static_cast<SegmentParameter>(i);
  return std::nullopt;
}

// The journey with one attribute of touchpoint k set to `value` (everything else unchanged).
inline Journey with_attribute(const Journey& j, std::size_t k, TouchpointAttribute a, double value) {
  std::vector<Touchpoint> tps(j.touchpoints().begin(), j.touchpoints().end());
  attribute_of(tps[k], a) = value;
  return Journey(std::move(tps), std::vector<Transition>(j.transitions().begin(), j.transitions().end()), j.start(),
                 j.segments());
}

// The population with one parameter of segment s set to `value`.
inline Population with_parameter(const Population& p, std::size_t s, SegmentParameter q, double value) {
  std::vector<Segment> segs(p.segments().begin(), p.segments().end());
  parameter_of(segs[s], q) = value;
  return Population(std::move(segs));
}

// One number of the scenario: an attribute of a touchpoint, or a parameter of a segment.
struct ParameterRef {
  std::optional<std::size_t> touchpoint, segment;                    // exactly one is set
  TouchpointAttribute attribute = TouchpointAttribute::reliability;  // with touchpoint
  SegmentParameter parameter = SegmentParameter::value_expectation;  // with segment

  const char* attribute_name() const {
    return touchpoint ? touchpoint_attribute_names[static_cast<std::size_t>(attribute)]
                      : segment_parameter_names[static_cast<std::size_t>(parameter)];
  }
  double value(const Journey& j, const Population& p) const {
    return touchpoint ? attribute_of(j.touchpoint(*touchpoint), attribute)
                      : parameter_of(p.segment(*segment), parameter);
  }
  // The range the number may take.
  double max() const { return touchpoint ? touchpoint_attribute_max : segment_parameter_max(parameter); }
};

// f(journey, population) with the number `r` set to `value`.
template <class F>
auto with_value(const Journey& j, const Population& p, const ParameterRef& r, double value, F&& f) {
  if (r.touchpoint) {
    const Journey changed = with_attribute(j, *r.touchpoint, r.attribute, value);
    return f(changed, p);
  }
  const Population changed = with_parameter(p, *r.segment, r.parameter, value);
  return f(j, changed);
}

}  // namespace cxsim
