#pragma once
// One segment's journey as an absorbing Markov chain over the states (touchpoint, guard, seen),
// solved exactly for one value of the customer's multiplier m. See docs/model.md, "The exact
// solver"; the systems are described in segment_chain.cpp.
#include <Eigen/OrderingMethods>
#include <Eigen/Sparse>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/segment.hpp"
#include "sim/attributes.hpp"
#include "sim/chain_pattern.hpp"
#include "sim/chain_states.hpp"
#include "sim/figure_weights.hpp"
#include "sim/figures.hpp"
#include "sim/klu_factor.hpp"
#include "sim/journey.hpp"
#include "sim/solver_error.hpp"

namespace cxsim {

class SegmentChain {
 public:
  // Enumerates the reachable states; throws SolverError when customers can get stuck. With
  // Reach::structural (for derivatives) also the states only an attribute at 0 or 1 keeps
  // customers out of; visits there that would have no transition are listed in dead_ends().
  SegmentChain(const Journey& journey, std::size_t segment_index, const Segment& segment,
               Reach reach = Reach::possible);
  ~SegmentChain();
  SegmentChain(const SegmentChain&) = delete;
  SegmentChain& operator=(const SegmentChain&) = delete;

  // Expected figures of one customer of the segment with multiplier m (segments left empty).
  // `residual` is raised to the largest relative residual of the linear solves.
  Figures solve(double m, double& residual);
  // solve(1.0) if the numbers keep `pattern` (sim/chain_pattern.hpp), checked while assembling
  // rather than in a pass of its own; nullopt, with nothing solved, if they do not. The journey
  // must have as many touchpoints as the one the chain was built on.
  std::optional<Figures> solve_if_same_pattern(const ChainPattern& pattern, double& residual);

  // A weighted sum of one customer's expected figures at multiplier m (the probability of
  // staying, visits, failures, repeats, abandonments), and its exact derivatives with respect to
  // every touchpoint attribute and segment parameter, by the adjoint method
  // (sim/segment_gradient.cpp). Needs a chain built with Reach::structural.
  struct FigureGradient {
    double value = 0.0;
    std::vector<std::array<double, touchpoint_attribute_count>> touchpoint;
    std::array<double, segment_parameter_count> segment{};
  };
  FigureGradient gradient(double m, const FigureWeights& weights, double& residual);

  const std::vector<ChainStates::DeadEnd>& dead_ends() const { return chain_.dead_ends; }
  const ChainStates& states() const { return chain_; }

  // The same chain with new numbers: the journey and segment must have the chain's pattern
  // (sim/chain_pattern.hpp says whether they do). Both must outlive the next solve.
  void renumber(const Journey& journey, const Segment& segment) {
    j_ = &journey;
    seg_ = &segment;
  }

 private:
  using SpMat = Eigen::SparseMatrix<double>;
  struct Factor {
    KluFactor lu;
  };
  struct Assembly;

  // for_gradient: the silent-churn systems are built even without silent churn (their
  // derivative with respect to it is not 0).
  // Assembles into the chain's own buffers (valid until the next call).
  // With `check`, the pattern of the numbers is written or compared on the way.
  const Assembly& assemble(double m, bool for_gradient = false, ChainPatternWriter* check = nullptr);
  Figures solve_assembled(const Assembly& a, double& residual);
  void factorize(Factor& f, const SpMat& matrix, const char* which) const;
  Eigen::VectorXd solve_checked(KluFactor& lu, bool transpose, const SpMat& matrix, const Eigen::VectorXd& rhs,
                                const char* which, double& worst) const;
  void expected_figures(const Assembly& a, const Eigen::VectorXd& x, Figures& fig) const;
  void subtract_zero_load_recoveries(const Assembly& a, const Eigen::VectorXd& x, Figures& fig, double& worst);
  void silent_churn(const Assembly& a, const Eigen::VectorXd& x, Figures& fig, double& worst);
  void check_figures(const Figures& fig) const;
  [[noreturn]] void fail(const std::string& what) const;

  const Journey* j_;
  std::size_t s_;
  const Segment* seg_;
  Reach reach_;
  ChainStates chain_;
  Factor visits_, churn_a_, zero_load_, no_reset_;
  std::unique_ptr<Assembly> assembly_;
};

}  // namespace cxsim
