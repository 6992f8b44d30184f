#include "sim/exact_solver.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/OrderingMethods>
#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <boost/math/special_functions/gamma.hpp>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_invoke.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <deque>
#include <limits>
#include <sstream>
#include <vector>

#include "models/friction.hpp"

// The chain. Per segment and multiplier value m, the customer's state before a visit is
// (touchpoint k, guard g, seen s). States reachable from (start, 0, 0) are enumerated once per
// segment (which states are reachable does not depend on m > 0), and every visit outcome is
// enumerated exactly as walk_customer draws it:
//   fail (1 - r), averted if g; repeat (1 - l) if the model lets a seen customer repeat;
//   abandon (1 - e^-D); forgive (f, only where q > 0 and the visit did not fail); trust (t, if
//   g = 0 after the reliability draw); then the route (fail edges if failed, else ok edges).
// Expected visits x solve (I - Q)^T x = e_start; every per-touchpoint figure is an x-weighted
// expectation of one visit's outcome. Silent churn needs E[exp(-lambda L)] at retained
// terminals, with L reset at recoveries: the two coupled systems A and B of MODEL.md.
//
// Whether the load is > 0 (z) matters only to count recoveries (counted where the load was > 0
// at the reset); nothing else depends on it. Rather than doubling the chain with z, the
// expected visits with zero load y solve (I - Q0)^T y = e_start + R^T x, where Q0 holds the
// frictionless visits that are not forgiven (they keep a zero load zero) and R the forgiven
// ones (they make the load zero whatever it was). A forgiveness after a visit with friction
// always counts; after a frictionless one it counts on the x - y visits that carried load.

