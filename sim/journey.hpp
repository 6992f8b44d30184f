#pragma once
// The journey: touchpoints and the transitions between them, built once and then immutable.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cxsim {

enum class Outcome : std::uint8_t { none, retained, defected };
// Which visits a transition applies to.
enum class When : std::uint8_t { ok, fail, any };

const char* to_string(Outcome o);
const char* to_string(When w);

struct Touchpoint {
  std::string id;
  std::string name, stage, channel;
  double reliability = 1.0;
  double relevance = 1.0;
  double value = 1.0;
  double trust = 0.0;
  double recovery = 0.0;  // complaint-handling quality; 0 = not a recovery point
  Outcome outcome = Outcome::none;
  std::optional<double> effort_minutes, cost;
};

// Transitions that name no segment are walked by every segment without rows of its own.
inline constexpr int every_segment = -1;

struct Transition {
  std::size_t from = 0, to = 0;  // touchpoint indices
  double probability = 0.0;
  When when = When::any;
  int segment = every_segment;  // segment index, or every_segment
};

// Stable 64-bit key of a touchpoint id (FNV-1a): the random numbers of a visit are keyed by it, so
// they do not depend on the touchpoint's position in the file.
std::uint64_t touchpoint_key(std::string_view id);

class Journey {
 public:
  // Which transition set a visit uses.
  enum Route : int { after_ok = 0, after_fail = 1 };

  Journey() = default;
  // Takes the touchpoints and transitions as the scenario gives them; the model's choice of rows
  // (the segment's own rows from a touchpoint if it has any, else the rows naming no segment)
  // and of set within them (fail / ok edges, else any) is resolved here once, per segment.
  // Sets are normalised to sum exactly to 1.
  Journey(std::vector<Touchpoint> touchpoints, std::vector<Transition> transitions, std::size_t start,
          std::size_t segments = 1);

  std::size_t size() const { return touchpoints_.size(); }
  std::size_t start() const { return start_; }
  const Touchpoint& touchpoint(std::size_t k) const { return touchpoints_[k]; }
  std::span<const Touchpoint> touchpoints() const { return touchpoints_; }
  std::span<const Transition> transitions() const { return transitions_; }
  std::optional<std::size_t> find(std::string_view id) const;

  std::size_t segments() const { return segments_; }
  // A touchpoint with no outgoing rows at all ends the journey.
  bool is_terminal(std::size_t k) const { return terminal_[k] != 0; }
  // True when some transition names a segment.
  bool has_segment_routes() const { return segment_routes_; }
  // True when segment s has rows of its own out of k.
  bool has_own_rows(std::size_t s, std::size_t k) const { return own_route(s, k) != nullptr; }
  // The rows out of k ordered by (segment named, none first; when: ok, fail, any), file order
  // kept within a set, as indices into transitions().
  std::span<const std::uint32_t> rows_from(std::size_t k) const {
    return {rows_.data() + rows_at_[k], rows_.data() + rows_at_[k + 1]};
  }
  // True when the engines can walk customers of `segments` segments on this journey.
  bool fits(std::size_t segments) const { return !segment_routes_ || segments <= segments_; }

  // The transitions a customer of segment s takes out of k after `route`, as indices into
  // transitions().
  std::span<const std::uint32_t> route(std::size_t s, std::size_t k, Route r) const {
    const auto& range = range_of(s, k, r);
    return {route_edges_.data() + range[0], route_edges_.data() + range[1]};
  }
  // Normalised probability of transition i within the set it belongs to.
  double probability(std::size_t i) const { return normalised_[i]; }

  // Hot, struct-of-arrays view for the engines.
  std::span<const double> reliability() const { return reliability_; }
  std::span<const double> relevance() const { return relevance_; }
  std::span<const double> value() const { return value_; }
  std::span<const double> trust() const { return trust_; }
  std::span<const double> recovery() const { return recovery_; }
  // Minutes of the customer's time and trouble per visit (0 when not given).
  std::span<const double> effort_minutes() const { return effort_; }
  std::span<const std::uint64_t> keys() const { return keys_; }
  std::span<const Outcome> outcomes() const { return outcome_; }

