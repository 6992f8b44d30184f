#pragma once
// The result figures of a touchpoint, listed once. Tallies, figures, the exact solver, the engine
// comparison, the reports and the test helpers all iterate this table, so a new figure is one
// line here and cannot be left out of any of them.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cxsim {

enum class FigureKind : std::uint8_t {
  count,  // events counted per customer (visits, failures...): integers in a Monte Carlo tally
  share,  // one defection shared out among causes: fractions that sum to the defection
  amount  // a real quantity (friction)
};

struct FigureField {
  const char* group;  // "" for a figure of its own; else the JSON object it sits in
  const char* name;
  FigureKind kind;
};

// Index of each figure in TouchpointFigures / the tally. Counts first, then the real figures.
enum TouchpointFigure : int {
  fig_visits,
  fig_failures,
  fig_averted,
  fig_repeats,
  fig_abandoned,   // customers who abandon here
  fig_recoveries,  // forgiveness that wiped a load > 0
  fig_routed,      // routed defections blamed on a visit here
  fig_silent,      // silent churn blamed on a visit here (the last straw)
  fig_abandoned_by_reliability,
  fig_abandoned_by_relevance,
  fig_abandoned_by_value,
  fig_abandoned_by_effort,
  fig_cause_reliability,  // every defection blamed here, by cause
  fig_cause_relevance,
  fig_cause_value,
  fig_cause_effort,
  fig_cause_route,
  fig_friction_reliability,  // friction added here, by kind
  fig_friction_relevance,
  fig_friction_value,
  fig_friction_effort,
  touchpoint_figure_count
};
inline constexpr int touchpoint_count_figures = fig_abandoned_by_reliability;
inline constexpr int touchpoint_real_figures = touchpoint_figure_count - touchpoint_count_figures;
inline constexpr int fig_abandoned_by = fig_abandoned_by_reliability;  // + friction index
inline constexpr int fig_cause = fig_cause_reliability;                // + cause index
inline constexpr int fig_friction = fig_friction_reliability;          // + friction index

inline constexpr std::array<FigureField, touchpoint_figure_count> touchpoint_figure_fields{{
    {"", "visits", FigureKind::count},
    {"", "failures", FigureKind::count},
    {"", "averted", FigureKind::count},
    {"", "repeats", FigureKind::count},
    {"", "abandoned", FigureKind::count},
    {"", "recoveries", FigureKind::count},
    {"", "routed", FigureKind::count},
    {"", "silent", FigureKind::count},
    {"abandoned_by", "reliability", FigureKind::share},
    {"abandoned_by", "relevance", FigureKind::share},
    {"abandoned_by", "value", FigureKind::share},
    {"abandoned_by", "effort", FigureKind::share},
    {"defections_by_cause", "reliability", FigureKind::share},
    {"defections_by_cause", "relevance", FigureKind::share},
    {"defections_by_cause", "value", FigureKind::share},
    {"defections_by_cause", "effort", FigureKind::share},
    {"defections_by_cause", "route", FigureKind::share},
    {"friction", "reliability", FigureKind::amount},
    {"friction", "relevance", FigureKind::amount},
    {"friction", "value", FigureKind::amount},
    {"friction", "effort", FigureKind::amount},
}};

// "visits", "abandoned_by.value"...: the figure's name in flat outputs (CSV, validate).
inline std::string figure_name(int f) {
  const FigureField& x = touchpoint_figure_fields[static_cast<std::size_t>(f)];
  return *x.group ? std::string(x.group) + "." + x.name : std::string(x.name);
}

}  // namespace cxsim