namespace cxsim {
namespace {

using SpMat = Eigen::SparseMatrix<double>;
using Vec = Eigen::VectorXd;
using Triplet = Eigen::Triplet<double>;
using LU = Eigen::SparseLU<SpMat, Eigen::COLAMDOrdering<int>>;

constexpr double residual_limit = 1e-8;
constexpr double quadrature_tolerance = 1e-10;
constexpr int quadrature_first = 16;
constexpr int quadrature_last = 128;
constexpr int tanh_sinh_first = 3;  // 65 points before pruning
constexpr int tanh_sinh_last = 7;   // 1025 points before pruning

struct StateKey {
  std::uint32_t k = 0;
  bool guard = false, seen = false;
};

std::size_t slot(const StateKey& s) {
  return (static_cast<std::size_t>(s.k) * 2 + s.guard) * 2 + s.seen;
}

// One combination of the reliability and relevance draws of a visit.
struct Branch {
  double p = 0.0;  // probability of this combination
  bool failed = false, averted = false, repeated = false;
  FrictionParts parts;   // scaled by m
  double delta = 0.0;    // parts.total()
  bool positive = false;  // delta > 0 (decided on the unscaled parts: m > 0 never changes it)
};

// One way of carrying on after a branch the customer did not abandon.
struct Continuation {
  double p = 0.0;  // forgiveness x trust x route probability (abandonment not included)
  bool forgiven = false;
  std::size_t to = 0;
  StateKey next;
};

bool ok_visit_possible(double r, bool guard) { return r > 0.0 || (guard && r < 1.0); }
bool failed_visit_possible(double r, bool guard) { return !guard && r < 1.0; }

// Every outcome of a visit to non-terminal st.k, as walk_customer draws them.
template <class OnBranch, class OnContinuation>
void expand(const Journey& j, const Segment& seg, double m, const StateKey& st, OnBranch&& on_branch,
            OnContinuation&& on_continuation) {
  const std::size_t k = st.k;
  const double r = j.reliability()[k], l = j.relevance()[k], t = j.trust()[k], q = j.recovery()[k];
  const double gap = value_gap(seg.value_expectation, j.value()[k]);
  const bool can_repeat = FrictionModel::can_repeat(st.seen);
  for (int fail_draw = 0; fail_draw < 2; ++fail_draw) {
    const double pf = fail_draw ? 1.0 - r : r;
    if (!(pf > 0.0)) continue;
    const bool averted = fail_draw && st.guard;
    const bool failed = fail_draw && !st.guard;
    const bool guard_after = st.guard && !fail_draw;  // an averted failure uses the guard up
    const double f = (q > 0.0 && !failed) ? forgiveness_probability(q) : 0.0;
    const auto edges = j.route(k, failed ? Journey::after_fail : Journey::after_ok);
    for (int repeat_draw = 0; repeat_draw < 2; ++repeat_draw) {
      const double pr = repeat_draw ? (can_repeat ? 1.0 - l : 0.0) : (can_repeat ? l : 1.0);
      if (!(pr > 0.0)) continue;
      Branch b;
      b.p = pf * pr;
      b.failed = failed;
      b.averted = averted;
      b.repeated = repeat_draw != 0;
      b.parts = friction_of_visit(seg, m, failed, b.repeated, gap);
      b.delta = b.parts.total();
      b.positive = friction_of_visit(seg, 1.0, failed, b.repeated, gap).total() > 0.0;
      on_branch(b);
      for (int forgive_draw = 0; forgive_draw < 2; ++forgive_draw) {
        const double pg = forgive_draw ? f : 1.0 - f;
        if (!(pg > 0.0)) continue;
        for (int trust_draw = 0; trust_draw < 2; ++trust_draw) {
          bool guard_next;
          double pt;
          if (guard_after) {
            if (trust_draw) continue;
            guard_next = true;
            pt = 1.0;
          } else {
            guard_next = trust_draw != 0;
            pt = guard_next ? t : 1.0 - t;
          }
          if (!(pt > 0.0)) continue;
          for (const auto i : edges) {
            const double pe = j.probability(i);
            if (!(pe > 0.0)) continue;
            Continuation c;
            c.p = pg * pt * pe;
            c.forgiven = forgive_draw != 0;
            c.to = j.transitions()[i].to;
            c.next = StateKey{static_cast<std::uint32_t>(c.to), guard_next, true};
            on_continuation(b, c);
          }
        }
      }
    }
  }
}

bool has_positive_route(const Journey& j, std::size_t k, Journey::Route r) {
  for (const auto i : j.route(k, r))
    if (j.probability(i) > 0.0) return true;
  return false;
}

std::string describe(const Journey& j, std::size_t k) {
  const auto& id = j.touchpoint(k).id;
  return id.empty() ? "#" + std::to_string(k) : "'" + id + "'";
}

bool retained_terminal(const Journey& j, std::size_t k) {
  // walk_customer treats every terminal that is not `defected` as a completed journey.
  return j.outcomes()[k] != Outcome::defected;
}

double relative_residual(const Vec& residual, const Vec& rhs) {
  const double r = residual.norm();
  const double b = rhs.norm();
  return b > 0.0 ? r / b : r;
}

// What one visit to a state contributes to the per-touchpoint figures.
struct StateStats {
  double failures = 0, averted = 0, repeats = 0, abandoned = 0;
  double forgiven_loaded = 0;  // forgiveness after a visit with friction: always a recovery
  double forgiven_free = 0;    // after a frictionless visit: a recovery if the load was > 0
  std::array<double, friction_count> abandoned_by{}, friction{};
};

struct Flow {
  std::int32_t from;
  std::uint32_t terminal;
  double p;
};

class SegmentSolver {
 public:
  SegmentSolver(const Journey& j, const Segment& seg) : j_(j), seg_(seg) { build(); }

  // Expected figures of one customer of the segment with multiplier m (segments left empty).
  Figures solve(double m, double& residual);

 private:
  void build();
  void check_trapped(const std::vector<std::vector<std::int32_t>>& successors,
                     const std::vector<std::uint8_t>& exits) const;
  [[noreturn]] void fail(const std::string& what) const {
    throw SolverError("the journey has a loop customers can never leave: " + what + " (segment '" +
                      seg_.name + "')");
  }
  void factorize(LU& lu, const SpMat& M, bool& analyzed, const char* which) const;
  void check(double r, const char* which) const;

