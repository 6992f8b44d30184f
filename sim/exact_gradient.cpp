#include "sim/exact_gradient.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "sim/segment_chain.hpp"

namespace cxsim {

namespace {

using Gradient = SegmentChain::RetainedGradient;

void add_scaled(Gradient& into, const Gradient& g, double w) {
  into.retained += w * g.retained;
  for (std::size_t k = 0; k < g.touchpoint.size(); ++k)
    for (int a = 0; a < touchpoint_attribute_count; ++a)
      into.touchpoint[k][static_cast<std::size_t>(a)] += w * g.touchpoint[k][static_cast<std::size_t>(a)];
  for (int p = 0; p < segment_parameter_count; ++p)
    into.segment[static_cast<std::size_t>(p)] += w * g.segment[static_cast<std::size_t>(p)];
}

// E over the multiplier of one segment's gradient, on the rule its figures were integrated with.
// Nodes in parallel, one chain per thread; the reduction tree depends only on the node count.
Gradient segment_gradient(const Journey& journey, std::size_t s, const Segment& seg,
                          const MultiplierQuadrature& rule, double& residual,
                          std::vector<ChainStates::DeadEnd>& dead_ends) {
  tbb::enumerable_thread_specific<std::unique_ptr<SegmentChain>> chains;
  struct Partial {
    Gradient g;
    double residual = 0.0;
  };
  Partial identity;
  identity.g.touchpoint.assign(journey.size(), {});
  Partial sum = tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, rule.weight.size(), 1), identity,
      [&](const tbb::blocked_range<std::size_t>& r, Partial part) {
        auto& mine = chains.local();
        if (!mine) mine = std::make_unique<SegmentChain>(journey, s, seg, Reach::structural);
        for (std::size_t i = r.begin(); i != r.end(); ++i)
          add_scaled(part.g, mine->retained_gradient(rule.multiplier[i], part.residual), rule.weight[i]);
        return part;
      },
      [](Partial a, const Partial& b) {
        add_scaled(a.g, b.g, 1.0);
        a.residual = std::max(a.residual, b.residual);
        return a;
      },
      tbb::simple_partitioner());
  residual = std::max(residual, sum.residual);
  for (const auto& chain : chains)
    if (chain) {
      dead_ends = chain->dead_ends();
      break;
    }
  return std::move(sum.g);
}

}  // namespace

DefectionGradient defection_gradient(const Journey& journey, const Population& population,
                                     const ExactSolution& at) {
  if (at.multiplier_rules.size() != population.size())
    throw std::invalid_argument("defection_gradient: the solution is not of this population");
  DefectionGradient out;
  const std::size_t n = journey.size();
  std::vector<std::array<double, touchpoint_attribute_count>> total(n, std::array<double, touchpoint_attribute_count>{});
  std::vector<std::uint8_t> reliability_undefined(n, 0);
  double share_sum = 0.0;
  for (const auto& s : population.segments()) share_sum += s.share;
  double retained = 0.0;
  for (std::size_t s = 0; s < population.size(); ++s) {
    const Segment& seg = population.segment(s);
    const double share = share_sum > 0.0 ? seg.share / share_sum : 0.0;
    std::vector<ChainStates::DeadEnd> dead_ends;
    const Gradient g = segment_gradient(journey, s, seg, at.multiplier_rules[s], out.residual, dead_ends);
    for (const auto& d : dead_ends) reliability_undefined[d.touchpoint] = 1;
    retained += share * g.retained;
    // The defection rate is 1 - the probability of staying.
    for (std::size_t k = 0; k < n; ++k)
      for (int a = 0; a < touchpoint_attribute_count; ++a)
        total[k][static_cast<std::size_t>(a)] -= share * g.touchpoint[k][static_cast<std::size_t>(a)];
    std::array<double, segment_parameter_count> mine{};
    for (int p = 0; p < segment_parameter_count; ++p)
      mine[static_cast<std::size_t>(p)] = -share * g.segment[static_cast<std::size_t>(p)];
    out.segment.push_back(mine);
  }
  out.defection_rate = 1.0 - retained;
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

}  // namespace cxsim
