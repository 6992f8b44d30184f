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
// Nodes in parallel; `chain_for(i)` gives the chain to differentiate node i on (called from
// several threads at once, never for the same i). The reduction tree depends only on the node
// count.
template <class ChainFor>
Gradient segment_gradient(const Journey& journey, const MultiplierQuadrature& rule, const FigureWeights& weights,
                          double& residual, ChainFor&& chain_for) {
  struct Partial {
    Gradient g;
    double residual = 0.0;
  };
  Partial identity;
  identity.g.touchpoint.assign(journey.size(), {});
  Partial sum = parallel::deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, rule.weight.size(), 1), identity,
      [&](const tbb::blocked_range<std::size_t>& r, Partial part) {
        for (std::size_t i = r.begin(); i != r.end(); ++i)
          add_scaled(part.g, chain_for(i).gradient(rule.multiplier[i], weights, part.residual), rule.weight[i]);
        return part;
      },
      [](Partial a, const Partial& b) {
        add_scaled(a.g, b.g, 1.0);
        a.residual = std::max(a.residual, b.residual);
        return a;
      });
  residual = std::max(residual, sum.residual);
  return std::move(sum.g);
}

bool weighted(const FigureWeights& w) {
  return w.stay != 0.0 || std::any_of(w.touchpoint.begin(), w.touchpoint.end(), [](const auto& t) {
           return std::any_of(t.begin(), t.end(), [](double x) { return x != 0.0; });
         });
}

// figures_gradient over segments, each differentiated by `differentiate(s, seg, residual)`, which
// returns the segment's gradient and the visits with no transition its chain found.
template <class Differentiate>
FiguresGradient combine_segments(const Journey& journey, const Population& population, const ExactSolution& at,
                                 const std::vector<FigureWeights>& weights, Differentiate&& differentiate) {
  if (at.multiplier_rules.size() != population.size() || weights.size() != population.size())
    throw std::invalid_argument("figures_gradient: the solution or the weights are not of this population");
  FiguresGradient out;
  const std::size_t n = journey.size();
  std::vector<std::array<double, touchpoint_attribute_count>> total(n,
                                                                    std::array<double, touchpoint_attribute_count>{});
  std::vector<std::uint8_t> reliability_undefined(n, 0);
  for (std::size_t s = 0; s < population.size(); ++s) {
    std::array<double, segment_parameter_count> mine{};
    if (weighted(weights[s])) {
      const auto [g, dead_ends] = differentiate(s, population.segment(s), out.residual);
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

bool same_states(const ChainStates& a, const ChainStates& b) {
  return a.index == b.index && a.resets == b.resets && a.free_resets == b.free_resets && a.trapped == b.trapped &&
         a.dead_ends.size() == b.dead_ends.size() &&
         std::equal(a.dead_ends.begin(), a.dead_ends.end(), b.dead_ends.begin(),
                    [](const auto& x, const auto& y) { return x.touchpoint == y.touchpoint && x.failed == y.failed; });
}

}  // namespace

FiguresGradient figures_gradient(const Journey& journey, const Population& population, const ExactSolution& at,
                                 const std::vector<FigureWeights>& weights) {
  return combine_segments(journey, population, at, weights, [&](std::size_t s, const Segment& seg, double& residual) {
    // One chain per thread, built on its first node.
    tbb::enumerable_thread_specific<std::unique_ptr<SegmentChain>> chains;
    Gradient g =
        segment_gradient(journey, at.multiplier_rules[s], weights[s], residual, [&](std::size_t) -> SegmentChain& {
          auto& mine = chains.local();
          if (!mine) mine = std::make_unique<SegmentChain>(journey, s, seg, Reach::structural);
          return *mine;
        });
    std::vector<ChainStates::DeadEnd> dead_ends;
    for (const auto& chain : chains)
      if (chain) {
        dead_ends = chain->dead_ends();
        break;
      }
    return std::make_pair(std::move(g), std::move(dead_ends));
  });
}

// A node's chain, built for the first numbers differentiated there and kept while later numbers
// have its states and pattern. Numbers of another pattern get a chain of their own, kept in its
// place or not (then the figures of given numbers depend only on the first ones: sim/klu_factor.hpp
// keeps the first pivots).
struct PreparedGradient::Node {
  std::unique_ptr<SegmentChain> chain;
  ChainPattern pattern;
  std::unique_ptr<SegmentChain> other;

  SegmentChain& for_numbers(const Journey& journey, std::size_t s, const Segment& seg, bool adopt) {
    other.reset();
    if (!chain) {
      chain = std::make_unique<SegmentChain>(journey, s, seg, Reach::structural);
      pattern = chain_pattern(journey, s, seg, chain->states());
      return *chain;
    }
    if (same_states(enumerate_chain_states(journey, s, seg, Reach::structural), chain->states()) &&
        chain_pattern(journey, s, seg, chain->states()) == pattern) {
      chain->renumber(journey, seg);
      return *chain;
    }
    auto fresh = std::make_unique<SegmentChain>(journey, s, seg, Reach::structural);
    if (!adopt) {
      other = std::move(fresh);
      return *other;
    }
    chain = std::move(fresh);
    pattern = chain_pattern(journey, s, seg, chain->states());
    return *chain;
  }
};

PreparedGradient::PreparedGradient(bool adopt_new_pattern) : adopt_new_pattern_(adopt_new_pattern) {}
PreparedGradient::~PreparedGradient() = default;

FiguresGradient PreparedGradient::gradient(const Journey& journey, const Population& population,
                                           const ExactSolution& at, const std::vector<FigureWeights>& weights) {
  if (nodes_.size() != population.size()) {
    nodes_.clear();
    nodes_.resize(population.size());
  }
  return combine_segments(journey, population, at, weights, [&](std::size_t s, const Segment& seg, double& residual) {
    auto& nodes = nodes_[s];
    const std::size_t count = at.multiplier_rules[s].weight.size();
    if (nodes.size() != count) {
      nodes.clear();
      for (std::size_t i = 0; i < count; ++i) nodes.push_back(std::make_unique<Node>());
    }
    Gradient g = segment_gradient(
        journey, at.multiplier_rules[s], weights[s], residual,
        [&](std::size_t i) -> SegmentChain& { return nodes[i]->for_numbers(journey, s, seg, adopt_new_pattern_); });
    const Node& first = *nodes.front();
    return std::make_pair(std::move(g), (first.other ? first.other : first.chain)->dead_ends());
  });
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