  const Journey& j_;
  const Segment& seg_;
  std::vector<StateKey> states_;
  std::vector<std::int32_t> index_;  // by slot(), -1 when unreachable
  bool resets_ = false;              // some reachable visit can be forgiven
  bool free_resets_ = false;         // ... some of them after a frictionless visit
  LU lu_, lu_a_, lu_y_;
  bool analyzed_ = false, analyzed_a_ = false, analyzed_y_ = false;
};

void SegmentSolver::build() {
  const std::size_t start = j_.start();
  index_.assign(4 * j_.size(), -1);
  if (j_.is_terminal(start)) return;
  std::deque<std::int32_t> queue;
  auto add = [&](const StateKey& s) {
    auto& idx = index_[slot(s)];
    if (idx < 0) {
      idx = static_cast<std::int32_t>(states_.size());
      states_.push_back(s);
      queue.push_back(idx);
    }
    return idx;
  };
  add(StateKey{static_cast<std::uint32_t>(start), false, false});
  std::vector<std::vector<std::int32_t>> successors;
  std::vector<std::uint8_t> exits;
  while (!queue.empty()) {
    const std::int32_t i = queue.front();
    queue.pop_front();
    const StateKey st = states_[static_cast<std::size_t>(i)];
    const double r = j_.reliability()[st.k];
    if (ok_visit_possible(r, st.guard) && !has_positive_route(j_, st.k, Journey::after_ok))
      throw SolverError("touchpoint " + describe(j_, st.k) +
                        " has no transition for a visit that does not fail");
    if (failed_visit_possible(r, st.guard) && !has_positive_route(j_, st.k, Journey::after_fail))
      throw SolverError("touchpoint " + describe(j_, st.k) +
                        " has no transition for a visit that fails");
    std::vector<std::int32_t> next;
    bool exit = false;
    expand(
        j_, seg_, 1.0, st,
        [&](const Branch& b) {
          exit = exit || b.positive;  // the customer can abandon here
        },
        [&](const Branch& b, const Continuation& c) {
          if (c.forgiven) {
            resets_ = true;
            free_resets_ = free_resets_ || !b.positive;
          }
          if (j_.is_terminal(c.to)) {
            exit = true;
          } else {
            next.push_back(add(c.next));
          }
        });
    if (successors.size() <= static_cast<std::size_t>(i)) {
      successors.resize(static_cast<std::size_t>(i) + 1);
      exits.resize(static_cast<std::size_t>(i) + 1, 0);
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    successors[static_cast<std::size_t>(i)] = std::move(next);
    exits[static_cast<std::size_t>(i)] = exit;
  }
  check_trapped(successors, exits);
}

// States from which no terminal and no abandonment can ever be reached make I - Q singular:
// name their touchpoints.
void SegmentSolver::check_trapped(const std::vector<std::vector<std::int32_t>>& successors,
                                  const std::vector<std::uint8_t>& exits) const {
  const std::size_t n = states_.size();
  std::vector<std::vector<std::int32_t>> predecessors(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto s : successors[i]) predecessors[static_cast<std::size_t>(s)].push_back(static_cast<std::int32_t>(i));
  std::vector<std::uint8_t> leaves(n, 0);
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < n; ++i)
    if (exits[i]) {
      leaves[i] = 1;
      stack.push_back(i);
    }
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    for (const auto p : predecessors[i])
      if (!leaves[static_cast<std::size_t>(p)]) {
        leaves[static_cast<std::size_t>(p)] = 1;
        stack.push_back(static_cast<std::size_t>(p));
      }
  }
  std::vector<std::size_t> trapped;
  for (std::size_t i = 0; i < n; ++i)
    if (!leaves[i]) trapped.push_back(states_[i].k);
  if (trapped.empty()) return;
  std::sort(trapped.begin(), trapped.end());
  trapped.erase(std::unique(trapped.begin(), trapped.end()), trapped.end());
  std::ostringstream out;
  out << "customers who reach touchpoint" << (trapped.size() > 1 ? "s " : " ");
  const std::size_t shown = std::min<std::size_t>(trapped.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) out << (i ? ", " : "") << describe(j_, trapped[i]);
  if (trapped.size() > shown) out << " and " << trapped.size() - shown << " more";
  out << " can reach no terminal and feel no friction to abandon on";
  fail(out.str());
}

void SegmentSolver::factorize(LU& lu, const SpMat& M, bool& analyzed, const char* which) const {
  // The sparsity pattern does not depend on m: analyse (COLAMD) once per segment.
  if (!analyzed) {
    lu.analyzePattern(M);
    analyzed = true;
  }
  lu.factorize(M);
  if (lu.info() != Eigen::Success)
    fail(std::string("the ") + which + " system is singular (" + lu.lastErrorMessage() + ")");
}

void SegmentSolver::check(double r, const char* which) const {
  if (!std::isfinite(r) || r > residual_limit) {
    std::ostringstream out;
    out << "the " << which << " system is too ill-conditioned to solve (relative residual " << r
        << ")";
    fail(out.str());
  }
}

Figures SegmentSolver::solve(double m, double& residual) {
  Figures fig;
  fig.touchpoints.resize(j_.size());
  const std::size_t start = j_.start();
  if (states_.empty()) {  // the journey starts at a terminal
    fig.touchpoints[start].visits = 1.0;
    fig.outcomes[static_cast<int>(retained_terminal(j_, start) ? Ending::retained
                                                               : Ending::routed_defection)] = 1.0;
    return fig;
  }
  const std::size_t n = states_.size();
  const int ni = static_cast<int>(n);
  const double lambda = seg_.silent_churn;
  const bool churn = lambda > 0.0;

  // I - Q (stored transposed), I - Q_A, forgiven continuation mass (F, for B), and for the
  // zero-load visits: I - Q0 (transposed) and the forgiven flows R.
  std::vector<Triplet> q, qa, fr, q0, resets;
  q.reserve(n * 8);
  if (churn) qa.reserve(n * 8);
  for (int i = 0; i < ni; ++i) {
    q.emplace_back(i, i, 1.0);
    if (churn) qa.emplace_back(i, i, 1.0);
    if (free_resets_) q0.emplace_back(i, i, 1.0);
  }
  std::vector<StateStats> stats(n);
  std::vector<Flow> flows;
  Vec a_term = Vec::Zero(ni), b_term = Vec::Zero(ni);

  for (int i = 0; i < ni; ++i) {
    const StateKey st = states_[static_cast<std::size_t>(i)];
    StateStats& s = stats[static_cast<std::size_t>(i)];
    double carry = 0.0, churn_weight = 0.0;  // continue probability, e^{-lambda D}, of the branch
    expand(
        j_, seg_, m, st,
        [&](const Branch& b) {
          s.failures += b.p * b.failed;
          s.averted += b.p * b.averted;
          s.repeats += b.p * b.repeated;
          for (int c = 0; c < friction_count; ++c) s.friction[c] += b.p * b.parts.part[c];
          carry = b.p;
          if (b.delta > 0.0) {
            const double quit = b.p * abandonment_probability(b.delta);
            s.abandoned += quit;
            for (int c = 0; c < friction_count; ++c) s.abandoned_by[c] += quit * b.parts.part[c] / b.delta;
            carry = b.p * std::exp(-b.delta);
          }
          churn_weight = churn ? std::exp(-lambda * b.delta) : 1.0;
        },
        [&](const Branch& b, const Continuation& c) {
          const double w = carry * c.p;
          if (c.forgiven) (b.positive ? s.forgiven_loaded : s.forgiven_free) += w;
          if (j_.is_terminal(c.to)) {
            flows.push_back(Flow{i, static_cast<std::uint32_t>(c.to), w});
            if (churn && retained_terminal(j_, c.to)) {
              if (c.forgiven)
                b_term[i] += w;
              else
                a_term[i] += w * churn_weight;
            }
            return;
          }
          const std::int32_t to = index_[slot(c.next)];
          q.emplace_back(to, i, -w);  // transposed: column i holds the flow out of i
          if (churn) {
            // Explicit zeros keep the pattern the same for every m (analysed once).
            qa.emplace_back(i, to, c.forgiven ? 0.0 : -w * churn_weight);
            if (resets_ && c.forgiven) fr.emplace_back(i, to, w);
          }
          if (free_resets_) {
            if (c.forgiven)
              resets.emplace_back(to, i, w);
            else if (!b.positive)
              q0.emplace_back(to, i, -w);
          }
        });
  }

  // Expected visits: (I - Q)^T x = e_start. The matrix is assembled already transposed, so the
  // factorization serves x directly and B through its transpose. The (independent)
  // factorizations run in parallel.
  SpMat Mt(ni, ni), Ma, Yt;
  Mt.setFromTriplets(q.begin(), q.end());
  // Without a way to a retained terminal free of resets A = 0: no system to solve.
  const bool need_a = churn && a_term.cwiseAbs().maxCoeff() > 0.0;
  if (need_a) {
    Ma.resize(ni, ni);
    Ma.setFromTriplets(qa.begin(), qa.end());
  }
  if (free_resets_) {
    Yt.resize(ni, ni);
    Yt.setFromTriplets(q0.begin(), q0.end());
  }
  // Isolated: while waiting, this thread must not pick up another quadrature node, which would
  // reuse this (thread-local) solver in the middle of its solve.
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_invoke(
        [&] { factorize(lu_, Mt, analyzed_, "expected-visits"); },
        [&] { if (need_a) factorize(lu_a_, Ma, analyzed_a_, "silent-churn (A)"); },
        [&] { if (free_resets_) factorize(lu_y_, Yt, analyzed_y_, "zero-load visits"); });
  });
  Vec e = Vec::Zero(ni);
  e[0] = 1.0;  // the start state is state 0
  const Vec x = lu_.solve(e);
  double worst = relative_residual(Mt * x - e, e);
  check(worst, "expected-visits");

  std::vector<double> terminal_visits(j_.size(), 0.0);
  for (const auto& f : flows) terminal_visits[f.terminal] += x[f.from] * f.p;
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[static_cast<int>(i)];
    const StateStats& s = stats[i];
    TouchpointFigures& t = fig.touchpoints[states_[i].k];
    t.visits += xi;
    t.failures += xi * s.failures;
    t.averted += xi * s.averted;
    t.repeats += xi * s.repeats;
    t.abandoned += xi * s.abandoned;
    t.recoveries += xi * (s.forgiven_loaded + s.forgiven_free);
    for (int c = 0; c < friction_count; ++c) {
      t.abandoned_by[c] += xi * s.abandoned_by[c];
      t.friction[c] += xi * s.friction[c];
    }
  }
  if (free_resets_) {
    // Visits with zero load: (I - Q0)^T y = e_start + R^T x. Forgiving them is no recovery.
    SpMat R(ni, ni);
    R.setFromTriplets(resets.begin(), resets.end());
    const Vec rhs = e + R * x;
    const Vec y = lu_y_.solve(rhs);
    const double ry = relative_residual(Yt * y - rhs, rhs);
    check(ry, "zero-load visits");
    worst = std::max(worst, ry);
    for (std::size_t i = 0; i < n; ++i)
      fig.touchpoints[states_[i].k].recoveries -= y[static_cast<int>(i)] * stats[i].forgiven_free;
    for (auto& t : fig.touchpoints) t.recoveries = std::max(0.0, t.recoveries);  // rounding
  }
  double abandoned = 0.0, routed = 0.0, reach_retained = 0.0;
  for (std::size_t k = 0; k < j_.size(); ++k) {
    if (j_.is_terminal(k)) {
      fig.touchpoints[k].visits = terminal_visits[k];
      (retained_terminal(j_, k) ? reach_retained : routed) += terminal_visits[k];
    } else {
      abandoned += fig.touchpoints[k].abandoned;
    }
  }

  double retained = reach_retained;
  if (churn) {
    Vec A = Vec::Zero(ni);
    if (need_a) {
      A = lu_a_.solve(a_term);
      const double ra = relative_residual(Ma * A - a_term, a_term);
      check(ra, "silent-churn (A)");
      worst = std::max(worst, ra);
    }
    retained = A[0];
    if (resets_) {
      SpMat F(ni, ni);
      F.setFromTriplets(fr.begin(), fr.end());
      const Vec rhs = F * A + b_term;
      // (I - Q) B = F A + b_term, through the transpose of the factorization of (I - Q)^T.
      const Vec B = lu_.transpose().solve(rhs);
      const double rb = relative_residual(Mt.transpose() * B - rhs, rhs);
      check(rb, "silent-churn (B)");
      worst = std::max(worst, rb);
      retained += B[0];
    }
  }
  fig.outcomes[static_cast<int>(Ending::retained)] = retained;
  fig.outcomes[static_cast<int>(Ending::silent_churn)] = std::max(0.0, reach_retained - retained);
  fig.outcomes[static_cast<int>(Ending::abandoned)] = abandoned;
  fig.outcomes[static_cast<int>(Ending::routed_defection)] = routed;

  auto finite = [](double v) { return std::isfinite(v); };
  bool ok = std::all_of(fig.outcomes.begin(), fig.outcomes.end(), finite);
  for (const auto& t : fig.touchpoints)
    ok = ok && finite(t.visits) && finite(t.failures) && finite(t.averted) && finite(t.repeats) &&
         finite(t.abandoned) && finite(t.recoveries) &&
         std::all_of(t.abandoned_by.begin(), t.abandoned_by.end(), finite) &&
         std::all_of(t.friction.begin(), t.friction.end(), finite);
  if (!ok) fail("the solution is not finite");
  residual = std::max(residual, worst);
  return fig;
}

