#pragma once
// Forward-mode dual numbers: a value with its derivatives along N directions, carried exactly
// through + - * and exp/expm1. The sensitivity analysis runs the visit rules of
// models/friction.hpp on them to get the exact local derivatives of one visit (the adjoint
// method then turns them into derivatives of the defection rate). Comparisons look at the value
// only, so the rules take the same branch as on doubles.
//
// Not Eigen's AutoDiffScalar: it has no expm1, which the rules use for accuracy at small friction.
#include <array>
#include <cmath>

namespace cxsim {

template <int N>
struct Dual {
  double v = 0.0;
  std::array<double, N> d{};

  Dual() = default;
  Dual(double value) : v(value) {}  // NOLINT: constants mix freely with duals
  // The independent variable along direction i.
  static Dual variable(double value, int i) {
    Dual x(value);
    x.d[static_cast<std::size_t>(i)] = 1.0;
    return x;
  }

  Dual operator-() const {
    Dual r;
    r.v = -v;
    for (int i = 0; i < N; ++i) r.d[i] = -d[i];
    return r;
  }
  Dual& operator+=(const Dual& b) {
    v += b.v;
    for (int i = 0; i < N; ++i) d[i] += b.d[i];
    return *this;
  }
  friend Dual operator+(Dual a, const Dual& b) { return a += b; }
  friend Dual operator-(Dual a, const Dual& b) { return a += -b; }
  friend Dual operator*(const Dual& a, const Dual& b) {
    Dual r;
    r.v = a.v * b.v;
    for (int i = 0; i < N; ++i) r.d[i] = a.d[i] * b.v + a.v * b.d[i];
    return r;
  }
  // Division by a constant, as the model divides minutes by 60.
  friend Dual operator/(Dual a, double b) {
    a.v /= b;
    for (int i = 0; i < N; ++i) a.d[i] /= b;
    return a;
  }
  friend bool operator>(const Dual& a, double b) { return a.v > b; }
  friend bool operator<(const Dual& a, double b) { return a.v < b; }
};

template <int N>
Dual<N> exp(const Dual<N>& x) {
  Dual<N> r;
  r.v = std::exp(x.v);
  for (int i = 0; i < N; ++i) r.d[i] = r.v * x.d[i];
  return r;
}

template <int N>
Dual<N> expm1(const Dual<N>& x) {
  Dual<N> r;
  r.v = std::expm1(x.v);
  const double slope = std::exp(x.v);
  for (int i = 0; i < N; ++i) r.d[i] = slope * x.d[i];
  return r;
}

}  // namespace cxsim
