#pragma once
// The customers: segments with their shares, and how a customer is assigned to one.
#include <cstddef>
#include <span>
#include <vector>

#include "models/multiplier.hpp"
#include "models/segment.hpp"

namespace cxsim {

class Population {
 public:
  Population() = default;
  explicit Population(std::vector<Segment> segments);

  std::size_t size() const { return segments_.size(); }
  const Segment& segment(std::size_t s) const { return segments_[s]; }
  std::span<const Segment> segments() const { return segments_; }
  const MultiplierDistribution& multiplier(std::size_t s) const { return multipliers_[s]; }

  // Segment of a customer whose segment draw is u in (0,1): shares laid end to end in file order.
  // The same segments, every customer in segment s: a persona view. Segment indices (and so
  // segment routes) are kept; the others simply get no customers.
  Population only(std::size_t s) const {
    std::vector<Segment> segs = segments_;
    for (std::size_t i = 0; i < segs.size(); ++i) segs[i].share = i == s ? 1.0 : 0.0;
    return Population(std::move(segs));
  }

  std::size_t pick(double u) const {
    std::size_t s = 0;
    while (s + 1 < cumulative_.size() && u >= cumulative_[s]) ++s;
    return s;
  }

 private:
  std::vector<Segment> segments_;
  std::vector<double> cumulative_;
  std::vector<MultiplierDistribution> multipliers_;
};

}  // namespace cxsim