// into += w * f over outcomes and touchpoints.
void add_scaled(Figures& into, const Figures& f, double w) {
  for (int e = 0; e < ending_count; ++e) into.outcomes[e] += w * f.outcomes[e];
  if (into.touchpoints.size() < f.touchpoints.size()) into.touchpoints.resize(f.touchpoints.size());
  for (std::size_t k = 0; k < f.touchpoints.size(); ++k) {
    auto& a = into.touchpoints[k];
    const auto& b = f.touchpoints[k];
    a.visits += w * b.visits;
    a.failures += w * b.failures;
    a.averted += w * b.averted;
    a.repeats += w * b.repeats;
    a.abandoned += w * b.abandoned;
    a.recoveries += w * b.recoveries;
    for (int c = 0; c < friction_count; ++c) {
      a.abandoned_by[c] += w * b.abandoned_by[c];
      a.friction[c] += w * b.friction[c];
    }
  }
}

double max_change(const Figures& a, const Figures& b) {
  double d = 0.0;
  auto at = [&](double x, double y) { d = std::max(d, std::abs(x - y)); };
  for (int e = 0; e < ending_count; ++e) at(a.outcomes[e], b.outcomes[e]);
  for (std::size_t k = 0; k < a.touchpoints.size(); ++k) {
    const auto& x = a.touchpoints[k];
    const auto& y = b.touchpoints[k];
    at(x.visits, y.visits);
    at(x.failures, y.failures);
    at(x.averted, y.averted);
    at(x.repeats, y.repeats);
    at(x.abandoned, y.abandoned);
    at(x.recoveries, y.recoveries);
    for (int c = 0; c < friction_count; ++c) {
      at(x.abandoned_by[c], y.abandoned_by[c]);
      at(x.friction[c], y.friction[c]);
    }
  }
  return d;
}

