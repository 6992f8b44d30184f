#include "models/segment.hpp"

namespace cxsim {

// Illustrative defaults: a failure hurts twice as much as repeating oneself, in line with
// friction (not delight) driving disloyalty; see docs/model.md.
Segment default_segment() {
  Segment s;
  s.name = "everyone";
  s.share = 1.0;
  s.value_expectation = 0.5;
  s.reliability_sensitivity = 0.5;
  s.relevance_sensitivity = 0.25;
  s.value_sensitivity = 0.5;
  s.silent_churn = 0.3;
  s.heterogeneity = 0.0;
  return s;
}

}  // namespace cxsim
