#pragma once
// The matrices and vectors of one segment's chain at one multiplier value: shared by the solve
// (segment_chain.cpp) and the derivatives (segment_gradient.cpp). Internal to SegmentChain.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "sim/segment_chain.hpp"

namespace cxsim {

// The walk treats every ending that is not `defected` as a completed journey.
inline bool retained_ending(const Journey& j, std::size_t k) {
  return j.outcomes()[k] != Outcome::defected;
}

// A sparse matrix assembled from triplets again and again with the same pattern (a segment's
// chain has the same transitions at every multiplier value): the first assembly finds where each
// triplet lands, later ones only write the values. The pattern is checked, so a different one is
// simply assembled afresh.
class ReusedMatrix {
 public:
  using Triplet = Eigen::Triplet<double>;
  const Eigen::SparseMatrix<double>& assemble(int n, const std::vector<Triplet>& t) {
    if (m_.rows() == n && slot_.size() == t.size() && write(t)) return m_;
    m_.resize(n, n);
    m_.setFromTriplets(t.begin(), t.end());
    m_.makeCompressed();
    slot_.resize(t.size());
    for (std::size_t k = 0; k < t.size(); ++k) {
      const int* first = m_.innerIndexPtr() + m_.outerIndexPtr()[t[k].col()];
      const int* last = m_.innerIndexPtr() + m_.outerIndexPtr()[t[k].col() + 1];
      slot_[k] = static_cast<int>(std::lower_bound(first, last, t[k].row()) - m_.innerIndexPtr());
    }
    return m_;
  }

 private:
  // Writes the values where the first assembly put them, checking each triplet's place on the
  // way (one pass over the triplets, not two); false at the first that lands elsewhere.
  bool write(const std::vector<Triplet>& t) {
    const int* inner = m_.innerIndexPtr();
    const int* outer = m_.outerIndexPtr();
    double* v = m_.valuePtr();
    std::fill(v, v + m_.nonZeros(), 0.0);
    for (std::size_t k = 0; k < t.size(); ++k) {
      const int s = slot_[k];
      if (inner[s] != t[k].row() || s < outer[t[k].col()] || s >= outer[t[k].col() + 1]) return false;
      v[s] += t[k].value();
    }
    return true;
  }

  Eigen::SparseMatrix<double> m_;
  std::vector<int> slot_;
};

struct SegmentChain::Assembly {
  // Triplet buffers and matrices, kept from one multiplier value to the next (no reallocation).
  std::vector<Eigen::Triplet<double>> q, qa, qn, q0, r, f;
  std::array<std::vector<Eigen::Triplet<double>>, friction_count> s;
  ReusedMatrix mt, ma, mn, yt, rr, ff;
  std::array<ReusedMatrix, friction_count> ss;

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
  // Arrivals at retained endings with silent churn, per visit to `from`: `a` not forgiven (weighted
  // by e^{-lambda delta}, retained with the load's e^{-lambda L}), `b` forgiven (always retained).
  struct RetainedArrival {
    std::int32_t from;
    std::uint32_t ending;
    double a, b;
  };
  std::vector<RetainedArrival> retained_arrivals;
  // Views of the matrices above (valid until the next assembly).
  const SpMat* mt_ = nullptr;
  const SpMat& Mt() const { return *mt_; }  // (I - Q)^T
  const SpMat* ma_ = nullptr;
  const SpMat& Ma() const { return *ma_; }  // I - Qa
  const SpMat* mn_ = nullptr;
  const SpMat& Mn() const { return *mn_; }  // I - Qn (only with forgiveness; else Qn = Q)
  const SpMat* yt_ = nullptr;
  const SpMat& Yt() const { return *yt_; }  // (I - Q0)^T
  const SpMat* r_ = nullptr;
  const SpMat& R() const { return *r_; }  // forgiven flows, R(to, from)
  const SpMat* f_ = nullptr;
  const SpMat& F() const { return *f_; }  // forgiven flows, F(from, to)
  std::array<const SpMat*, friction_count> s_{};
  const SpMat& S(int c) const { return *s_[static_cast<std::size_t>(c)]; }  // last-straw flows into states
  Eigen::VectorXd a, b, w;
  std::array<Eigen::VectorXd, friction_count> straw;  // last-straw flows into retained endings, by cause
};

}  // namespace cxsim
