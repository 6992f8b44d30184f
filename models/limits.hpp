#pragma once
// The range of every number cxsim supports, stated once. `check` refuses anything outside with
// the file and line; inside, both engines compute finite, trustworthy figures.
#include <cstddef>
#include <cstdint>

namespace cxsim::limits {

// Friction of 100 in one visit already makes abandonment certain (1 - e^-100 = 1 in doubles);
// larger sensitivities only overflow.
inline constexpr double max_sensitivity = 100.0;
// A silent-churn hazard of 100 per unit of load: any friction at all means churning.
inline constexpr double max_silent_churn = 100.0;
// A coefficient of variation of 10 already spreads the multiplier over 40 orders of magnitude.
inline constexpr double max_heterogeneity = 10.0;
// Minutes and money per visit: typing mistakes beyond this.
inline constexpr double max_effort_or_cost = 1e12;
// Customers entering a journey per year, and what one of them is worth.
inline constexpr double max_money = 1e15;
// Customers per run and visits per customer.
inline constexpr std::uint64_t max_customers = 1'000'000'000'000ULL;
// Draws of an assumptions analysis (each solves every arm exactly).
inline constexpr std::uint64_t max_assumption_draws = 1'000'000ULL;
inline constexpr std::uint64_t max_steps = 1'000'000'000ULL;

// Input files: a scenario's YAML file, and each CSV table it names. A 100,000-touchpoint table
// is about 5 MiB; beyond these sizes a file is a mistake (or an attack), not a journey.
inline constexpr std::uint64_t max_scenario_file_bytes = 16ULL << 20;
inline constexpr std::uint64_t max_table_file_bytes = 256ULL << 20;

// Text fields: a name, id, stage or channel is a label, a description a paragraph or a page.
// Beyond these a field is a mistake, and would flood every table and message it appears in.
inline constexpr std::size_t max_name_bytes = 1000;
inline constexpr std::size_t max_description_bytes = 100'000;

// The exact solver is for journeys up to this many touchpoints: about half a second each at
// h = 0 on one core at 10,000 (see the README), growing faster than linearly with size.
// Beyond it `validate` refuses, `compare` and `batch` leave the exact figures out, and `exact`
// warns before it starts.
inline constexpr std::size_t exact_solver_touchpoints = 20'000;

// The report's journey map: Graphviz's `dot` layout grows much faster than linearly with the
// graph (a chain of 1,600 touchpoints took 40 s, 300 cross-linked ones over 5 minutes, 100,000
// crashed it). A journey beyond either size is drawn by stage; a stage map beyond them, not at all.
inline constexpr std::size_t map_touchpoints = 150;
inline constexpr std::size_t map_transitions = 450;
// Up to this size the map's arrows are curves routed around the boxes; Graphviz's router grows
// about with the square of the boxes (0.04 s for broadband, 0.5 s at 30 touchpoints, 17 s at 150),
// and the studio redraws the map at every change. A larger map draws its arrows straight, under
// the boxes (0.06 s at 150 touchpoints).
inline constexpr std::size_t map_routed_touchpoints = 30;
inline constexpr std::size_t map_routed_transitions = 120;

}  // namespace cxsim::limits
