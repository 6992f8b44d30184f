#include "sim/segment_chain.hpp"

#include "sim/parallel.hpp"
#include "sim/segment_chain_assembly.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

// The chain. Per segment and multiplier value m, every outcome of a visit to a state is
// enumerated with its probability (sim/visit_outcomes.hpp). With Q the visit-to-visit
// transition probabilities (abandonment and endings leave the chain):
//   expected visits x:       (I - Q)^T x = e_start; every per-touchpoint figure is an
//                            x-weighted expectation of one visit's outcome;
//   silent churn:            A, retained with no later forgiveness, weighted by e^{-lambda *
//                            future friction}: (I - Qa) A = a; B, retained after a later
//                            forgiveness: (I - Q) B = F A + b. Qa holds the visits that are not
//                            forgiven, weighted by e^{-lambda delta}; retained = A_start + B_start;
//   the last straw:          phi, the expected e^{-lambda L} at arrivals (L the load since the
//                            last forgiveness): (I - Qa)^T phi = e_start + R x, R the forgiven
//                            flows; W, the probability of reaching a retained ending with no
//                            forgiveness and no abandonment: (I - Qn) W = w. A visit with friction
//                            delta is the last straw with probability
//                            phi (1 - e^{-lambda delta}) x (not abandoned, not forgiven) x W(next);
//   recoveries:              forgiveness counts as a recovery only where the load was > 0. The
//                            visits with zero load y solve (I - Q0)^T y = e_start + R x, Q0 the
//                            frictionless visits that are not forgiven.

