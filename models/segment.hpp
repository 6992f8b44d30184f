#pragma once
// A customer segment: who walks the journey and how much friction hurts them.
#include <string>

namespace cxsim {

struct Segment {
  std::string name;
  double share = 1.0;                    // fraction of customers in this segment
  double value_expectation = 0.5;        // e: value below this is a gap
  double reliability_sensitivity = 0.0;  // a: hazard added by a failed visit
  double relevance_sensitivity = 0.0;    // b: hazard added by repeating oneself
  double value_sensitivity = 0.0;        // c: hazard per unit of value gap
  double effort_sensitivity = 0.0;       // d: hazard per hour of effort (model v1.3)
  double silent_churn = 0.0;             // lambda: churn hazard per unit of load at the end
  double heterogeneity = 0.0;            // h: coefficient of variation of the multiplier
};

// The segment used when a scenario names none (documented in docs/model.md).
Segment default_segment();

}  // namespace cxsim
