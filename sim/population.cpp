#include "sim/population.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/limits.hpp"

namespace cxsim {

Population::Population(std::vector<Segment> segments) : segments_(std::move(segments)) {
  // Checked in every build: the walk and the exact solver divide by these and draw from them.
  const auto refuse = [](const std::string& why) { throw std::invalid_argument("invalid population: " + why); };
  double total = 0.0;
  for (const auto& s : segments_) {
    const auto ok = [](double x, double hi) { return x >= 0.0 && x <= hi; };
    if (!(s.share >= 0.0 && std::isfinite(s.share)))
      refuse("segment '" + s.name + "' has a negative or infinite share");
    if (!ok(s.value_expectation, 1.0)) refuse("segment '" + s.name + "' has a value expectation outside [0, 1]");
    for (double a : {s.reliability_sensitivity, s.relevance_sensitivity, s.value_sensitivity, s.effort_sensitivity})
      if (!ok(a, limits::max_sensitivity)) refuse("segment '" + s.name + "' has a sensitivity outside its range");
    if (!ok(s.silent_churn, limits::max_silent_churn))
      refuse("segment '" + s.name + "' has silent churn outside its range");
    if (!ok(s.heterogeneity, limits::max_heterogeneity))
      refuse("segment '" + s.name + "' has heterogeneity outside its range");
    total += s.share;
  }
  if (!segments_.empty() && !(total > 0.0)) refuse("no segment has a share of the customers");
  double cum = 0.0;
  for (const auto& s : segments_) {
    cum += total > 0.0 ? s.share / total : 0.0;
    cumulative_.push_back(cum);
    multipliers_.emplace_back(s.heterogeneity);
  }
  // Rounding must never send a draw past the last segment that has customers.
  for (auto j = cumulative_.size(); j > 0; --j)
    if (segments_[j - 1].share > 0.0) {
      cumulative_[j - 1] = 1.0;
      break;
    }
}

}  // namespace cxsim
