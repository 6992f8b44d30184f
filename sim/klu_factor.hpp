#pragma once
// A sparse LU factorisation by SuiteSparse's KLU, made for the exact solver's chains: the
// pattern of a segment's matrices never changes from one multiplier value to the next, so the
// ordering is analysed once and later factorisations reuse the pivots of the first (a
// refactorisation, much cheaper than a fresh one), falling back to a fresh factorisation when the
// old pivots no longer keep the factors well conditioned. The first pivots are kept through such
// a fallback, so the factors of given values do not depend on what was factorised before them.
#include <Eigen/Sparse>

#include <memory>
#include <string>

namespace cxsim {

class KluFactor {
 public:
  KluFactor();
  ~KluFactor();
  KluFactor(const KluFactor&) = delete;
  KluFactor& operator=(const KluFactor&) = delete;

  // Factorises `matrix` (compressed, column-major); its pattern must be the same on every call.
  // Returns false (with why()) when the matrix is singular.
  bool factorize(const Eigen::SparseMatrix<double>& matrix);
  // Factorises afresh, choosing new pivots for these values only (when a refactorisation's
  // solution is not accurate); the next factorize() goes back to the first pivots.
  bool factorize_afresh(const Eigen::SparseMatrix<double>& matrix);
  // True when the current factors reuse the pivots of an earlier factorisation.
  bool refactored() const { return refactored_; }
  Eigen::VectorXd solve(const Eigen::VectorXd& rhs) const;             // A x = b
  Eigen::VectorXd solve_transposed(const Eigen::VectorXd& rhs) const;  // A^T x = b
  const std::string& why() const { return why_; }

 private:
  struct State;
  std::unique_ptr<State> s_;
  std::string why_;
  bool refactored_ = false;
};

}  // namespace cxsim
