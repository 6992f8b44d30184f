#pragma once
// Expected figures per customer, as both engines report them: Monte Carlo estimates them from a
// tally, the exact solver computes them. Touchpoint figures follow the table of
// sim/figure_fields.hpp.
#include <array>
#include <optional>
#include <vector>

#include "models/friction.hpp"
#include "sim/figure_fields.hpp"
#include "sim/journey.hpp"
#include "sim/tally.hpp"

namespace cxsim {

struct TouchpointFigures {
  std::array<double, touchpoint_figure_count> value{};

  double& operator[](int f) { return value[static_cast<std::size_t>(f)]; }
  double operator[](int f) const { return value[static_cast<std::size_t>(f)]; }
  // Every defection blamed on this touchpoint: abandoned here, routed or silent from a visit here.
  double defections() const { return (*this)[fig_abandoned] + (*this)[fig_routed] + (*this)[fig_silent]; }
  // The cause most of those defections are blamed on (the first of equals).
  int main_cause() const {
    int best = 0;
    for (int c = 1; c < cause_count; ++c)
      if ((*this)[fig_cause + c] > (*this)[fig_cause + best]) best = c;
    return best;
  }
};

struct SegmentFigures {
  double share = 0;           // share of customers in the segment
  double defection_rate = 0;  // defections among the segment's customers
  bool has_customers = true;  // false: the segment has no customers (share 0, or none walked)
};

struct Figures {
  std::array<double, ending_count> outcomes{};  // shares of customers, by Ending
  std::vector<TouchpointFigures> touchpoints;
  std::vector<SegmentFigures> segments;
  // Expected times each transition is taken per customer, by index into Journey::transitions()
  // (exact solver only; empty from Monte Carlo).
  std::vector<double> transitions;
  // Silent churn by the retained ending where it happens, by touchpoint (0 elsewhere; exact solver
  // only; empty when nobody can churn silently). Money follows where customers leave.
  std::vector<double> silent_churn_at;

  double outcome(Ending e) const { return outcomes[static_cast<int>(e)]; }
  double defection_rate() const {
    return outcome(Ending::abandoned) + outcome(Ending::routed_defection) + outcome(Ending::silent_churn);
  }
  // One figure summed over every touchpoint.
  double total(int f) const {
    double s = 0.0;
    for (const auto& t : touchpoints) s += t[f];
    return s;
  }
  // Abandonments of all touchpoints, split by the friction they are attributed to.
  std::array<double, friction_count> abandonment_by_cause() const {
    std::array<double, friction_count> out{};
    for (int c = 0; c < friction_count; ++c) out[c] = total(fig_abandoned_by + c);
    return out;
  }
  // Every defection, split by cause (reliability, relevance, value, route).
  std::array<double, cause_count> defections_by_cause() const {
    std::array<double, cause_count> out{};
    for (int c = 0; c < cause_count; ++c) out[c] = total(fig_cause + c);
    return out;
  }
};

// What a customer's visits add up to, per customer: effort minutes (the customer's time) and cost
// to serve (the company's), each the expected visits of every touchpoint, endings included, times
// its figure per visit. Cost is unknown (nullopt) when no touchpoint gives one.
struct PerCustomer {
  double effort_minutes = 0.0;
  std::optional<double> cost_to_serve;
};
inline PerCustomer per_customer(const Figures& f, const Journey& j) {
  PerCustomer out;
  for (std::size_t k = 0; k < f.touchpoints.size() && k < j.size(); ++k) {
    const Touchpoint& t = j.touchpoint(k);
    const double visits = f.touchpoints[k][fig_visits];
    out.effort_minutes += visits * t.effort_minutes.value_or(0.0);
    if (t.cost) out.cost_to_serve = out.cost_to_serve.value_or(0.0) + visits * *t.cost;
  }
  return out;
}

// Where customers leave the journey, per customer, by touchpoint: abandoned at a touchpoint there;
// routed defection at the `defected` ending reached; silent churn at the `retained` ending reached
// (Figures::silent_churn_at, exact solver only: empty there means none). They sum to the defection
// rate. Blame differs: the attribution tables blame the last straw, money follows the exit.
inline std::vector<double> leaving_at(const Figures& f, const Journey& j) {
  std::vector<double> out(j.size(), 0.0);
  for (std::size_t k = 0; k < j.size() && k < f.touchpoints.size(); ++k) {
    if (!j.is_terminal(k))
      out[k] = f.touchpoints[k][fig_abandoned];
    else if (j.outcomes()[k] == Outcome::defected)
      out[k] = f.touchpoints[k][fig_visits];
    else if (k < f.silent_churn_at.size())
      out[k] = f.silent_churn_at[k];
  }
  return out;
}

// Means per customer of a Monte Carlo tally.
inline Figures figures_of(const Tally& t) {
  Figures f;
  const double n = t.customers > 0 ? static_cast<double>(t.customers) : 1.0;
  for (int e = 0; e < ending_count; ++e) f.outcomes[e] = static_cast<double>(t.endings[e]) / n;
  for (const auto& k : t.touchpoints) {
    TouchpointFigures x;
    for (int i = 0; i < touchpoint_figure_count; ++i) x[i] = k.total(i) / n;
    f.touchpoints.push_back(x);
  }
  for (const auto& s : t.segments) {
    SegmentFigures x;
    x.share = static_cast<double>(s.customers) / n;
    x.has_customers = s.customers > 0;
    x.defection_rate = s.customers > 0 ? static_cast<double>(s.defections) / static_cast<double>(s.customers) : 0.0;
    f.segments.push_back(x);
  }
  return f;
}

}  // namespace cxsim
