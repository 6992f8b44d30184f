#pragma once
// The exact solver: every expected figure of the friction model without sampling, by solving
// the journey as an absorbing Markov chain (see docs/model.md, "The exact solver").
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/figures.hpp"
#include "sim/journey.hpp"
#include "sim/population.hpp"

namespace cxsim {

struct ExactSolution {
  Figures figures;           // infinite horizon: outcome "unfinished" is 0
  bool quadrature = false;   // true when some segment has heterogeneity > 0
  int quadrature_nodes = 0;  // nodes used for the multiplier integral (largest over segments)
  // "gauss-laguerre", or "tanh-sinh" where Gauss-Laguerre did not settle within 128 nodes
  // (large heterogeneity with strong friction); empty without heterogeneity.
  std::string quadrature_rule;
  double residual = 0.0;     // largest relative residual of the linear solves
  // Largest change of any figure between the last two node counts of the multiplier integral
  // (an estimate of the quadrature error; 0 without heterogeneity). Below 1e-10 unless even the
  // largest node count did not converge that far.
  double quadrature_change = 0.0;
};

// Thrown when the chain cannot be solved (singular system: customers who can never leave).
class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

ExactSolution solve_exact(const Journey& journey, const Population& population);

// Nodes and weights to integrate over the multiplier m ~ Gamma(shape 1/h^2, scale h^2):
// E[g(m)] ~= sum_i weight[i] * g(multiplier[i]). Generalized Gauss-Laguerre (Golub-Welsch),
// weights normalised to sum to 1. Requires h > 0 and n >= 1.
struct MultiplierQuadrature {
  std::vector<double> multiplier, weight;
};
MultiplierQuadrature multiplier_quadrature(double heterogeneity, int nodes);

// The same integral by the tanh-sinh (double exponential) rule in the multiplier's quantile:
// E[g(m)] = integral over u in (0,1) of g(Q(u)), with step 2^-level. Slower than Gauss-Laguerre
// for small h, but it converges where Gauss-Laguerre cannot: g varying on a scale much finer than
// h^2. Points whose weight is below 1e-18 are left out.
MultiplierQuadrature multiplier_tanh_sinh(double heterogeneity, int level);

}  // namespace cxsim
