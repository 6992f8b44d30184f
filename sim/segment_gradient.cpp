// The derivatives of one segment's probability of staying, by the adjoint method.
//
// The customer stays (is retained and does not churn silently) with probability
// A_start + B_start, where (sim/segment_chain.cpp)
//   (I - Qa) A = a          no forgiveness from here on, weighted by surviving silent churn;
//   (I - Q)  B = F A + b    some forgiveness later.
// For any parameter θ, with x the expected visits ((I - Q)^T x = e_start) and phi the adjoint of
// A ((I - Qa)^T phi = e_start + F^T x, the same vector the last-straw attribution uses),
//   d(stay)/dθ = Σ_i  phi_i d[a_i + Σ_j Qa_ij A_j]  +  x_i d[b_i + Σ_j F_ij A_j + Σ_j Q_ij B_j],
// each derivative taken with A and B held fixed. Each bracket is one visit to state i: a sum over
// the visit's outcomes, differentiated exactly by running the visit rules of models/friction.hpp
// on dual numbers. So every derivative comes from the two factorizations the solve needs and four
// solves, however many parameters there are.
#include <algorithm>

#include "sim/dual_number.hpp"
#include "sim/segment_chain.hpp"
#include "sim/segment_chain_assembly.hpp"

namespace cxsim {

namespace {

// Directions: the visited touchpoint's attributes, then the segment's parameters.
constexpr int directions = touchpoint_attribute_count + segment_parameter_count;
using D = Dual<directions>;

// A segment's numbers as dual variables, for the rules of models/friction.hpp.
struct DualSegment {
  D value_expectation, reliability_sensitivity, relevance_sensitivity, value_sensitivity, silent_churn;
};

D segment_variable(const Segment& s, SegmentParameter p) {
  return D::variable(parameter_of(s, p), touchpoint_attribute_count + static_cast<int>(p));
}

DualSegment dual_segment(const Segment& s) {
  return {segment_variable(s, SegmentParameter::value_expectation),
          segment_variable(s, SegmentParameter::reliability_sensitivity),
          segment_variable(s, SegmentParameter::relevance_sensitivity),
          segment_variable(s, SegmentParameter::value_sensitivity),
          segment_variable(s, SegmentParameter::silent_churn)};
}

VisitAttributes<D> dual_attributes(const Journey& j, std::size_t k) {
  const VisitAttributes<double> at = visit_attributes(j, k);
  const auto var = [](double v, TouchpointAttribute a) { return D::variable(v, static_cast<int>(a)); };
  return {var(at.reliability, TouchpointAttribute::reliability), var(at.relevance, TouchpointAttribute::relevance),
          var(at.value, TouchpointAttribute::value), var(at.trust, TouchpointAttribute::trust),
          var(at.recovery, TouchpointAttribute::recovery)};
}

}  // namespace

SegmentChain::RetainedGradient SegmentChain::retained_gradient(double m, double& residual) {
  using Vec = Eigen::VectorXd;
  using Model = FrictionModel;
  RetainedGradient g;
  g.touchpoint.assign(j_.size(), {});
  if (chain_.states.empty()) {  // the journey starts at an ending
    g.retained = retained_ending(j_, j_.start()) ? 1.0 : 0.0;
    return g;
  }
  const Assembly& a = assemble(m, true);
  factorize(visits_, a.Mt(), "expected-visits");
  factorize(churn_a_, a.Ma(), "silent-churn");
  double worst = 0.0;
  Vec start = Vec::Zero(a.n);
  start[0] = 1.0;
  const Vec x = solve_checked(visits_.lu, false, a.Mt(), start, "expected-visits", worst);
  const Vec A = solve_checked(churn_a_.lu, false, a.Ma(), a.a, "silent-churn (A)", worst);
  Vec B = Vec::Zero(a.n);
  Vec arrivals = start;
  if (chain_.resets) {
    B = solve_checked(visits_.lu, true, a.Mt(), a.F() * A + a.b, "silent-churn (B)", worst);
    arrivals += a.R() * x;
  }
  const Vec phi = solve_checked(churn_a_.lu, true, a.Ma(), arrivals, "load-at-arrival", worst);
  g.retained = A[0] + B[0];

  const DualSegment seg = dual_segment(seg_);
  for (std::size_t i = 0; i < chain_.states.size(); ++i) {
    const ChainState st = chain_.states[i];
    const double xi = x[static_cast<int>(i)], phii = phi[static_cast<int>(i)];
    D visit(0.0), carry, survive;
    for_each_visit_outcome<Model>(
        j_, s_, seg, D(m), dual_attributes(j_, st.k), st, Reach::structural,
        [&](const BasicVisitBranch<D>& br) {
          carry = br.p * (1.0 - Model::abandonment_probability(br.delta));
          survive = 1.0 - Model::silent_churn_probability(seg.silent_churn, br.delta);
        },
        [&](const BasicVisitBranch<D>&, const BasicVisitContinuation<D>& c) {
          const D w = carry * c.p;
          if (j_.is_terminal(c.to)) {
            if (retained_ending(j_, c.to)) visit += c.forgiven ? xi * w : phii * w * survive;
            return;
          }
          const int to = chain_.at(c.next);
          if (c.forgiven)
            visit += (xi * (A[to] + B[to])) * w;
          else
            visit += (phii * A[to]) * w * survive + (xi * B[to]) * w;
        });
    auto& tp = g.touchpoint[st.k];
    for (int d = 0; d < touchpoint_attribute_count; ++d) tp[static_cast<std::size_t>(d)] += visit.d[static_cast<std::size_t>(d)];
    for (int d = 0; d < segment_parameter_count; ++d)
      g.segment[static_cast<std::size_t>(d)] += visit.d[static_cast<std::size_t>(touchpoint_attribute_count + d)];
  }
  residual = std::max(residual, worst);
  return g;
}

}  // namespace cxsim
