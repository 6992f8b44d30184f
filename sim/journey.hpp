#pragma once
// The journey: touchpoints and the transitions between them, built once and then immutable.
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

struct Transition {
  std::size_t from = 0, to = 0;  // touchpoint indices
  double probability = 0.0;
  When when = When::any;
};

// Stable 64-bit key of a touchpoint id (FNV-1a): the random numbers of a visit are keyed by it, so
// they do not depend on the touchpoint's position in the file.
std::uint64_t touchpoint_key(std::string_view id);

class Journey {
 public:
  // Which transition set a visit uses.
  enum Route : int { after_ok = 0, after_fail = 1 };

  Journey() = default;
  // Takes the touchpoints and transitions as the scenario gives them; the model's choice of set
  // (fail / ok edges, else any) is resolved here once. Sets are normalised to sum exactly to 1.
  Journey(std::vector<Touchpoint> touchpoints, std::vector<Transition> transitions, std::size_t start);

  std::size_t size() const { return touchpoints_.size(); }
  std::size_t start() const { return start_; }
  const Touchpoint& touchpoint(std::size_t k) const { return touchpoints_[k]; }
  std::span<const Touchpoint> touchpoints() const { return touchpoints_; }
  std::span<const Transition> transitions() const { return transitions_; }
  std::optional<std::size_t> find(std::string_view id) const;

  bool is_terminal(std::size_t k) const { return terminal_[k] != 0; }

  // The transitions a visit to k takes after `route`, as indices into transitions().
  std::span<const std::uint32_t> route(std::size_t k, Route r) const {
    const auto& range = route_[2 * k + r];
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
  std::span<const std::uint64_t> keys() const { return keys_; }
  std::span<const Outcome> outcomes() const { return outcome_; }

  // Picks the next touchpoint of a visit to k after `route`, given a uniform u in (0,1).
  std::size_t next(std::size_t k, Route r, double u) const {
    const auto& range = route_[2 * k + r];
    std::uint32_t i = range[0];
    const std::uint32_t last = range[1] - 1;
    while (i < last && u >= cumulative_[i]) ++i;
    return target_[i];
  }
  // True when visits to k after `route` have somewhere to go.
  bool has_route(std::size_t k, Route r) const { return route_[2 * k + r][1] > route_[2 * k + r][0]; }

 private:
  std::vector<Touchpoint> touchpoints_;
  std::vector<Transition> transitions_;
  std::vector<double> normalised_;
  std::size_t start_ = 0;

  std::vector<double> reliability_, relevance_, value_, trust_, recovery_;
  std::vector<std::uint64_t> keys_;
  std::vector<Outcome> outcome_;
  std::vector<std::uint8_t> terminal_;

  std::vector<std::array<std::uint32_t, 2>> route_;  // [begin, end) into the route arrays
  std::vector<std::uint32_t> route_edges_;            // transition index
  std::vector<std::uint32_t> target_;                 // parallel to route_edges_
  std::vector<double> cumulative_;                    // parallel to route_edges_
};

}  // namespace cxsim