  // Picks the next touchpoint of a visit of segment s to k after `route`, given a uniform u in (0,1).
  // The first edge whose cumulative probability exceeds u (the last edge if none does): a
  // short scan for the usual handful of edges; for a home page with thousands, a guide table
  // (Chen & Asau) puts the scan within an edge or two of the answer, as the draw's bucket says.
  std::size_t next(std::size_t s, std::size_t k, Route r, double u) const {
    const auto& range = range_of(s, k, r);
    std::uint32_t i = range[0];
    const std::uint32_t last = range[1] - 1;
    const std::uint32_t n = range[1] - range[0];
    if (n > short_set) {
      const auto bucket = std::min(n - 1, static_cast<std::uint32_t>(u * n));
      i = guide_[range[0] + bucket];
      while (i > range[0] && u < cumulative_[i - 1]) --i;  // a rounded bucket: step back
    }
    while (i < last && u >= cumulative_[i]) ++i;
    return target_[i];
  }
  // True when visits of segment s to k after `route` have somewhere to go.
  bool has_route(std::size_t s, std::size_t k, Route r) const {
    const auto& range = range_of(s, k, r);
    return range[1] > range[0];
  }

 private:
  using Range = std::array<std::uint32_t, 2>;  // [begin, end) into the route arrays
  // A segment's own routes out of one touchpoint. Stored only where a segment has rows of its
  // own: every other (segment, touchpoint) uses the shared table, so memory and loading time
  // grow with the rows, not with segments x touchpoints.
  struct OwnRoute {
    std::uint32_t segment;
    Range range[2];  // by Route
  };
  const OwnRoute* own_route(std::size_t s, std::size_t k) const {
    if (!segment_routes_) return nullptr;
    const OwnRoute* b = own_.data() + own_at_[k];
    const OwnRoute* e = own_.data() + own_at_[k + 1];
    if (b == e) return nullptr;
    const OwnRoute* it = std::lower_bound(b, e, s, [](const OwnRoute& o, std::size_t x) { return o.segment < x; });
    return it != e && it->segment == s ? it : nullptr;
  }
  const Range& range_of(std::size_t s, std::size_t k, Route r) const {
    if (segment_routes_) [[unlikely]]
      if (const OwnRoute* o = own_route(s, k)) return o->range[r];
    return route_[k * 2 + r];
  }
  static constexpr std::uint32_t short_set = 16;  // sets up to this size are scanned from the start
  Range add_route(std::span<const std::uint32_t> used);
  void index_guide(const Range& range);

  std::vector<Touchpoint> touchpoints_;
  std::vector<Transition> transitions_;
  std::vector<double> normalised_;
  std::size_t start_ = 0;
  std::size_t segments_ = 1;
  bool segment_routes_ = false;

  std::vector<double> reliability_, relevance_, value_, trust_, recovery_, effort_;
  std::vector<std::uint64_t> keys_;
  std::vector<Outcome> outcome_;
  std::vector<std::uint8_t> terminal_;
  std::vector<std::uint32_t> rows_at_;  // by touchpoint, and one past: into rows_
  std::vector<std::uint32_t> rows_;     // transition indices, see rows_from()
  std::vector<std::uint32_t> own_at_;   // by touchpoint, and one past: into own_ (segment routes only)
  std::vector<OwnRoute> own_;           // sorted by segment within a touchpoint

  std::vector<Range> route_;                // by (touchpoint, Route): every segment's rows
  std::vector<std::uint32_t> route_edges_;  // transition index
  std::vector<std::uint32_t> target_;       // parallel to route_edges_
  std::vector<double> cumulative_;          // parallel to route_edges_
  std::vector<std::uint32_t> guide_;        // parallel to route_edges_; sets > short_set
};

}  // namespace cxsim