double defection_of(const Figures& f) { return f.defection_rate(); }

}  // namespace

MultiplierQuadrature multiplier_quadrature(double heterogeneity, int nodes) {
  if (!(heterogeneity > 0.0) || nodes < 1)
    throw std::invalid_argument("multiplier_quadrature needs heterogeneity > 0 and nodes >= 1");
  const double variance = heterogeneity * heterogeneity;
  const double alpha = 1.0 / variance - 1.0;  // Laguerre weight x^alpha e^-x, m = x * h^2
  Vec diag(nodes), sub(std::max(nodes - 1, 0));
  for (int i = 0; i < nodes; ++i) diag[i] = 2.0 * i + alpha + 1.0;
  for (int i = 1; i < nodes; ++i) sub[i - 1] = std::sqrt(i * (i + alpha));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig;
  eig.computeFromTridiagonal(diag, sub, Eigen::ComputeEigenvectors);
  if (eig.info() != Eigen::Success)
    throw SolverError("the multiplier quadrature did not converge (heterogeneity " +
                      std::to_string(heterogeneity) + ")");
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
      throw SolverError("the multiplier quadrature is not finite (heterogeneity " +
                        std::to_string(heterogeneity) + ")");
  }
  return out;
}

MultiplierQuadrature multiplier_tanh_sinh(double heterogeneity, int level) {
  if (!(heterogeneity > 0.0) || level < 0)
    throw std::invalid_argument("multiplier_tanh_sinh needs heterogeneity > 0 and level >= 0");
  const double variance = heterogeneity * heterogeneity;
  const double shape = 1.0 / variance;
  const double step = std::ldexp(1.0, -level);
  const int half = static_cast<int>(std::lround(4.0 / step));  // |t| <= 4: weights below 1e-30 beyond
  MultiplierQuadrature out;
  double total = 0.0;
  for (int i = -half; i <= half; ++i) {
    const double t = i * step;
    const double s = std::numbers::pi / 2.0 * std::sinh(t);
    // u = (1 + tanh s) / 2 and 1 - u, each without cancellation.
    const double u = 1.0 / (1.0 + std::exp(-2.0 * s));
    const double uc = 1.0 / (1.0 + std::exp(2.0 * s));
    const double c = std::cosh(s);
    const double w = step * std::numbers::pi / 2.0 * std::cosh(t) / (2.0 * c * c);
    if (!(w > 0.0) || !(u > 0.0) || !(uc > 0.0)) continue;
    const double x = u <= 0.5 ? boost::math::gamma_p_inv(shape, u) : boost::math::gamma_q_inv(shape, uc);
    out.multiplier.push_back(x * variance);
    out.weight.push_back(w);
    total += w;
  }
  MultiplierQuadrature kept;
  for (std::size_t i = 0; i < out.weight.size(); ++i) {
    const double w = out.weight[i] / total;
    if (w < 1e-18) continue;
    if (!std::isfinite(out.multiplier[i]) || out.multiplier[i] < 0.0)
      throw SolverError("the multiplier quadrature is not finite (heterogeneity " +
                        std::to_string(heterogeneity) + ")");
    kept.multiplier.push_back(out.multiplier[i]);
    kept.weight.push_back(w);
  }
  return kept;
}

