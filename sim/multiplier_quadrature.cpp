#include "sim/multiplier_quadrature.hpp"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "sim/exact_solver.hpp"

namespace cxsim {

MultiplierQuadrature multiplier_quadrature(double heterogeneity, int nodes) {
  if (!(heterogeneity > 0.0) || nodes < 1)
    throw std::invalid_argument("multiplier_quadrature needs heterogeneity > 0 and nodes >= 1");
  const double variance = heterogeneity * heterogeneity;
  const double alpha = 1.0 / variance - 1.0;  // Laguerre weight x^alpha e^-x, m = x * h^2
  Eigen::VectorXd diag(nodes), sub(std::max(nodes - 1, 0));
  for (int i = 0; i < nodes; ++i) diag[i] = 2.0 * i + alpha + 1.0;
  for (int i = 1; i < nodes; ++i) sub[i - 1] = std::sqrt(i * (i + alpha));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig;
  eig.computeFromTridiagonal(diag, sub, Eigen::ComputeEigenvectors);
  if (eig.info() != Eigen::Success)
    throw SolverError("the multiplier quadrature did not converge (heterogeneity " + std::to_string(heterogeneity) +
                      ")");
  MultiplierQuadrature out;
  double total = 0.0;
  for (int i = 0; i < nodes; ++i) {
    const double v = eig.eigenvectors()(0, i);
    out.multiplier.push_back(eig.eigenvalues()[i] * variance);
    out.weight.push_back(v * v);
    total += v * v;
  }
  for (int i = 0; i < nodes; ++i) {
    out.weight[static_cast<std::size_t>(i)] /= total;
    const double m = out.multiplier[static_cast<std::size_t>(i)];
    if (!std::isfinite(out.weight[static_cast<std::size_t>(i)]) || !std::isfinite(m) || m < 0.0)
      throw SolverError("the multiplier quadrature is not finite (heterogeneity " + std::to_string(heterogeneity) +
                        ")");
  }
  return out;
}

MultiplierQuadrature tanh_sinh_points(double heterogeneity, int level, bool new_only) {
  if (!(heterogeneity > 0.0) || level < 0)
    throw std::invalid_argument("multiplier_tanh_sinh needs heterogeneity > 0 and level >= 0");
  const double variance = heterogeneity * heterogeneity;
  const double shape = 1.0 / variance;
  const double step = std::ldexp(1.0, -level);
  const int half = static_cast<int>(std::lround(4.0 / step));  // |t| <= 4: weights below 1e-30 beyond
  MultiplierQuadrature out;
  for (int i = -half; i <= half; ++i) {
    if (new_only && level > 0 && i % 2 == 0) continue;  // solved at the level before
    const double t = i * step;
    const double s = std::numbers::pi / 2.0 * std::sinh(t);
    // u = (1 + tanh s) / 2 and 1 - u, each without cancellation.
    const double u = 1.0 / (1.0 + std::exp(-2.0 * s));
    const double uc = 1.0 / (1.0 + std::exp(2.0 * s));
    const double c = std::cosh(s);
    const double density = std::numbers::pi / 2.0 * std::cosh(t) / (2.0 * c * c);
    // Points of negligible density are left out the same way at every level, so the levels nest.
    if (!(density >= 1e-18) || !(u > 0.0) || !(uc > 0.0)) continue;
    const double x = u <= 0.5 ? boost::math::gamma_p_inv(shape, u) : boost::math::gamma_q_inv(shape, uc);
    if (!std::isfinite(x) || x < 0.0)
      throw SolverError("the multiplier quadrature is not finite (heterogeneity " + std::to_string(heterogeneity) +
                        ")");
    out.multiplier.push_back(x * variance);
    out.weight.push_back(step * density);
  }
  return out;
}

MultiplierQuadrature multiplier_tanh_sinh(double heterogeneity, int level) {
  MultiplierQuadrature q = tanh_sinh_points(heterogeneity, level, false);
  double total = 0.0;
  for (const double w : q.weight) total += w;
  for (double& w : q.weight) w /= total;
  return q;
}

}  // namespace cxsim
