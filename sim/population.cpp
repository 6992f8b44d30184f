#include "sim/population.hpp"

namespace cxsim {

Population::Population(std::vector<Segment> segments) : segments_(std::move(segments)) {
  double total = 0.0;
  for (const auto& s : segments_) total += s.share;
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
