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
enum class SegmentParameter : int {
  value_expectation,
  reliability_sensitivity,
  relevance_sensitivity,
  value_sensitivity,
  effort_sensitivity,
  silent_churn
};

// One row per number, in the order of the enums above: its name, the member that holds it and
// the top of its range (every one starts at 0). io/scenario_fields.hpp points its rows at the
// same members (and checks it at compile time), so the scenario keys and these names cannot drift.
struct TouchpointAttributeField {
  const char* name;
  double Touchpoint::*member;
  double max;
};
struct SegmentParameterField {
  const char* name;
  double Segment::*member;
  double max;
};
// Every touchpoint attribute lies in [0, 1], and more is better. Segment parameters lie in
// [0, max], and less is better for the company: a lower expectation, lower sensitivities, less
// silent churn.
inline constexpr std::array<TouchpointAttributeField, 5> touchpoint_attributes{{
    {"reliability", &Touchpoint::reliability, 1.0},
    {"relevance", &Touchpoint::relevance, 1.0},
    {"value", &Touchpoint::value, 1.0},
    {"trust", &Touchpoint::trust, 1.0},
    {"recovery", &Touchpoint::recovery, 1.0},
}};
inline constexpr std::array<SegmentParameterField, 6> segment_parameters{{
    {"value_expectation", &Segment::value_expectation, 1.0},
    {"reliability_sensitivity", &Segment::reliability_sensitivity, limits::max_sensitivity},
    {"relevance_sensitivity", &Segment::relevance_sensitivity, limits::max_sensitivity},
    {"value_sensitivity", &Segment::value_sensitivity, limits::max_sensitivity},
    {"effort_sensitivity", &Segment::effort_sensitivity, limits::max_sensitivity},
    {"silent_churn", &Segment::silent_churn, limits::max_silent_churn},
}};
inline constexpr int touchpoint_attribute_count = static_cast<int>(touchpoint_attributes.size());
inline constexpr int segment_parameter_count = static_cast<int>(segment_parameters.size());
static_assert(touchpoint_attribute_count == static_cast<int>(TouchpointAttribute::recovery) + 1);
static_assert(segment_parameter_count == static_cast<int>(SegmentParameter::silent_churn) + 1);

template <std::size_t N, class Row>
constexpr std::array<const char*, N> attribute_names_of(const std::array<Row, N>& rows) {
  std::array<const char*, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = rows[i].name;
  return out;
}
inline constexpr auto touchpoint_attribute_names = attribute_names_of(touchpoint_attributes);
inline constexpr auto segment_parameter_names = attribute_names_of(segment_parameters);

constexpr const TouchpointAttributeField& attribute_field(TouchpointAttribute a) {
  return touchpoint_attributes[static_cast<std::size_t>(a)];
}
constexpr const SegmentParameterField& parameter_field(SegmentParameter p) {
  return segment_parameters[static_cast<std::size_t>(p)];
}

inline double& attribute_of(Touchpoint& t, TouchpointAttribute a) {
  return t.*attribute_field(a).member;
}
inline double attribute_of(const Touchpoint& t, TouchpointAttribute a) {
  return t.*attribute_field(a).member;
}

inline double& parameter_of(Segment& s, SegmentParameter p) {
  return s.*parameter_field(p).member;
}
inline double parameter_of(const Segment& s, SegmentParameter p) {
  return s.*parameter_field(p).member;
}

inline constexpr double touchpoint_attribute_max = 1.0;
static_assert([] {
  for (const auto& a : touchpoint_attributes)
    if (a.max != touchpoint_attribute_max) return false;
  return true;
}());

inline double segment_parameter_max(SegmentParameter p) {
  return parameter_field(p).max;
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
