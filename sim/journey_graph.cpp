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
  std::array<std::span<const std::uint32_t>, 3> of;  // by When
  bool empty() const { return of[0].empty() && of[1].empty() && of[2].empty(); }
};

// Rows of each touchpoint by group: group 0 names no segment, group 1 + s names segment s. The
// journey keeps the rows out of a touchpoint sorted by (group, when): a set is found by a binary
// search there, with nothing stored per segment and touchpoint.
struct RowGroups {
  const Journey* j = nullptr;
  static std::size_t group(const Transition& t) {
    return t.segment == every_segment ? 0 : static_cast<std::size_t>(t.segment) + 1;
  }
  SetIndex at(std::size_t k, std::size_t g) const {
    SetIndex s;
    const auto rows = j->rows_from(k);
    const auto tr = j->transitions();
    const auto lo = std::partition_point(rows.begin(), rows.end(), [&](std::uint32_t i) { return group(tr[i]) < g; });
    auto it = lo;
    for (std::size_t w = 0; w < 3; ++w) {
      const auto end = std::partition_point(it, rows.end(), [&](std::uint32_t i) {
        return group(tr[i]) == g && static_cast<std::size_t>(tr[i].when) <= w;
      });
      s.of[w] = rows.subspan(static_cast<std::size_t>(it - rows.begin()), static_cast<std::size_t>(end - it));
      it = end;
    }
    return s;
  }
  // The segment groups (1 + s) with rows out of k, ascending.
  std::vector<std::size_t> segment_groups(std::size_t k) const {
    std::vector<std::size_t> out;
    for (const auto i : j->rows_from(k)) {
      const std::size_t g = group(j->transitions()[i]);
      if (g > 0 && (out.empty() || out.back() != g)) out.push_back(g);
    }
    return out;
  }
};

RowGroups rows_by_group(const Journey& j) {
  return RowGroups{&j};
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

std::vector<std::size_t> journey_order(const Journey& journey) {
  const std::size_t n = journey.size();
  constexpr std::size_t unreached = static_cast<std::size_t>(-1);
  std::vector<std::size_t> depth(n, unreached);
  std::vector<std::vector<std::size_t>> next(n);
  for (const auto& t : journey.transitions()) next[t.from].push_back(t.to);
  std::vector<std::size_t> queue;
  if (n > 0) {
    depth[journey.start()] = 0;
    queue.push_back(journey.start());
  }
  for (std::size_t i = 0; i < queue.size(); ++i)
    for (const std::size_t to : next[queue[i]])
      if (depth[to] == unreached) {
        depth[to] = depth[queue[i]] + 1;
        queue.push_back(to);
      }
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return depth[a] < depth[b]; });
  return order;
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

namespace {

// Which touchpoints each segment's customers can reach, and which of those can finish. Segments
// with no rows of their own walk the same graph: one search for all of them (class 0), and one
// for each segment with rows of its own, so the checks cost (1 + such segments) x the journey.
struct Reach {
  std::size_t segments = 1;
  std::vector<std::size_t> class_of;                    // by segment
  std::vector<std::size_t> first_of;                    // first segment of each class (`segments`: none)
  std::vector<std::vector<bool>> reachable, finishing;  // by class, by touchpoint
  std::vector<std::size_t> terminals;
  std::vector<std::size_t> class_order;  // classes in the order of their first segment

