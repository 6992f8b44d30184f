#include "sim/exact_gradient.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "sim/parallel.hpp"
#include "sim/segment_chain.hpp"

namespace cxsim {

namespace {

using Gradient = SegmentChain::FigureGradient;

void add_scaled(Gradient& into, const Gradient& g, double w) {
  into.value += w * g.value;
  for (std::size_t k = 0; k < g.touchpoint.size(); ++k)
    for (int a = 0; a < touchpoint_attribute_count; ++a)
      into.touchpoint[k][static_cast<std::size_t>(a)] += w * g.touchpoint[k][static_cast<std::size_t>(a)];
  for (int p = 0; p < segment_parameter_count; ++p)
    into.segment[static_cast<std::size_t>(p)] += w * g.segment[static_cast<std::size_t>(p)];
}

// E over the multiplier of one segment's gradient, on the rule its figures were integrated with.
// Nodes in parallel, one chain per thread; the reduction tree depends only on the node count.
Gradient segment_gradient(const Journey& journey, std::size_t s, const Segment& seg, const MultiplierQuadrature& rule,
                          const FigureWeights& weights, double& residual,
                          std::vector<ChainStates::DeadEnd>& dead_ends) {
  tbb::enumerable_thread_specific<std::unique_ptr<SegmentChain>> chains;
  struct Partial {
    Gradient g;
    double residual = 0.0;
  };
  Partial identity;
  identity.g.touchpoint.assign(journey.size(), {});
  Partial sum = parallel::deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, rule.weight.size(), 1), identity,
      [&](const tbb::blocked_range<std::size_t>& r, Partial part) {
        auto& mine = chains.local();
        if (!mine) mine = std::make_unique<SegmentChain>(journey, s, seg, Reach::structural);
        for (std::size_t i = r.begin(); i != r.end(); ++i)
          add_scaled(part.g, mine->gradient(rule.multiplier[i], weights, part.residual), rule.weight[i]);
        return part;
      },
      [](Partial a, const Partial& b) {
        add_scaled(a.g, b.g, 1.0);
        a.residual = std::max(a.residual, b.residual);
        return a;
      });
  residual = std::max(residual, sum.residual);
  for (const auto& chain : chains)
    if (chain) {
      dead_ends = chain->dead_ends();
      break;
    }
  return std::move(sum.g);
}

}  // namespace

FiguresGradient figures_gradient(const Journey& journey, const Population& population, const ExactSolution& at,
                                 const std::vector<FigureWeights>& weights) {
  if (at.multiplier_rules.size() != population.size() || weights.size() != population.size())
    throw std::invalid_argument("figures_gradient: the solution or the weights are not of this population");
  FiguresGradient out;
  const std::size_t n = journey.size();
  std::vector<std::array<double, touchpoint_attribute_count>> total(n,
                                                                    std::array<double, touchpoint_attribute_count>{});
  std::vector<std::uint8_t> reliability_undefined(n, 0);
  for (std::size_t s = 0; s < population.size(); ++s) {
    const Segment& seg = population.segment(s);
    std::array<double, segment_parameter_count> mine{};
    const FigureWeights& w = weights[s];
    const bool weighted = w.stay != 0.0 || std::any_of(w.touchpoint.begin(), w.touchpoint.end(), [](const auto& t) {
                            return std::any_of(t.begin(), t.end(), [](double x) { return x != 0.0; });
                          });
    if (weighted) {
      std::vector<ChainStates::DeadEnd> dead_ends;
      const Gradient g = segment_gradient(journey, s, seg, at.multiplier_rules[s], w, out.residual, dead_ends);
      for (const auto& d : dead_ends) reliability_undefined[d.touchpoint] = 1;
      out.value += g.value;
      for (std::size_t k = 0; k < n; ++k)
        for (int a = 0; a < touchpoint_attribute_count; ++a)
          total[k][static_cast<std::size_t>(a)] += g.touchpoint[k][static_cast<std::size_t>(a)];
      mine = g.segment;
    }
    out.segment.push_back(mine);
  }
  out.touchpoint.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (journey.is_terminal(k)) continue;
    for (int a = 0; a < touchpoint_attribute_count; ++a) {
      const auto attribute = static_cast<TouchpointAttribute>(a);
      if (attribute == TouchpointAttribute::recovery && !(journey.recovery()[k] > 0.0)) continue;
      if (attribute == TouchpointAttribute::reliability && reliability_undefined[k]) continue;
      out.touchpoint[k][static_cast<std::size_t>(a)] = total[k][static_cast<std::size_t>(a)];
    }
  }
  return out;
}

DefectionGradient defection_gradient(const Journey& journey, const Population& population, const ExactSolution& at) {
  // The defection rate is 1 - the probability of staying, averaged over segments by share.
  double share_sum = 0.0;
  for (const auto& s : population.segments()) share_sum += s.share;
  std::vector<FigureWeights> weights(population.size());
  for (std::size_t s = 0; s < population.size(); ++s)
    weights[s].stay = share_sum > 0.0 ? -population.segment(s).share / share_sum : 0.0;
  FiguresGradient g = figures_gradient(journey, population, at, weights);
  DefectionGradient out;
  out.defection_rate = 1.0 + g.value;
  out.touchpoint = std::move(g.touchpoint);
  out.segment = std::move(g.segment);
  out.residual = g.residual;
  return out;
}

}  // namespace cxsim
