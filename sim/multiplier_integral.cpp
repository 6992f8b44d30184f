#include "sim/multiplier_integral.hpp"

#include <tbb/blocked_range.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "sim/parallel.hpp"

namespace cxsim {

namespace {

constexpr double quadrature_tolerance = 1e-10;
constexpr int gauss_laguerre_first = 16;
constexpr int gauss_laguerre_last = 128;
constexpr int tanh_sinh_first = 2;  // 33 points before pruning
constexpr int tanh_sinh_last = 7;   // 1025 points before pruning
// Beyond this heterogeneity Gauss-Laguerre does not settle within 128 nodes (at h = 2 it is
// still 2e-5 off): its 240 solves would be thrown away, so tanh-sinh is used from the start.
constexpr double gauss_laguerre_largest_h = 1.0;

// into += w * f over outcomes and touchpoint figures.
void add_scaled(Figures& into, const Figures& f, double w) {
  for (int e = 0; e < ending_count; ++e) into.outcomes[e] += w * f.outcomes[e];
  if (into.touchpoints.size() < f.touchpoints.size()) into.touchpoints.resize(f.touchpoints.size());
  for (std::size_t k = 0; k < f.touchpoints.size(); ++k)
    for (int i = 0; i < touchpoint_figure_count; ++i) into.touchpoints[k][i] += w * f.touchpoints[k][i];
  if (into.transitions.size() < f.transitions.size()) into.transitions.resize(f.transitions.size());
  for (std::size_t e = 0; e < f.transitions.size(); ++e) into.transitions[e] += w * f.transitions[e];
  if (into.silent_churn_at.size() < f.silent_churn_at.size()) into.silent_churn_at.resize(f.silent_churn_at.size());
  for (std::size_t k = 0; k < f.silent_churn_at.size(); ++k) into.silent_churn_at[k] += w * f.silent_churn_at[k];
}

// Largest change of any figure between two estimates: absolute for shares and figures below 1,
// relative for those above (visits per customer can run into the hundreds).
double max_change(const Figures& a, const Figures& b) {
  const auto change = [](double x, double y) { return std::abs(x - y) / std::max(1.0, std::abs(y)); };
  double d = 0.0;
  for (int e = 0; e < ending_count; ++e) d = std::max(d, change(a.outcomes[e], b.outcomes[e]));
  for (std::size_t k = 0; k < a.touchpoints.size(); ++k)
    for (int i = 0; i < touchpoint_figure_count; ++i) d = std::max(d, change(a.touchpoints[k][i], b.touchpoints[k][i]));
  return d;
}

// E over the multiplier of one segment's figures: Gauss-Laguerre first (the cheapest for
// moderate h), doubling the nodes until no figure moves by more than the tolerance; if it has not
// settled within gauss_laguerre_last nodes, the tanh-sinh rule, which converges for any h.
}  // namespace

SegmentSolution integrate_over_multiplier(const Journey& journey, const Segment& seg, const NodeChains& chains,
                                          MultiplierRules& rules, double& residual) {
  // The nodes are solved in parallel, one chain (and factorization) per thread; the reduction
  // tree depends only on the node count, so the sums do not depend on threads. In turn (a
  // prepared journey solved inside a parallel loop of its own), they are solved one by one.
  struct Partial {
    Figures figures;
    double residual = 0.0;
  };
  auto integrate = [&](const MultiplierQuadrature& quad) {
    Partial identity;
    identity.figures.touchpoints.assign(journey.size(), TouchpointFigures{});
    if (!chains.in_parallel) {
      SegmentChain& chain = chains.here();
      for (std::size_t i = 0; i < quad.weight.size(); ++i)
        add_scaled(identity.figures, chain.solve(quad.multiplier[i], identity.residual), quad.weight[i]);
      residual = std::max(residual, identity.residual);
      return std::move(identity.figures);
    }
    Partial sum = parallel::deterministic_reduce(
        tbb::blocked_range<std::size_t>(0, quad.weight.size(), 1), identity,
        [&](const tbb::blocked_range<std::size_t>& r, Partial part) {
          SegmentChain& mine = chains.here();
          for (std::size_t i = r.begin(); i != r.end(); ++i)
            add_scaled(part.figures, mine.solve(quad.multiplier[i], part.residual), quad.weight[i]);
          return part;
        },
        [](Partial a, const Partial& b) {
          add_scaled(a.figures, b.figures, 1.0);
          a.residual = std::max(a.residual, b.residual);
          return a;
        });
    residual = std::max(residual, sum.residual);
    return std::move(sum.figures);
  };
  const double h = seg.heterogeneity;
  SegmentSolution out;
  out.change = std::numeric_limits<double>::infinity();
  if (h <= gauss_laguerre_largest_h) {
    out.rule = "gauss-laguerre";
    out.nodes = gauss_laguerre_first;
    out.quadrature = rules.gauss_laguerre(h, out.nodes);
    out.figures = integrate(out.quadrature);
    out.solves = out.nodes;
    while (out.nodes < gauss_laguerre_last && !(out.change < quadrature_tolerance)) {
      out.nodes *= 2;
      out.quadrature = rules.gauss_laguerre(h, out.nodes);
      Figures finer = integrate(out.quadrature);
      out.solves += out.nodes;
      out.change = max_change(out.figures, finer);
      out.figures = std::move(finer);
    }
    if (out.change < quadrature_tolerance) return out;
  }
  // Tanh-sinh, refined by halving the step: each level's sums are half those of the level before
  // plus its new points, so no point is solved twice.
  out.rule = "tanh-sinh";
  const auto weight_of = [](const MultiplierQuadrature& q) {
    double w = 0.0;
    for (const double x : q.weight) w += x;
    return w;
  };
  const auto ratio = [](const Figures& numerator, double denominator) {
    Figures f;
    add_scaled(f, numerator, 1.0 / denominator);
    return f;
  };
  MultiplierQuadrature points = rules.tanh_sinh_points(h, tanh_sinh_first, false);
  Figures numerator = integrate(points);
  double denominator = weight_of(points);
  out.solves += static_cast<int>(points.weight.size());
  out.figures = ratio(numerator, denominator);
  out.change = std::numeric_limits<double>::infinity();
  // The error left after a level: with the change c of this level and p of the one before, the
  // changes to come shrink at least as fast as c / p does (tanh-sinh converges faster than
  // geometrically), so they add up to at most c r / (1 - r) with r = c / p.
  double previous = std::numeric_limits<double>::infinity();
  double left = std::numeric_limits<double>::infinity();
  int level = tanh_sinh_first;
  while (level < tanh_sinh_last && !(left < quadrature_tolerance)) {
    ++level;
    points = rules.tanh_sinh_points(h, level, true);
    Figures refined;
    add_scaled(refined, numerator, 0.5);
    add_scaled(refined, integrate(points), 1.0);
    numerator = std::move(refined);
    denominator = 0.5 * denominator + weight_of(points);
    out.solves += static_cast<int>(points.weight.size());
    Figures finer = ratio(numerator, denominator);
    out.change = max_change(out.figures, finer);
    out.figures = std::move(finer);
    const double r = out.change / previous;
    left = out.change < quadrature_tolerance || !std::isfinite(previous) || !(r < 0.5) ? out.change
                                                                                       : out.change * r / (1.0 - r);
    previous = out.change;
  }
  out.change = left;
  out.quadrature = rules.tanh_sinh(h, level);
  out.nodes = static_cast<int>(out.quadrature.weight.size());
  return out;
}

void MultiplierRules::use(double h) {
  if (h == h_) return;
  h_ = h;
  gauss_laguerre_.clear();
  new_points_.clear();
  all_points_.clear();
  tanh_sinh_.clear();
}

const MultiplierQuadrature& MultiplierRules::gauss_laguerre(double h, int nodes) {
  use(h);
  auto it = gauss_laguerre_.find(nodes);
  if (it == gauss_laguerre_.end()) it = gauss_laguerre_.emplace(nodes, multiplier_quadrature(h, nodes)).first;
  return it->second;
}

const MultiplierQuadrature& MultiplierRules::tanh_sinh_points(double h, int level, bool new_only) {
  use(h);
  auto& rules = new_only ? new_points_ : all_points_;
  auto it = rules.find(level);
  if (it == rules.end()) it = rules.emplace(level, cxsim::tanh_sinh_points(h, level, new_only)).first;
  return it->second;
}

const MultiplierQuadrature& MultiplierRules::tanh_sinh(double h, int level) {
  use(h);
  auto it = tanh_sinh_.find(level);
  if (it == tanh_sinh_.end()) it = tanh_sinh_.emplace(level, multiplier_tanh_sinh(h, level)).first;
  return it->second;
}

ExactSolution solution_from_segments(const Journey& journey, const Population& population,
                                     const std::function<SegmentSolution(std::size_t, double&)>& solve_segment) {
  ExactSolution sol;
  Figures& total = sol.figures;
  total.touchpoints.assign(journey.size(), TouchpointFigures{});
  double share_sum = 0.0;
  for (const auto& s : population.segments()) share_sum += s.share;

  for (std::size_t s = 0; s < population.size(); ++s) {
    const Segment& seg = population.segment(s);
    const double share = share_sum > 0.0 ? seg.share / share_sum : 0.0;
    SegmentSolution integral = solve_segment(s, sol.residual);
    Figures fig = std::move(integral.figures);
    if (!(seg.heterogeneity > 0.0)) {
      sol.multiplier_rules.push_back(MultiplierQuadrature{{1.0}, {1.0}});
    } else {
      sol.quadrature = true;
      sol.multiplier_rules.push_back(std::move(integral.quadrature));
      if (sol.quadrature_rule.empty() || integral.rule == "tanh-sinh") sol.quadrature_rule = integral.rule;
      sol.quadrature_nodes = std::max(sol.quadrature_nodes, integral.nodes);
      sol.quadrature_solves += integral.solves;
      sol.quadrature_change = std::max(sol.quadrature_change, integral.change);
    }
    add_scaled(total, fig, share);
    total.segments.push_back(SegmentFigures{share, fig.defection_rate(), share > 0.0});
    sol.segment_figures.push_back(std::move(fig));
  }
  return sol;
}

}  // namespace cxsim