  bool reaches(std::size_t s, std::size_t k) const { return reachable[class_of[s]][k]; }
  bool anyone_reaches(std::size_t k) const {
    for (const auto& r : reachable)
      if (r[k]) return true;
    return false;
  }
};

Reach reach_of(const Journey& j, const RowGroups& rows) {
  Reach r;
  const bool per_segment = j.has_segment_routes();
  r.segments = per_segment ? j.segments() : 1;
  std::vector<std::uint8_t> has_rows(r.segments, 0);
  for (const auto& t : j.transitions())
    if (per_segment && t.segment != every_segment) has_rows[static_cast<std::size_t>(t.segment)] = 1;
  r.class_of.assign(r.segments, 0);
  r.first_of.assign(1, r.segments);
  for (std::size_t s = 0; s < r.segments; ++s) {
    if (has_rows[s]) {
      r.class_of[s] = r.first_of.size();
      r.first_of.push_back(s);
    } else if (r.first_of[0] == r.segments) {
      r.first_of[0] = s;
    }
  }
  const std::size_t classes = r.first_of.size();
  r.reachable.resize(classes);
  r.finishing.resize(classes);
  for (std::size_t k = 0; k < j.size(); ++k)
    if (j.is_terminal(k)) r.terminals.push_back(k);
  for (std::size_t c = 0; c < classes; ++c) {
    if (r.first_of[c] == r.segments) {  // every segment has rows of its own somewhere
      r.reachable[c].assign(j.size(), false);
      r.finishing[c].assign(j.size(), true);
      continue;
    }
    const JourneyGraph g = usable_graph(j, r.first_of[c], rows);
    r.reachable[c] = reached_from(g, {j.start()});
    r.finishing[c] = reached_from(boost::make_reverse_graph(g), r.terminals);
  }
  // Problems are told for the first segment they hit.
  r.class_order.resize(classes);
  for (std::size_t c = 0; c < classes; ++c) r.class_order[c] = c;
  std::sort(r.class_order.begin(), r.class_order.end(),
            [&](std::size_t a, std::size_t b) { return r.first_of[a] < r.first_of[b]; });
  return r;
}

// What the checks share: the journey, its rows by group, who reaches what, and the words.
struct Checker {
  const Journey& j;
  const std::vector<std::string>& segment_names;
  const RowGroups rows;
  const Reach reach;
  const bool guard;  // some touchpoint has trust: a failure can be averted
  std::vector<JourneyProblem> out;

  Checker(const Journey& journey, const std::vector<std::string>& names)
      : j(journey),
        segment_names(names),
        rows(rows_by_group(journey)),
        reach(reach_of(journey, rows)),
        guard(any_trust(journey)) {}

  std::string id(std::size_t k) const { return "'" + j.touchpoint(k).id + "'"; }
  std::string segment_name(std::size_t s) const {
    return s < segment_names.size() ? segment_names[s] : "segment " + std::to_string(s);
  }

  // A touchpoint's outcome agrees with whether the journey ends there.
  void outcome_of(std::size_t k) {
    const auto& t = j.touchpoint(k);
    if (j.is_terminal(k)) {
      if (t.outcome == Outcome::none)
        out.push_back({true, k, std::nullopt,
                       "touchpoint " + id(k) +
                           " has no outgoing transitions, so the journey ends there, "
                           "but it has no outcome; set outcome to 'retained' or 'defected', or add transitions"});
      return;
    }
    if (t.outcome != Outcome::none)
      out.push_back({true, k, std::nullopt,
                     "touchpoint " + id(k) + " has outgoing transitions but outcome '" + to_string(t.outcome) +
                         "'; only touchpoints that end the journey (no transitions) take an outcome"});
  }

  // Each group of rows out of k is checked once, for the segments that use it: group 0 by every
  // segment without rows of its own out of k, group 1 + s by segment s alone.
  void rows_out_of(std::size_t k) {
    const std::vector<std::size_t> own_groups =
        j.has_segment_routes() ? rows.segment_groups(k) : std::vector<std::size_t>{};
    std::vector<std::size_t> groups{0};
    groups.insert(groups.end(), own_groups.begin(), own_groups.end());
    const bool shared_used = own_groups.size() < reach.segments;  // some segment has no rows of its own here
    for (const std::size_t g : groups) {
      const SetIndex sets = rows.at(k, g);
      bool reached = false;
      if (g > 0) {
        reached = reach.reaches(g - 1, k);
      } else if (shared_used) {
        reached = reach.first_of[0] != reach.segments && reach.reachable[0][k];
        for (std::size_t c = 1; c < reach.first_of.size() && !reached; ++c)
          reached =
              reach.reachable[c][k] && !std::binary_search(own_groups.begin(), own_groups.end(), reach.first_of[c] + 1);
      }
      const std::string whose = g == 0 ? "" : " for segment '" + segment_name(g - 1) + "'";
      if (g == 0 && !shared_used) {
        if (!sets.empty())
          out.push_back(
              {false, k,
               sets.of[0].empty() ? (sets.of[1].empty() ? sets.of[2].front() : sets.of[1].front()) : sets.of[0].front(),
               "the transitions out of " + id(k) +
                   " that name no segment are never taken: every segment has rows of its own there"});
        continue;
      }
      if (sets.empty()) {
        // Customers of a segment with no rows of their own, and no rows for everyone.
        if (reached)
          for (std::size_t s = 0; s < reach.segments; ++s)
            if (reach.reaches(s, k) && !std::binary_search(own_groups.begin(), own_groups.end(), s + 1))
              out.push_back({true, k, std::nullopt,
                             "customers of segment '" + segment_name(s) + "' reach " + id(k) +
                                 " but no transition out of it applies to them; add rows for segment '" +
                                 segment_name(s) + "' or rows that name no segment"});
        continue;
      }
      // Unreached touchpoints keep their checks (a typo there is still a typo), except rows of
      // a segment that never gets there.
      if (g > 0 && !reached) continue;
      row_sets(k, sets, whose);
    }
  }

