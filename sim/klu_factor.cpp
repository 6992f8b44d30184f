#include "sim/klu_factor.hpp"

#include <klu.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace cxsim {

namespace {

// Below this reciprocal condition estimate the pivots of the first factorisation are not
// trusted any more: factorise afresh, with new pivots.
constexpr double refactor_rcond_floor = 1e-10;

}  // namespace

struct KluFactor::State {
  klu_common common;
  klu_symbolic* symbolic = nullptr;
  klu_numeric* numeric = nullptr;  // the first factorisation's pivots, refactored in place
  klu_numeric* fresh = nullptr;    // pivots of its own, for the current values only
  int n = 0;
  std::vector<int> pattern_p, pattern_i;  // the pattern analysed

  State() { klu_defaults(&common); }
  ~State() {
    if (fresh) klu_free_numeric(&fresh, &common);
    if (numeric) klu_free_numeric(&numeric, &common);
    if (symbolic) klu_free_symbolic(&symbolic, &common);
  }
};

KluFactor::KluFactor() : s_(std::make_unique<State>()) {}
KluFactor::~KluFactor() = default;

bool KluFactor::factorize(const Eigen::SparseMatrix<double>& a) {
  if (!a.isCompressed()) throw std::logic_error("KluFactor needs a compressed matrix");
  auto* ap = const_cast<int*>(a.outerIndexPtr());
  auto* ai = const_cast<int*>(a.innerIndexPtr());
  auto* ax = const_cast<double*>(a.valuePtr());
  State& s = *s_;
  const auto nnz = static_cast<std::size_t>(a.nonZeros());
  const bool same = s.symbolic && s.n == a.cols() && s.pattern_i.size() == nnz &&
                    std::equal(s.pattern_p.begin(), s.pattern_p.end(), ap) &&
                    std::equal(s.pattern_i.begin(), s.pattern_i.end(), ai);
  if (s.fresh) klu_free_numeric(&s.fresh, &s.common);
  if (!same && s.symbolic) {  // a new pattern: analyse again
    if (s.numeric) klu_free_numeric(&s.numeric, &s.common);
    klu_free_symbolic(&s.symbolic, &s.common);
  }
  if (!s.symbolic) {
    s.pattern_p.assign(ap, ap + a.cols() + 1);
    s.pattern_i.assign(ai, ai + nnz);
    s.n = static_cast<int>(a.cols());
    s.symbolic = klu_analyze(s.n, ap, ai, &s.common);
    if (!s.symbolic) {
      why_ = "the ordering could not be analysed (KLU status " + std::to_string(s.common.status) + ")";
      return false;
    }
  }
  // The pivots of the first factorisation are kept for every later one (a failed refactorisation
  // leaves them in place): the factors of given values then never depend on which values were
  // factorised before, so a chain reused across solves gives the same figures as a new one.
  if (s.numeric) {
    if (klu_refactor(ap, ai, ax, s.symbolic, s.numeric, &s.common) && klu_rcond(s.symbolic, s.numeric, &s.common) &&
        s.common.rcond >= refactor_rcond_floor) {
      refactored_ = true;
      return true;
    }
    return factorize_afresh(a);
  }
  refactored_ = false;
  s.numeric = klu_factor(ap, ai, ax, s.symbolic, &s.common);
  if (!s.numeric || s.common.status == KLU_SINGULAR) {
    why_ = "the matrix is singular";
    if (s.numeric) klu_free_numeric(&s.numeric, &s.common);
    return false;
  }
  return true;
}

bool KluFactor::factorize_afresh(const Eigen::SparseMatrix<double>& a) {
  State& s = *s_;
  if (!s.numeric) return factorize(a);
  if (s.fresh) klu_free_numeric(&s.fresh, &s.common);
  refactored_ = false;
  s.fresh = klu_factor(const_cast<int*>(a.outerIndexPtr()), const_cast<int*>(a.innerIndexPtr()),
                       const_cast<double*>(a.valuePtr()), s.symbolic, &s.common);
  if (!s.fresh || s.common.status == KLU_SINGULAR) {
    why_ = "the matrix is singular";
    if (s.fresh) klu_free_numeric(&s.fresh, &s.common);
    return false;
  }
  return true;
}

Eigen::VectorXd KluFactor::solve(const Eigen::VectorXd& rhs) const {
  Eigen::VectorXd x = rhs;
  klu_solve(s_->symbolic, s_->fresh ? s_->fresh : s_->numeric, s_->n, 1, x.data(), &s_->common);
  return x;
}

Eigen::VectorXd KluFactor::solve_transposed(const Eigen::VectorXd& rhs) const {
  Eigen::VectorXd x = rhs;
  klu_tsolve(s_->symbolic, s_->fresh ? s_->fresh : s_->numeric, s_->n, 1, x.data(), &s_->common);
  return x;
}

}  // namespace cxsim
