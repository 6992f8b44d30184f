#include "sim/exact_solver.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "sim/parallel.hpp"
#include "sim/segment_chain.hpp"

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

struct SegmentSolution {
  Figures figures;
  std::string rule;
  MultiplierQuadrature quadrature;
  int nodes = 0;
  int solves = 0;  // chain solves it took, over every refinement
  double change = 0.0;
};

// E over the multiplier of one segment's figures: Gauss-Laguerre first (the cheapest for
// moderate h), doubling the nodes until no figure moves by more than the tolerance; if it has not
// settled within gauss_laguerre_last nodes, the tanh-sinh rule, which converges for any h.
SegmentSolution integrate_over_multiplier(const Journey& journey, std::size_t s, const Segment& seg,
                                          double& residual) {
  // The nodes are solved in parallel, one chain (and factorization) per thread; the reduction
  // tree depends only on the node count, so the sums do not depend on threads.
  tbb::enumerable_thread_specific<std::unique_ptr<SegmentChain>> chains;
  struct Partial {
    Figures figures;
    double residual = 0.0;
  };
  auto integrate = [&](const MultiplierQuadrature& quad) {
    Partial identity;
    identity.figures.touchpoints.assign(journey.size(), TouchpointFigures{});
    Partial sum = parallel::deterministic_reduce(
        tbb::blocked_range<std::size_t>(0, quad.weight.size(), 1), identity,
        [&](const tbb::blocked_range<std::size_t>& r, Partial part) {
          auto& mine = chains.local();
          if (!mine) mine = std::make_unique<SegmentChain>(journey, s, seg);
          for (std::size_t i = r.begin(); i != r.end(); ++i)
            add_scaled(part.figures, mine->solve(quad.multiplier[i], part.residual), quad.weight[i]);
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
    out.quadrature = multiplier_quadrature(h, out.nodes);
    out.figures = integrate(out.quadrature);
    out.solves = out.nodes;
    while (out.nodes < gauss_laguerre_last && !(out.change < quadrature_tolerance)) {
      out.nodes *= 2;
      out.quadrature = multiplier_quadrature(h, out.nodes);
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
  MultiplierQuadrature points = tanh_sinh_points(h, tanh_sinh_first, false);
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
    points = tanh_sinh_points(h, level, true);
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
  out.quadrature = multiplier_tanh_sinh(h, level);
  out.nodes = static_cast<int>(out.quadrature.weight.size());
  return out;
}

}  // namespace

ExactSolution solve_exact(const Journey& journey, const Population& population) {
  if (!journey.fits(population.size()))
    throw std::invalid_argument("the journey's segment routes name more segments than the population has");
  ExactSolution sol;
  Figures& total = sol.figures;
  total.touchpoints.assign(journey.size(), TouchpointFigures{});
  double share_sum = 0.0;
  for (const auto& s : population.segments()) share_sum += s.share;

  for (std::size_t s = 0; s < population.size(); ++s) {
    const Segment& seg = population.segment(s);
    const double share = share_sum > 0.0 ? seg.share / share_sum : 0.0;
    Figures fig;
    if (!(seg.heterogeneity > 0.0)) {
      SegmentChain chain(journey, s, seg);
      fig = chain.solve(1.0, sol.residual);
      sol.multiplier_rules.push_back(MultiplierQuadrature{{1.0}, {1.0}});
    } else {
      sol.quadrature = true;
      SegmentSolution integral = integrate_over_multiplier(journey, s, seg, sol.residual);
      fig = std::move(integral.figures);
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