  // One group's 'ok', 'fail' and 'any' sets out of k: each usable, each summing to 1, and a way
  // on after a visit that fails and one that works.
  void row_sets(std::size_t k, const SetIndex& sets, const std::string& whose) {
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
                         "customers who take this loop stay at " + id(k) + " for about " + fmt(1.0 / (1.0 - p)) +
                             " visits on average (probability " + fmt(p, 17) +
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

  // Distinct ids must key distinct random streams.
  void stream_keys() {
    std::map<std::uint64_t, std::size_t> keys;
    for (std::size_t k = 0; k < j.size(); ++k) {
      auto [it, fresh] = keys.emplace(j.keys()[k], k);
      if (!fresh)
        out.push_back({true, k, std::nullopt,
                       "touchpoint ids " + id(it->second) + " and " + id(k) +
                           " share a random-stream key (a 64-bit hash collision); rename one"});
    }
  }

  // Every touchpoint reached from the start, and every one reached able to finish.
  void reach_and_finish(std::size_t k) {
    if (!reach.anyone_reaches(k)) {
      out.push_back(
          {false, k, std::nullopt, "touchpoint " + id(k) + " cannot be reached from the start " + id(j.start())});
      return;
    }
    for (const std::size_t c : reach.class_order)
      if (reach.reachable[c][k] && !reach.finishing[c][k]) {
        out.push_back(
            {true, k, std::nullopt,
             "customers" +
                 (j.has_segment_routes() ? " of segment '" + segment_name(reach.first_of[c]) + "'" : std::string()) +
                 " who reach " + id(k) +
                 " can never finish the journey: no touchpoint that ends it can be reached from there"});
        return;
      }
  }

  // A journey in which nobody can end well is almost always a typo (an outcome swapped, an arrow
  // to the wrong ending): run as it is, it would report that every customer is lost.
  void someone_can_end_well() {
    std::vector<std::size_t> stranded;  // segments that can reach no retained ending
    for (std::size_t s = 0; s < reach.segments; ++s) {
      const auto ends = [&](Outcome o) {
        return std::any_of(reach.terminals.begin(), reach.terminals.end(),
                           [&](std::size_t k) { return reach.reaches(s, k) && j.outcomes()[k] == o; });
      };
      // (a segment that reaches no ending at all has been told so above)
      if (ends(Outcome::defected) && !ends(Outcome::retained)) stranded.push_back(s);
    }
    const std::string fix =
        ": every ending they can reach is 'defected', so every one of them would count as lost; "
        "give the ending where the journey goes well the outcome 'retained'";
    if (!stranded.empty() && stranded.size() == reach.segments)
      out.push_back({true, j.start(), std::nullopt,
                     "no customer can reach a retained ending from the start " + id(j.start()) + fix});
    else
      for (std::size_t s : stranded)
        out.push_back({true, j.start(), std::nullopt,
                       "customers of segment '" + segment_name(s) + "' can reach no retained ending from the start " +
                           id(j.start()) + fix});
  }
};

}  // namespace

std::vector<JourneyProblem> check_journey(const Journey& j, const std::vector<std::string>& segment_names) {
  Checker check(j, segment_names);
  if (j.size() > 0 && j.is_terminal(j.start()))
    check.out.push_back({true, j.start(), std::nullopt,
                         "the start " + check.id(j.start()) +
                             " has no outgoing transitions, so every journey would end before its first visit"});
  for (std::size_t k = 0; k < j.size(); ++k) {
    check.outcome_of(k);
    if (!j.is_terminal(k)) check.rows_out_of(k);
  }
  check.stream_keys();
  for (std::size_t k = 0; k < j.size(); ++k) check.reach_and_finish(k);
  if (j.size() > 0 && !j.is_terminal(j.start())) check.someone_can_end_well();
  return std::move(check.out);
}

}  // namespace cxsim
