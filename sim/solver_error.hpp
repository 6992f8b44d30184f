#pragma once
#include <stdexcept>

namespace cxsim {

// Thrown when the exact solver cannot give trustworthy figures: a chain customers can never
// leave, a system too ill-conditioned to solve, figures that are not finite.
class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cxsim
