// The derivatives of one segment's probability of staying, and of any weighted sum of its expected
// figures, by the adjoint method.
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
//
// A figure that is an x-weighted sum of one visit's outcomes, sum_i x_i r_i (visits, failures,
// repeats, abandonments, arrivals at endings), has with mu the solution of (I - Q) mu = r
//   d(figure)/dθ = Σ_i x_i d[r_i + Σ_j Q_ij mu_j],
// one more solve with the factorization of (I - Q) already made, for any weighting of figures.
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
  D value_expectation, reliability_sensitivity, relevance_sensitivity, value_sensitivity, effort_sensitivity,
      silent_churn;
};

D segment_variable(const Segment& s, SegmentParameter p) {
  return D::variable(parameter_of(s, p), touchpoint_attribute_count + static_cast<int>(p));
}

DualSegment dual_segment(const Segment& s) {
  return {segment_variable(s, SegmentParameter::value_expectation),
          segment_variable(s, SegmentParameter::reliability_sensitivity),
          segment_variable(s, SegmentParameter::relevance_sensitivity),
          segment_variable(s, SegmentParameter::value_sensitivity),
          segment_variable(s, SegmentParameter::effort_sensitivity),
          segment_variable(s, SegmentParameter::silent_churn)};
}

VisitAttributes<D> dual_attributes(const Journey& j, std::size_t k) {
  const VisitAttributes<double> at = visit_attributes(j, k);
  const auto var = [](double v, TouchpointAttribute a) { return D::variable(v, static_cast<int>(a)); };
  return {var(at.reliability, TouchpointAttribute::reliability),
          var(at.relevance, TouchpointAttribute::relevance),
          var(at.value, TouchpointAttribute::value),
          var(at.trust, TouchpointAttribute::trust),
          var(at.recovery, TouchpointAttribute::recovery),
          D(at.effort_minutes)};
}

}  // namespace

SegmentChain::FigureGradient SegmentChain::gradient(double m, const FigureWeights& w, double& residual) {
  using Vec = Eigen::VectorXd;
  using Model = FrictionModel;
  FigureGradient g;
  g.touchpoint.assign(j_->size(), {});
  const bool per_visit = !w.touchpoint.empty();
  const auto weight = [&](std::size_t k, int f) {
    return per_visit ? w.touchpoint[k][static_cast<std::size_t>(f)] : 0.0;
  };
  if (chain_.states.empty()) {  // the journey starts at an ending
    const std::size_t start = j_->start();
    g.value = (retained_ending(*j_, start) ? w.stay : 0.0) + weight(start, weight_visits);
    return g;
  }
  const bool stay = w.stay != 0.0;
  const Assembly& a = assemble(m, true);
  factorize(visits_, a.Mt(), "expected-visits");
  if (stay) factorize(churn_a_, a.Ma(), "silent-churn");
  double worst = 0.0;
  const int n = a.n;
  Vec start = Vec::Zero(n);
  start[0] = 1.0;
  const Vec x = solve_checked(visits_.lu, false, a.Mt(), start, "expected-visits", worst);
  Vec A = Vec::Zero(n), B = Vec::Zero(n), phi = Vec::Zero(n);
  if (stay) {
    A = solve_checked(churn_a_.lu, false, a.Ma(), a.a, "silent-churn (A)", worst);
    Vec arrivals = start;
    if (chain_.resets) {
      B = solve_checked(visits_.lu, true, a.Mt(), a.F() * A + a.b, "silent-churn (B)", worst);
      arrivals += a.R() * x;
    }
    phi = solve_checked(churn_a_.lu, true, a.Ma(), arrivals, "load-at-arrival", worst);
    g.value = w.stay * (A[0] + B[0]);
  }
  // mu: the weighted figures still to come from each state, (I - Q) mu = r with r the weighted
  // figures of one visit (visits of the endings it leads to included).
  Vec mu = Vec::Zero(n);
  if (per_visit) {
    Vec r = Vec::Zero(n);
    for (std::size_t i = 0; i < chain_.states.size(); ++i) {
      const std::size_t k = chain_.states[i].k;
      const TouchpointFigures& t = a.per_visit[i];
      r[static_cast<int>(i)] = weight(k, weight_visits) + weight(k, weight_failures) * t[fig_failures] +
                               weight(k, weight_repeats) * t[fig_repeats] +
                               weight(k, weight_abandoned) * t[fig_abandoned];
    }
    for (const auto& e : a.endings) r[e.from] += e.p * weight(e.ending, weight_visits);
    mu = solve_checked(visits_.lu, true, a.Mt(), r, "weighted figures", worst);
    g.value += x.dot(r);
  }

  const DualSegment seg = dual_segment(*seg_);
  for (std::size_t i = 0; i < chain_.states.size(); ++i) {
    const ChainState st = chain_.states[i];
    const std::size_t k = st.k;
    const double xi = x[static_cast<int>(i)], phii = phi[static_cast<int>(i)];
    const double wf = weight(k, weight_failures), wr = weight(k, weight_repeats), wa = weight(k, weight_abandoned);
    // The stay part of the visit (weighted by x and phi), and its weighted-figures part (by x).
    D visit(0.0), figures(0.0), carry, survive;
    for_each_visit_outcome<Model>(
        *j_, s_, seg, D(m), dual_attributes(*j_, k), st, Reach::structural,
        [&](const BasicVisitBranch<D>& br) {
          const D quit = Model::abandonment_probability(br.delta);
          carry = br.p * (1.0 - quit);
          survive = 1.0 - Model::silent_churn_probability(seg.silent_churn, br.delta);
          if (per_visit) {
            if (br.failed && wf != 0.0) figures += br.p * wf;
            if (br.repeated && wr != 0.0) figures += br.p * wr;
            if (wa != 0.0) figures += br.p * quit * wa;
          }
        },
        [&](const BasicVisitBranch<D>&, const BasicVisitContinuation<D>& c) {
          const D p = carry * c.p;
          if (j_->is_terminal(c.to)) {
            if (per_visit) figures += p * weight(c.to, weight_visits);
            if (stay && retained_ending(*j_, c.to)) visit += c.forgiven ? xi * p : phii * p * survive;
            return;
          }
          const int to = chain_.at(c.next);
          if (per_visit) figures += p * mu[to];
          if (!stay) return;
          if (c.forgiven)
            visit += (xi * (A[to] + B[to])) * p;
          else
            visit += (phii * A[to]) * p * survive + (xi * B[to]) * p;
        });
    const D total = visit * w.stay + figures * xi;
    auto& tp = g.touchpoint[k];
    for (int d = 0; d < touchpoint_attribute_count; ++d)
      tp[static_cast<std::size_t>(d)] += total.d[static_cast<std::size_t>(d)];
    for (int d = 0; d < segment_parameter_count; ++d)
      g.segment[static_cast<std::size_t>(d)] += total.d[static_cast<std::size_t>(touchpoint_attribute_count + d)];
  }
  residual = std::max(residual, worst);
  return g;
}

}  // namespace cxsim