namespace cxsim {

namespace {

using Vec = Eigen::VectorXd;
using Triplet = Eigen::Triplet<double>;

constexpr double residual_limit = 1e-8;

std::string describe(const Journey& j, std::size_t k) {
  const auto& id = j.touchpoint(k).id;
  return id.empty() ? "#" + std::to_string(k) : "'" + id + "'";
}

std::string describe_list(const Journey& j, const std::vector<std::size_t>& ks) {
  std::ostringstream out;
  const std::size_t shown = std::min<std::size_t>(ks.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) out << (i ? ", " : "") << describe(j, ks[i]);
  if (ks.size() > shown) out << " and " << ks.size() - shown << " more";
  return out.str();
}

double relative_residual(const Vec& residual, const Vec& rhs) {
  const double r = residual.norm();
  const double b = rhs.norm();
  return b > 0.0 ? r / b : r;
}

}  // namespace

SegmentChain::SegmentChain(const Journey& j, std::size_t segment_index, const Segment& seg, Reach reach)
    : j_(&j),
      s_(segment_index),
      seg_(&seg),
      reach_(reach),
      chain_(enumerate_chain_states(j, segment_index, seg, reach)) {
  if (!chain_.dead_ends.empty() && reach == Reach::possible) {
    const auto& d = chain_.dead_ends.front();
    throw SolverError("touchpoint " + describe(*j_, d.touchpoint) + " has no transition for a visit that " +
                      (d.failed ? "fails" : "does not fail") + " (segment '" + seg_->name + "')");
  }
  if (!chain_.trapped.empty() && reach == Reach::structural)
    throw SolverError("derivatives cannot be computed for segment '" + seg_->name +
                      "': moving an attribute now at 0 or 1 would let customers reach touchpoint" +
                      (chain_.trapped.size() > 1 ? "s " : " ") + describe_list(*j_, chain_.trapped) +
                      ", where they could reach no ending and feel no friction to abandon on");
  if (!chain_.trapped.empty())
    fail(std::string("customers who reach touchpoint") + (chain_.trapped.size() > 1 ? "s " : " ") +
         describe_list(*j_, chain_.trapped) + " can reach no ending and feel no friction to abandon on");
}

void SegmentChain::fail(const std::string& what) const {
  throw SolverError("the journey has a loop customers can never leave: " + what + " (segment '" + seg_->name + "')");
}

SegmentChain::~SegmentChain() = default;

const SegmentChain::Assembly& SegmentChain::assemble(double m, bool for_gradient, ChainPatternWriter* check) {
  using Model = FrictionModel;
  if (!assembly_) assembly_ = std::make_unique<Assembly>();
  Assembly& a = *assembly_;
  a.endings.clear();
  a.edge_flows.clear();
  a.retained_arrivals.clear();
  const std::size_t n = chain_.states.size();
  const int ni = static_cast<int>(n);
  a.n = ni;
  const double lambda = seg_->silent_churn;
  a.churn = lambda > 0.0 || for_gradient;
  const bool resets = chain_.resets;

  auto& q = a.q;
  auto& qa = a.qa;
  auto& qn = a.qn;
  auto& q0 = a.q0;
  auto& r = a.r;
  auto& f = a.f;
  auto& s = a.s;
  for (auto* t : {&q, &qa, &qn, &q0, &r, &f}) t->clear();
  for (auto& t : s) t.clear();
  for (int i = 0; i < ni; ++i) {
    q.emplace_back(i, i, 1.0);
    if (a.churn) qa.emplace_back(i, i, 1.0);
    if (a.churn && resets) qn.emplace_back(i, i, 1.0);
    if (chain_.free_resets) q0.emplace_back(i, i, 1.0);
  }
  a.per_visit.assign(n, TouchpointFigures{});
  a.forgiven_free.assign(n, 0.0);
  a.a = Vec::Zero(ni);
  a.b = Vec::Zero(ni);
  a.w = Vec::Zero(ni);
  for (auto& v : a.straw) v = Vec::Zero(ni);

  if (check) check->start(*j_, *seg_, chain_);
  for (int i = 0; i < ni; ++i) {
    const ChainState st = chain_.states[static_cast<std::size_t>(i)];
    if (check) check->state(st);
    TouchpointFigures& t = a.per_visit[static_cast<std::size_t>(i)];
    double carry = 0.0;                          // probability of the branch and of not abandoning
    double churn_weight = 1.0;                   // e^{-lambda delta}
    double straw = 0.0;                          // carry x (1 - e^{-lambda delta}): the load crosses the threshold here
    std::array<double, friction_count> share{};  // the branch's friction parts as shares of delta
    for_each_visit_outcome(
        *j_, s_, *seg_, m, st,
        [&](const VisitBranch& br) {
          if (check) check->branch(br);
          t[fig_failures] += br.p * br.failed;
          t[fig_averted] += br.p * br.averted;
          t[fig_repeats] += br.p * br.repeated;
          for (int c = 0; c < friction_count; ++c) t[fig_friction + c] += br.p * br.parts.part[c];
          share = {};
          carry = br.p;
          if (br.delta > 0.0) {
            for (int c = 0; c < friction_count; ++c) share[c] = br.parts.part[c] / br.delta;
            const double quit = br.p * Model::abandonment_probability(br.delta);
            t[fig_abandoned] += quit;
            for (int c = 0; c < friction_count; ++c) {
              t[fig_abandoned_by + c] += quit * share[c];
              t[fig_cause + c] += quit * share[c];
            }
            carry = br.p * std::exp(-br.delta);
          }
          churn_weight = a.churn ? std::exp(-lambda * br.delta) : 1.0;
          straw = a.churn ? carry * Model::silent_churn_probability(lambda, br.delta) : 0.0;
        },
        [&](const VisitBranch& br, const VisitContinuation& c) {
          if (check) check->continuation(*j_, chain_, c);
          const double w = carry * c.p;
          if (!for_gradient) a.edge_flows.push_back({i, c.edge, w});
          if (c.forgiven) {
            // After a visit with friction the load is > 0: always a recovery.
            t[fig_recoveries] += w;
            if (!br.positive) a.forgiven_free[static_cast<std::size_t>(i)] += w;
          }
          if (j_->is_terminal(c.to)) {
            a.endings.push_back({i, static_cast<std::uint32_t>(c.to), w});
            if (!retained_ending(*j_, c.to)) {
              t[fig_routed] += w;
              t[fig_cause + Model::routed_cause(br.failed)] += w;
            } else if (a.churn) {
              if (!for_gradient)
                a.retained_arrivals.push_back(
                    {i, static_cast<std::uint32_t>(c.to), c.forgiven ? 0.0 : w * churn_weight, c.forgiven ? w : 0.0});
              if (c.forgiven) {
                a.b[i] += w;
              } else {
                a.a[i] += w * churn_weight;
                a.w[i] += w;
                for (int k = 0; k < friction_count; ++k)
                  a.straw[static_cast<std::size_t>(k)][i] += straw * c.p * share[k];
              }
            }
            return;
          }
          const std::int32_t to = chain_.at(c.next);
          if (to < 0) return;         // a state the chain lacks: only with numbers of another pattern (check says so)
          q.emplace_back(to, i, -w);  // transposed: column i holds the flow out of i
          if (a.churn) {
            // Explicit zeros keep the pattern the same for every m (analysed once).
            qa.emplace_back(i, to, c.forgiven ? 0.0 : -w * churn_weight);
            if (resets) qn.emplace_back(i, to, c.forgiven ? 0.0 : -w);
            if (c.forgiven) {
              f.emplace_back(i, to, w);
            } else {
              for (int k = 0; k < friction_count; ++k)
                if (share[k] > 0.0) s[static_cast<std::size_t>(k)].emplace_back(i, to, straw * c.p * share[k]);
            }
          }
          if (c.forgiven && (a.churn || chain_.free_resets)) r.emplace_back(to, i, w);
          if (chain_.free_resets && !c.forgiven && !br.positive) q0.emplace_back(to, i, -w);
        },
        reach_);
  }

  a.mt_ = &a.mt.assemble(ni, q);
  // Without a way to a retained ending free of forgiveness, A = 0 and nobody churns silently.
  a.need_a = a.churn && (for_gradient || a.a.cwiseAbs().maxCoeff() > 0.0);
  if (a.need_a) {
    a.ma_ = &a.ma.assemble(ni, qa);
    if (resets) a.mn_ = &a.mn.assemble(ni, qn);
    for (std::size_t k = 0; k < friction_count; ++k) a.s_[k] = &a.ss[k].assemble(ni, s[k]);
  }
  if (a.churn && resets) a.f_ = &a.ff.assemble(ni, f);
  if (a.churn || chain_.free_resets) a.r_ = &a.rr.assemble(ni, r);
  if (chain_.free_resets) a.yt_ = &a.yt.assemble(ni, q0);
  return a;
}

void SegmentChain::factorize(Factor& f, const SpMat& matrix, const char* which) const {
  // The sparsity pattern does not depend on m: the ordering is analysed once per segment and the
  // pivots reused (sim/klu_factor.hpp).
  if (!f.lu.factorize(matrix))
    throw SolverError(std::string("the ") + which + " system of segment '" + seg_->name +
                      "' is numerically singular (" + f.lu.why() +
                      "); are some probabilities so close to 1 that customers effectively never leave a loop?");
}

Eigen::VectorXd SegmentChain::solve_checked(KluFactor& lu, bool transpose, const SpMat& matrix, const Vec& rhs,
                                            const char* which, double& worst) const {
  Vec x = transpose ? lu.solve_transposed(rhs) : lu.solve(rhs);
  const auto residual_of = [&](const Vec& y) {
    return transpose ? relative_residual(matrix.transpose() * y - rhs, rhs) : relative_residual(matrix * y - rhs, rhs);
  };
  double r = residual_of(x);
  // Factors that reuse earlier pivots get one more chance with pivots of their own.
  if ((!std::isfinite(r) || r > residual_limit) && lu.refactored() && lu.factorize_afresh(matrix)) {
    x = transpose ? lu.solve_transposed(rhs) : lu.solve(rhs);
    r = residual_of(x);
  }
  if (!std::isfinite(r) || r > residual_limit) {
    std::ostringstream out;
    out << "the " << which << " system of segment '" << seg_->name
        << "' is too ill-conditioned to solve (relative residual " << r << ")";
    throw SolverError(out.str());
  }
  worst = std::max(worst, r);
  return x;
}

// Per-touchpoint figures: x-weighted expectations of one visit; visits to endings; outcomes.
void SegmentChain::expected_figures(const Assembly& a, const Vec& x, Figures& fig) const {
  for (std::size_t i = 0; i < chain_.states.size(); ++i) {
    const double xi = x[static_cast<int>(i)];
    TouchpointFigures& t = fig.touchpoints[chain_.states[i].k];
    t[fig_visits] += xi;
    for (int f = 1; f < touchpoint_figure_count; ++f) t[f] += xi * a.per_visit[i][f];
  }
  for (const auto& e : a.endings) fig.touchpoints[e.ending][fig_visits] += x[e.from] * e.p;
  fig.transitions.assign(j_->transitions().size(), 0.0);
  for (const auto& e : a.edge_flows) fig.transitions[e.edge] += x[e.from] * e.p;
  double abandoned = 0.0, routed = 0.0, reach_retained = 0.0;
  for (std::size_t k = 0; k < j_->size(); ++k) {
    if (j_->is_terminal(k))
      (retained_ending(*j_, k) ? reach_retained : routed) += fig.touchpoints[k][fig_visits];
    else
      abandoned += fig.touchpoints[k][fig_abandoned];
  }
  fig.outcomes[static_cast<int>(Ending::abandoned)] = abandoned;
  fig.outcomes[static_cast<int>(Ending::routed_defection)] = routed;
  fig.outcomes[static_cast<int>(Ending::retained)] = reach_retained;
}

// Forgiving a visit made with zero load is no recovery.
void SegmentChain::subtract_zero_load_recoveries(const Assembly& a, const Vec& x, Figures& fig, double& worst) {
  Vec rhs = a.R() * x;
  rhs[0] += 1.0;
  const Vec y = solve_checked(zero_load_.lu, false, a.Yt(), rhs, "zero-load visits", worst);
  for (std::size_t i = 0; i < chain_.states.size(); ++i)
    fig.touchpoints[chain_.states[i].k][fig_recoveries] -= y[static_cast<int>(i)] * a.forgiven_free[i];
  for (auto& t : fig.touchpoints) t[fig_recoveries] = std::max(0.0, t[fig_recoveries]);  // rounding
}

// Silent churn: how many reach a retained ending and still leave, and the visit blamed for each.
void SegmentChain::silent_churn(const Assembly& a, const Vec& x, Figures& fig, double& worst) {
  const double reach_retained = fig.outcomes[static_cast<int>(Ending::retained)];
  Vec A = Vec::Zero(a.n);
  if (a.need_a) A = solve_checked(churn_a_.lu, false, a.Ma(), a.a, "silent-churn (A)", worst);
  double retained = A[0];
  if (chain_.resets) {
    const Vec rhs = a.F() * A + a.b;
    // (I - Q) B = F A + b, through the transpose of the factorization of (I - Q)^T.
    const Vec B = solve_checked(visits_.lu, true, a.Mt(), rhs, "silent-churn (B)", worst);
    retained += B[0];
  }
  fig.outcomes[static_cast<int>(Ending::retained)] = retained;
  fig.outcomes[static_cast<int>(Ending::silent_churn)] = std::max(0.0, reach_retained - retained);
  // Where the churned customers leave: at each retained ending, its arrivals less those retained
  // there (the forgiven ones, and the others weighted by the expected e^{-lambda L} at arrival).
  fig.silent_churn_at.assign(j_->size(), 0.0);
  std::vector<double> kept(j_->size(), 0.0);
  for (const auto& r : a.retained_arrivals) kept[r.ending] += x[r.from] * r.b;
  Vec phi;
  if (a.need_a) {
    Vec rhs = a.R() * x;
    rhs[0] += 1.0;
    phi = solve_checked(churn_a_.lu, true, a.Ma(), rhs, "load-at-arrival", worst);
    for (const auto& r : a.retained_arrivals) kept[r.ending] += phi[r.from] * r.a;
  }
  for (std::size_t k = 0; k < j_->size(); ++k)
    if (j_->is_terminal(k) && retained_ending(*j_, k))
      fig.silent_churn_at[k] = std::max(0.0, fig.touchpoints[k][fig_visits] - kept[k]);
  if (!a.need_a) return;
  const Vec W = chain_.resets ? solve_checked(no_reset_.lu, false, a.Mn(), a.w, "no-forgiveness", worst)
                              : solve_checked(visits_.lu, true, a.Mt(), a.w, "no-forgiveness", worst);
  for (int c = 0; c < friction_count; ++c) {
    const Vec blame = phi.cwiseProduct(a.S(c) * W + a.straw[static_cast<std::size_t>(c)]);
    for (std::size_t i = 0; i < chain_.states.size(); ++i) {
      TouchpointFigures& t = fig.touchpoints[chain_.states[i].k];
      t[fig_silent] += blame[static_cast<int>(i)];
      t[fig_cause + c] += blame[static_cast<int>(i)];
    }
  }
}

void SegmentChain::check_figures(const Figures& fig) const {
  auto finite = [](double v) { return std::isfinite(v); };
  bool ok = std::all_of(fig.outcomes.begin(), fig.outcomes.end(), finite);
  for (const auto& t : fig.touchpoints) ok = ok && std::all_of(t.value.begin(), t.value.end(), finite);
  if (!ok)
    throw SolverError("the figures of segment '" + seg_->name +
                      "' are not finite: some number of the scenario is too extreme to compute with");
  double total = 0.0;
  for (const double o : fig.outcomes) total += o;
  if (std::fabs(total - 1.0) > 1e-6) {
    std::ostringstream out;
    out << "the outcome shares of segment '" << seg_->name << "' sum to " << total
        << " instead of 1: the journey's numbers are too extreme to solve accurately";
    throw SolverError(out.str());
  }
}

Figures SegmentChain::solve(double m, double& residual) {
  if (chain_.states.empty()) return solve_assembled(Assembly{}, residual);
  return solve_assembled(assemble(m), residual);
}

std::optional<Figures> SegmentChain::solve_if_same_pattern(const ChainPattern& pattern, double& residual) {
  ChainPatternWriter check(pattern);
  if (chain_.states.empty()) {
    check.start(*j_, *seg_, chain_);
    if (!check.same()) return std::nullopt;
    return solve_assembled(Assembly{}, residual);
  }
  const Assembly& a = assemble(1.0, false, &check);
  if (!check.same()) return std::nullopt;
  return solve_assembled(a, residual);
}

Figures SegmentChain::solve_assembled(const Assembly& a, double& residual) {
  Figures fig;
  fig.touchpoints.resize(j_->size());
  if (chain_.states.empty()) {  // the journey starts at an ending
    const std::size_t start = j_->start();
    fig.touchpoints[start][fig_visits] = 1.0;
    fig.outcomes[static_cast<int>(retained_ending(*j_, start) ? Ending::retained : Ending::routed_defection)] = 1.0;
    return fig;
  }
  // Isolated: while waiting, this thread must not pick up another quadrature node, which would
  // reuse this (thread-local) chain in the middle of its solve.
  tbb::this_task_arena::isolate([&] {
    parallel::invoke([&] { factorize(visits_, a.Mt(), "expected-visits"); },
                     [&] {
                       if (a.need_a) factorize(churn_a_, a.Ma(), "silent-churn");
                     },
                     [&] {
                       if (a.need_a && chain_.resets) factorize(no_reset_, a.Mn(), "no-forgiveness");
                     },
                     [&] {
                       if (chain_.free_resets) factorize(zero_load_, a.Yt(), "zero-load visits");
                     });
  });
  double worst = 0.0;
  Vec e = Vec::Zero(a.n);
  e[0] = 1.0;  // the start state is state 0
  const Vec x = solve_checked(visits_.lu, false, a.Mt(), e, "expected-visits", worst);
  expected_figures(a, x, fig);
  if (chain_.free_resets) subtract_zero_load_recoveries(a, x, fig, worst);
  if (a.churn) silent_churn(a, x, fig, worst);
  check_figures(fig);
  residual = std::max(residual, worst);
  return fig;
}

}  // namespace cxsim
