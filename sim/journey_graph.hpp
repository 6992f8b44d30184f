#pragma once
// The journey as a Boost.Graph graph, and the whole-journey checks that need it: transition
// sets, outcomes, and whether every customer who starts can finish.
#include <boost/graph/adjacency_list.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sim/journey.hpp"

namespace cxsim {

// Vertices are touchpoint indices; each edge carries its transition index.
using JourneyGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, std::size_t>;

// The edges customers of segment s can actually take: probability > 0, in a set that can be
// used (the segment's own rows out of a touchpoint where it has them).
JourneyGraph usable_graph(const Journey& journey, std::size_t segment = 0);

// Every transition (for drawing).
JourneyGraph full_graph(const Journey& journey);

// Touchpoints in journey order: by the fewest steps from the start (breadth first along every
// transition), ties and touchpoints the start cannot reach in file order. Stages and channels are
// listed in the order their first touchpoint comes.
std::vector<std::size_t> journey_order(const Journey& journey);

struct JourneyProblem {
  bool error = true;  // false: a warning
  std::size_t touchpoint = 0;
  std::optional<std::size_t> transition;  // where the problem is best shown
  std::string message;
};

// Which transition sets of a touchpoint can be used (see docs/scenario-format.md).
struct UsableSets {
  bool ok = false, fail = false, any = false;
};
UsableSets usable_sets(const Journey& journey, std::size_t k, std::size_t segment = 0);

// Transition sets (per segment where segments have routes of their own), outcomes, random-stream
// keys, reachability and whether every customer who starts can finish. `segment_names` name the
// journey's segments in messages (defaults: "segment 0", ...).
std::vector<JourneyProblem> check_journey(const Journey& journey, const std::vector<std::string>& segment_names = {});

}  // namespace cxsim
