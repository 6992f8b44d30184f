#pragma once
// The exact solver: every expected figure of the friction model without sampling, by solving
// the journey as an absorbing Markov chain per segment (sim/segment_chain.hpp) and integrating
// over the customer's multiplier (sim/multiplier_quadrature.hpp). See docs/model.md.
#include <string>
#include <vector>

#include "sim/figures.hpp"
#include "sim/journey.hpp"
#include "sim/multiplier_quadrature.hpp"
#include "sim/population.hpp"
#include "sim/solver_error.hpp"

namespace cxsim {

struct ExactSolution {
  Figures figures;            // infinite horizon: outcome "unfinished" is 0
  bool quadrature = false;    // true when some segment has heterogeneity > 0
  int quadrature_nodes = 0;   // nodes used for the multiplier integral (largest over segments)
  int quadrature_solves = 0;  // chain solves the integrals took, over every refinement and segment
  // "gauss-laguerre", or "tanh-sinh" for h > 1 or where Gauss-Laguerre did not settle within
  // 128 nodes (large heterogeneity with strong friction); empty without heterogeneity.
  std::string quadrature_rule;
  double residual = 0.0;  // largest relative residual of the linear solves
  // The estimated quadrature error: the largest change of any figure (relative where it is above
  // 1) between the last two refinements of the multiplier integral, and for tanh-sinh the
  // changes still to come extrapolated from the last two; 0 without heterogeneity. Below 1e-10
  // unless even the finest rule did not converge that far.
  double quadrature_change = 0.0;
  // Per segment, the multiplier values and weights the figures were integrated with (the single
  // value m = 1 without heterogeneity): derivatives use the same rule.
  std::vector<MultiplierQuadrature> multiplier_rules;
  // Per segment, the figures of one of its customers (what `figures` averages by share).
  std::vector<Figures> segment_figures;
};

// Throws SolverError when the chain cannot be solved or its figures cannot be trusted.
ExactSolution solve_exact(const Journey& journey, const Population& population);

}  // namespace cxsim
