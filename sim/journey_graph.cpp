#include "sim/journey_graph.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cxsim {

namespace {

inline constexpr double sum_tolerance = 1e-6;

bool any_trust(const Journey& j) {
  const auto t = j.trust();
  return std::any_of(t.begin(), t.end(), [](double x) { return x > 0.0; });
}

struct SetIndex {
  std::array<std::vector<std::size_t>, 3> of;  // by When
};

std::vector<SetIndex> sets_by_touchpoint(const Journey& j) {
  std::vector<SetIndex> sets(j.size());
  const auto tr = j.transitions();
  for (std::size_t i = 0; i < tr.size(); ++i) sets[tr[i].from].of[static_cast<int>(tr[i].when)].push_back(i);
  return sets;
}

UsableSets usable(const Journey& j, std::size_t k, const SetIndex& s, bool guard_possible) {
  const double r = j.reliability()[k];
  const bool can_fail = r < 1.0;
  const bool can_succeed = r > 0.0 || guard_possible;  // a guard turns a failure into success
  const auto& ok = s.of[static_cast<int>(When::ok)];
  const auto& fail = s.of[static_cast<int>(When::fail)];
  const auto& any = s.of[static_cast<int>(When::any)];
  UsableSets u;
  u.ok = !ok.empty() && can_succeed;
  u.fail = !fail.empty() && can_fail;
  u.any = !any.empty() && ((fail.empty() && can_fail) || (ok.empty() && can_succeed));
  return u;
}

template <class Graph>
std::vector<bool> reached_from(const Graph& g, const std::vector<std::size_t>& sources) {
  std::vector<boost::default_color_type> color(boost::num_vertices(g), boost::white_color);
  auto color_map = boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g));
  boost::queue<typename boost::graph_traits<Graph>::vertex_descriptor> q;
  boost::breadth_first_search(g, sources.begin(), sources.end(), q, boost::default_bfs_visitor(), color_map);
  std::vector<bool> reached(color.size());
  for (std::size_t v = 0; v < color.size(); ++v) reached[v] = color[v] != boost::white_color;
  return reached;
}

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

}  // namespace

UsableSets usable_sets(const Journey& journey, std::size_t k) {
  const auto sets = sets_by_touchpoint(journey);
  return usable(journey, k, sets[k], any_trust(journey));
}

JourneyGraph full_graph(const Journey& journey) {
  JourneyGraph g(journey.size());
  const auto tr = journey.transitions();
  for (std::size_t i = 0; i < tr.size(); ++i) boost::add_edge(tr[i].from, tr[i].to, i, g);
  return g;
}

JourneyGraph usable_graph(const Journey& journey) {
  JourneyGraph g(journey.size());
  const auto sets = sets_by_touchpoint(journey);
  const bool guard = any_trust(journey);
  const auto tr = journey.transitions();
  for (std::size_t k = 0; k < journey.size(); ++k) {
    const UsableSets u = usable(journey, k, sets[k], guard);
    const std::array<bool, 3> use{u.ok, u.fail, u.any};
    for (int w = 0; w < 3; ++w)
      if (use[w])
        for (auto i : sets[k].of[w])
          if (tr[i].probability > 0.0) boost::add_edge(k, tr[i].to, i, g);
  }
  return g;
}

std::vector<JourneyProblem> check_journey(const Journey& j) {
  std::vector<JourneyProblem> out;
  const auto sets = sets_by_touchpoint(j);
  const bool guard = any_trust(j);
  const auto tr = j.transitions();
  auto id = [&](std::size_t k) { return "'" + j.touchpoint(k).id + "'"; };

  for (std::size_t k = 0; k < j.size(); ++k) {
    const auto& t = j.touchpoint(k);
    if (j.is_terminal(k)) {
      if (t.outcome == Outcome::none)
        out.push_back({true, k, std::nullopt,
                       "touchpoint " + id(k) + " has no outgoing transitions, so the journey ends there, "
                       "but it has no outcome; set outcome to 'retained' or 'defected', or add transitions"});
      continue;
    }
    if (t.outcome != Outcome::none)
      out.push_back({true, k, std::nullopt,
                     "touchpoint " + id(k) + " has outgoing transitions but outcome '" +
                         to_string(t.outcome) +
                         "'; only touchpoints that end the journey (no transitions) take an outcome"});

    const UsableSets u = usable(j, k, sets[k], guard);
    const std::array<bool, 3> use{u.ok, u.fail, u.any};
    for (int w = 0; w < 3; ++w) {
      const auto& set = sets[k].of[w];
      if (set.empty()) continue;
      const std::string name = to_string(static_cast<When>(w));
      if (!use[w]) {
        const std::string why = w == static_cast<int>(When::fail) ? "its reliability is 1"
                                : w == static_cast<int>(When::ok)
                                    ? "its reliability is 0 and no touchpoint has trust to avert a failure"
                                    : "both 'ok' and 'fail' transitions are given";
        out.push_back({false, k, set.front(),
                       "the '" + name + "' transitions out of " + id(k) + " can never be taken: " + why});
        continue;
      }
      double sum = 0.0;
      for (auto i : set) sum += tr[i].probability;
      if (std::fabs(sum - 1.0) > sum_tolerance)
        out.push_back({true, k, set.front(),
                       "the '" + name + "' transitions out of " + id(k) + " have probabilities summing to " +
                           fmt(sum) + "; they must sum to 1 (within 1e-6)"});
    }
    const bool can_fail = j.reliability()[k] < 1.0;
    const bool can_succeed = j.reliability()[k] > 0.0 || guard;
    if (can_fail && sets[k].of[static_cast<int>(When::fail)].empty() && sets[k].of[static_cast<int>(When::any)].empty())
      out.push_back({true, k, std::nullopt,
                     "a failed visit to " + id(k) + " (reliability " + fmt(j.reliability()[k]) +
                         ") has nowhere to go; add 'fail' or 'any' transitions"});
    if (can_succeed && sets[k].of[static_cast<int>(When::ok)].empty() && sets[k].of[static_cast<int>(When::any)].empty())
      out.push_back({true, k, std::nullopt,
                     "a successful visit to " + id(k) + " has nowhere to go; add 'ok' or 'any' transitions"});
  }

  // Distinct ids must key distinct random streams.
  std::map<std::uint64_t, std::size_t> keys;
  for (std::size_t k = 0; k < j.size(); ++k) {
    auto [it, fresh] = keys.emplace(j.keys()[k], k);
    if (!fresh)
      out.push_back({true, k, std::nullopt,
                     "touchpoint ids " + id(it->second) + " and " + id(k) +
                         " share a random-stream key (a 64-bit hash collision); rename one"});
  }

  const JourneyGraph g = usable_graph(j);
  const auto reachable = reached_from(g, {j.start()});
  std::vector<std::size_t> terminals;
  for (std::size_t k = 0; k < j.size(); ++k)
    if (j.is_terminal(k)) terminals.push_back(k);
  const auto finishing = reached_from(boost::make_reverse_graph(g), terminals);
  for (std::size_t k = 0; k < j.size(); ++k) {
    if (!reachable[k])
      out.push_back({false, k, std::nullopt,
                     "touchpoint " + id(k) + " cannot be reached from the start " + id(j.start())});
    else if (!finishing[k])
      out.push_back({true, k, std::nullopt,
                     "customers who reach " + id(k) +
                         " can never finish the journey: no touchpoint that ends it can be reached from there"});
  }
  return out;
}

}  // namespace cxsim
