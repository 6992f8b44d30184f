#pragma once
// The matrices and vectors of one segment's chain at one multiplier value: shared by the solve
// (segment_chain.cpp) and the derivatives (segment_gradient.cpp). Internal to SegmentChain.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/segment_chain.hpp"

namespace cxsim {

// The walk treats every ending that is not `defected` as a completed journey.
inline bool retained_ending(const Journey& j, std::size_t k) { return j.outcomes()[k] != Outcome::defected; }

struct SegmentChain::Assembly {
  int n = 0;
  bool churn = false, need_a = false;
  // Per state, per visit: the expected contribution of one visit to each touchpoint figure
  // (visits and silent churn excluded: they come from the systems).
  std::vector<TouchpointFigures> per_visit;
  std::vector<double> forgiven_free;  // forgiveness after a frictionless visit: a recovery if L > 0
  struct Flow {
    std::int32_t from;
    std::uint32_t ending;
    double p;
  };
  std::vector<Flow> endings;
  struct EdgeFlow {
    std::int32_t from;
    std::uint32_t edge;
    double p;
  };
  std::vector<EdgeFlow> edge_flows;  // per visit to `from`, the probability of taking `edge`
  SpMat Mt;   // (I - Q)^T
  SpMat Ma;   // I - Qa
  SpMat Mn;   // I - Qn (only with forgiveness; else Qn = Q)
  SpMat Yt;   // (I - Q0)^T
  SpMat R;    // forgiven flows, R(to, from)
  SpMat F;    // forgiven flows, F(from, to)
  std::array<SpMat, friction_count> S;  // last-straw flows into states, by cause
  Eigen::VectorXd a, b, w;
  std::array<Eigen::VectorXd, friction_count> straw;  // last-straw flows into retained endings, by cause
};

}  // namespace cxsim
