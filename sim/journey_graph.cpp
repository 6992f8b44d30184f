#include "sim/journey_graph.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <span>

namespace cxsim {

namespace {

inline constexpr double sum_tolerance = 1e-6;

bool any_trust(const Journey& j) {
  const auto t = j.trust();
  return std::any_of(t.begin(), t.end(), [](double x) { return x > 0.0; });
}

struct SetIndex {
  std::array<std::span<const std::size_t>, 3> of;  // by When
  bool empty() const { return of[0].empty() && of[1].empty() && of[2].empty(); }
};

// Rows of each touchpoint by group: group 0 names no segment, group 1 + s names segment s. One
// flat array sorted by (touchpoint, group, when) with offsets: no allocation per touchpoint.
struct RowGroups {
  std::size_t groups = 1;
  std::vector<std::size_t> offset;  // by ((touchpoint * groups + group) * 3 + when), and one past
  std::vector<std::size_t> rows;
  SetIndex at(std::size_t k, std::size_t g) const {
    SetIndex s;
    const std::size_t base = (k * groups + g) * 3;
    for (std::size_t w = 0; w < 3; ++w)
      s.of[w] = std::span<const std::size_t>(rows.data() + offset[base + w], offset[base + w + 1] - offset[base + w]);
    return s;
  }
};

RowGroups rows_by_group(const Journey& j) {
  RowGroups r;
  r.groups = j.segments() + 1;
  const auto tr = j.transitions();
  const auto slot = [&](const Transition& t) {
    const std::size_t g = t.segment == every_segment ? 0 : static_cast<std::size_t>(t.segment) + 1;
    return (t.from * r.groups + g) * 3 + static_cast<std::size_t>(t.when);
  };
  // A counting sort, stable: rows keep their file order within a set.
  r.offset.assign(j.size() * r.groups * 3 + 1, 0);
  for (const auto& t : tr) ++r.offset[slot(t) + 1];
  for (std::size_t i = 1; i < r.offset.size(); ++i) r.offset[i] += r.offset[i - 1];
  std::vector<std::size_t> next(r.offset.begin(), r.offset.end() - 1);
  r.rows.resize(tr.size());
  for (std::size_t i = 0; i < tr.size(); ++i) r.rows[next[slot(tr[i])]++] = i;
  return r;
}

// The group of rows a customer of segment s uses out of k.
std::size_t group_of(const Journey& j, std::size_t s, std::size_t k) {
  return j.has_own_rows(s, k) ? s + 1 : 0;
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

std::string fmt(double x, int digits = 10) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return buf;
}

}  // namespace

UsableSets usable_sets(const Journey& journey, std::size_t k, std::size_t segment) {
  const RowGroups rows = rows_by_group(journey);
  return usable(journey, k, rows.at(k, group_of(journey, segment, k)), any_trust(journey));
}

JourneyGraph full_graph(const Journey& journey) {
  JourneyGraph g(journey.size());
  const auto tr = journey.transitions();
  for (std::size_t i = 0; i < tr.size(); ++i) boost::add_edge(tr[i].from, tr[i].to, i, g);
  return g;
}

namespace {

JourneyGraph usable_graph(const Journey& journey, std::size_t segment, const RowGroups& rows) {
  JourneyGraph g(journey.size());
  const bool guard = any_trust(journey);
  const auto tr = journey.transitions();
  for (std::size_t k = 0; k < journey.size(); ++k) {
    const SetIndex sets = rows.at(k, group_of(journey, segment, k));
    const UsableSets u = usable(journey, k, sets, guard);
    const std::array<bool, 3> use{u.ok, u.fail, u.any};
    for (int w = 0; w < 3; ++w)
      if (use[w])
        for (auto i : sets.of[w])
          if (tr[i].probability > 0.0) boost::add_edge(k, tr[i].to, i, g);
  }
  return g;
}

}  // namespace

JourneyGraph usable_graph(const Journey& journey, std::size_t segment) {
  return usable_graph(journey, segment, rows_by_group(journey));
}

std::vector<JourneyProblem> check_journey(const Journey& j, const std::vector<std::string>& segment_names) {
  std::vector<JourneyProblem> out;
  const RowGroups rows = rows_by_group(j);
  const bool guard = any_trust(j);
  const bool per_segment = j.has_segment_routes();
  const std::size_t segments = per_segment ? j.segments() : 1;
  auto id = [&](std::size_t k) { return "'" + j.touchpoint(k).id + "'"; };
  auto segment_name = [&](std::size_t s) {
    return s < segment_names.size() ? segment_names[s] : "segment " + std::to_string(s);
  };

  // Which touchpoints each segment's customers can reach, and which of those can finish.
  std::vector<std::vector<bool>> reachable(segments), finishing(segments);
  std::vector<std::size_t> terminals;
  for (std::size_t k = 0; k < j.size(); ++k)
    if (j.is_terminal(k)) terminals.push_back(k);
  for (std::size_t s = 0; s < segments; ++s) {
    const JourneyGraph g = usable_graph(j, s, rows);
    reachable[s] = reached_from(g, {j.start()});
    finishing[s] = reached_from(boost::make_reverse_graph(g), terminals);
  }

  if (j.size() > 0 && j.is_terminal(j.start()))
    out.push_back({true, j.start(), std::nullopt,
                   "the start " + id(j.start()) +
                       " has no outgoing transitions, so every journey would end before its first visit"});

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

    // Each group of rows out of k is checked once, for the segments that use it.
    for (std::size_t g = 0; g < rows.groups; ++g) {
      const SetIndex sets = rows.at(k, g);
      std::vector<std::size_t> users;
      for (std::size_t s = 0; s < segments; ++s)
        if (group_of(j, s, k) == g) users.push_back(s);
      if (g > 0 && sets.empty()) continue;
      bool reached = false;
      for (auto s : users) reached = reached || reachable[s][k];
      const std::string whose = g == 0 ? "" : " for segment '" + segment_name(g - 1) + "'";
      if (users.empty()) {
        if (!sets.empty())
          out.push_back({false, k, sets.of[0].empty() ? (sets.of[1].empty() ? sets.of[2].front() : sets.of[1].front())
                                                      : sets.of[0].front(),
                         "the transitions out of " + id(k) +
                             " that name no segment are never taken: every segment has rows of its own there"});
        continue;
      }
      if (sets.empty()) {
        // Customers of a segment with no rows of their own, and no rows for everyone.
        for (auto s : users)
          if (reachable[s][k])
            out.push_back({true, k, std::nullopt,
                           "customers of segment '" + segment_name(s) + "' reach " + id(k) +
                               " but no transition out of it applies to them; add rows for segment '" +
                               segment_name(s) + "' or rows that name no segment"});
        continue;
      }
      // Unreached touchpoints keep their checks (a typo there is still a typo), except rows of
      // a segment that never gets there.
      if (g > 0 && !reached) continue;
      const UsableSets u = usable(j, k, sets, guard);
      const std::array<bool, 3> use{u.ok, u.fail, u.any};
      for (int w = 0; w < 3; ++w) {
        const auto& set = sets.of[w];
        if (set.empty()) continue;
        const std::string name = to_string(static_cast<When>(w));
        if (!use[w]) {
          const std::string why = w == static_cast<int>(When::fail) ? "its reliability is 1"
                                  : w == static_cast<int>(When::ok)
                                      ? "its reliability is 0 and no touchpoint has trust to avert a failure"
                                      : "both 'ok' and 'fail' transitions are given";
          out.push_back({false, k, set.front(),
                         "the '" + name + "' transitions out of " + id(k) + whose + " can never be taken: " + why});
          continue;
        }
        double sum = 0.0;
        for (auto i : set) {
          sum += j.transitions()[i].probability;
          // A loop so likely that customers practically never leave it.
          const double p = j.transitions()[i].probability;
          if (j.transitions()[i].to == k && p > 1.0 - 1e-6 && p < 1.0)
            out.push_back({false, k, i,
                           "customers who take this loop stay at " + id(k) + " for about " +
                               fmt(1.0 / (1.0 - p)) + " visits on average (probability " + fmt(p, 17) +
                               "); the Monte Carlo engine stops them at max_steps and the exact "
                               "solver may not be able to solve it"});
        }
        if (std::fabs(sum - 1.0) > sum_tolerance)
          out.push_back({true, k, set.front(),
                         "the '" + name + "' transitions out of " + id(k) + whose + " have probabilities summing to " +
                             fmt(sum) + "; they must sum to 1 (within 1e-6)"});
      }
      const bool can_fail = j.reliability()[k] < 1.0;
      const bool can_succeed = j.reliability()[k] > 0.0 || guard;
      const bool no_any = sets.of[static_cast<int>(When::any)].empty();
      if (can_fail && sets.of[static_cast<int>(When::fail)].empty() && no_any)
        out.push_back({true, k, std::nullopt,
                       "a failed visit to " + id(k) + whose + " (reliability " + fmt(j.reliability()[k]) +
                           ") has nowhere to go; add 'fail' or 'any' transitions"});
      if (can_succeed && sets.of[static_cast<int>(When::ok)].empty() && no_any)
        out.push_back({true, k, std::nullopt,
                       "a successful visit to " + id(k) + whose + " has nowhere to go; add 'ok' or 'any' transitions"});
    }
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

  for (std::size_t k = 0; k < j.size(); ++k) {
    bool reached = false;
    for (std::size_t s = 0; s < segments; ++s) reached = reached || reachable[s][k];
    if (!reached) {
      out.push_back({false, k, std::nullopt,
                     "touchpoint " + id(k) + " cannot be reached from the start " + id(j.start())});
      continue;
    }
    for (std::size_t s = 0; s < segments; ++s)
      if (reachable[s][k] && !finishing[s][k]) {
        out.push_back({true, k, std::nullopt,
                       "customers" + (per_segment ? " of segment '" + segment_name(s) + "'" : std::string()) +
                           " who reach " + id(k) +
                           " can never finish the journey: no touchpoint that ends it can be reached from there"});
        break;
      }
  }

  // A journey in which nobody can end well is almost always a typo (an outcome swapped, an arrow
  // to the wrong ending): run as it is, it would report that every customer is lost.
  if (j.size() > 0 && !j.is_terminal(j.start())) {
    std::vector<std::size_t> stranded;  // segments that can reach no retained ending
    for (std::size_t s = 0; s < segments; ++s) {
      const auto ends = [&](Outcome o) {
        return std::any_of(terminals.begin(), terminals.end(),
                           [&](std::size_t k) { return reachable[s][k] && j.outcomes()[k] == o; });
      };
      // (a segment that reaches no ending at all has been told so above)
      if (ends(Outcome::defected) && !ends(Outcome::retained)) stranded.push_back(s);
    }
    const std::string fix = ": every ending they can reach is 'defected', so every one of them would count as lost; "
                            "give the ending where the journey goes well the outcome 'retained'";
    if (!stranded.empty() && stranded.size() == segments)
      out.push_back({true, j.start(), std::nullopt,
                     "no customer can reach a retained ending from the start " + id(j.start()) + fix});
    else
      for (std::size_t s : stranded)
        out.push_back({true, j.start(), std::nullopt,
                       "customers of segment '" + segment_name(s) + "' can reach no retained ending from the start " +
                           id(j.start()) + fix});
  }
  return out;
}

}  // namespace cxsim
