#include "models/multiplier.hpp"

#include <boost/math/special_functions/gamma.hpp>

namespace cxsim {

double multiplier_from_uniform(double heterogeneity, double u) {
  if (heterogeneity <= 0.0) return 1.0;
  const double variance = heterogeneity * heterogeneity;
  const double shape = 1.0 / variance;
  return boost::math::gamma_p_inv(shape, u) * variance;
}

}  // namespace cxsim