ExactSolution solve_exact(const Journey& journey, const Population& population) {
  ExactSolution sol;
  Figures& total = sol.figures;
  total.touchpoints.assign(journey.size(), TouchpointFigures{});
  double share_sum = 0.0;
  for (const auto& s : population.segments()) share_sum += s.share;

  for (const auto& seg : population.segments()) {
    SegmentSolver solver(journey, seg);
    Figures fig;
    const double h = seg.heterogeneity;
    if (!(h > 0.0)) {
      fig = solver.solve(1.0, sol.residual);
    } else {
      sol.quadrature = true;
      // The nodes are solved in parallel, one solver (and factorization) per thread; the
      // reduction tree depends only on the node count, so the sums do not depend on threads.
      tbb::enumerable_thread_specific<std::unique_ptr<SegmentSolver>> solvers;
      struct Partial {
        Figures figures;
        double residual = 0.0;
      };
      auto integrate = [&](const MultiplierQuadrature& quad) {
        Partial identity;
        identity.figures.touchpoints.assign(journey.size(), TouchpointFigures{});
        Partial sum = tbb::parallel_deterministic_reduce(
            tbb::blocked_range<std::size_t>(0, quad.weight.size(), 1), identity,
            [&](const tbb::blocked_range<std::size_t>& r, Partial part) {
              auto& mine = solvers.local();
              if (!mine) mine = std::make_unique<SegmentSolver>(journey, seg);
              for (std::size_t i = r.begin(); i != r.end(); ++i)
                add_scaled(part.figures, mine->solve(quad.multiplier[i], part.residual),
                           quad.weight[i]);
              return part;
            },
            [](Partial a, const Partial& b) {
              add_scaled(a.figures, b.figures, 1.0);
              a.residual = std::max(a.residual, b.residual);
              return a;
            },
            tbb::simple_partitioner());
        sol.residual = std::max(sol.residual, sum.residual);
        return std::move(sum.figures);
      };
      // Gauss-Laguerre first (the cheapest for moderate h); if it has not settled within
      // quadrature_last nodes, the tanh-sinh rule, which converges for any h.
      int nodes = quadrature_first;
      std::string rule = "gauss-laguerre";
      fig = integrate(multiplier_quadrature(h, nodes));
      double change = std::numeric_limits<double>::infinity();
      while (nodes < quadrature_last && !(change < quadrature_tolerance)) {
        nodes *= 2;
        Figures finer = integrate(multiplier_quadrature(h, nodes));
        change = max_change(fig, finer);
        fig = std::move(finer);
      }
      if (!(change < quadrature_tolerance)) {
        rule = "tanh-sinh";
        auto quad = multiplier_tanh_sinh(h, tanh_sinh_first);
        Figures coarse = integrate(quad);
        for (int level = tanh_sinh_first + 1; level <= tanh_sinh_last; ++level) {
          quad = multiplier_tanh_sinh(h, level);
          Figures finer = integrate(quad);
          change = max_change(coarse, finer);
          coarse = std::move(finer);
          if (change < quadrature_tolerance) break;
        }
        fig = std::move(coarse);
        nodes = static_cast<int>(quad.weight.size());
      }
      if (sol.quadrature_rule.empty() || rule == "tanh-sinh") sol.quadrature_rule = rule;
      sol.quadrature_nodes = std::max(sol.quadrature_nodes, nodes);
      sol.quadrature_change = std::max(sol.quadrature_change, change);
    }
    const double share = share_sum > 0.0 ? seg.share / share_sum : 0.0;
    add_scaled(total, fig, share);
    total.segments.push_back(SegmentFigures{share, defection_of(fig)});
  }
  return sol;
}

}  // namespace cxsim
