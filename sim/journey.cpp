#include "sim/journey.hpp"

namespace cxsim {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::retained: return "retained";
    case Outcome::defected: return "defected";
    case Outcome::none: break;
  }
  return "";
}

const char* to_string(When w) {
  switch (w) {
    case When::ok: return "ok";
    case When::fail: return "fail";
    case When::any: break;
  }
  return "any";
}

std::uint64_t touchpoint_key(std::string_view id) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::optional<std::size_t> Journey::find(std::string_view id) const {
  for (std::size_t k = 0; k < touchpoints_.size(); ++k)
    if (touchpoints_[k].id == id) return k;
  return std::nullopt;
}

Journey::Journey(std::vector<Touchpoint> touchpoints, std::vector<Transition> transitions,
                 std::size_t start)
    : touchpoints_(std::move(touchpoints)), transitions_(std::move(transitions)), start_(start) {
  const std::size_t n = touchpoints_.size();
  for (const auto& t : touchpoints_) {
    reliability_.push_back(t.reliability);
    relevance_.push_back(t.relevance);
    value_.push_back(t.value);
    trust_.push_back(t.trust);
    recovery_.push_back(t.recovery);
    keys_.push_back(touchpoint_key(t.id));
    outcome_.push_back(t.outcome);
  }

  // Group transitions by (from, when), keeping file order within a group.
  std::vector<std::array<std::vector<std::uint32_t>, 3>> sets(n);
  for (std::size_t i = 0; i < transitions_.size(); ++i)
    sets[transitions_[i].from][static_cast<int>(transitions_[i].when)].push_back(
        static_cast<std::uint32_t>(i));

  normalised_.assign(transitions_.size(), 0.0);
  for (std::size_t k = 0; k < n; ++k)
    for (const auto& set : sets[k]) {
      double sum = 0.0;
      for (auto i : set) sum += transitions_[i].probability;
      for (auto i : set) normalised_[i] = sum > 0.0 ? transitions_[i].probability / sum : 0.0;
    }

  terminal_.assign(n, 0);
  route_.assign(2 * n, {0, 0});
  for (std::size_t k = 0; k < n; ++k) {
    const auto& ok = sets[k][static_cast<int>(When::ok)];
    const auto& fail = sets[k][static_cast<int>(When::fail)];
    const auto& any = sets[k][static_cast<int>(When::any)];
    terminal_[k] = ok.empty() && fail.empty() && any.empty();
    for (int r = 0; r < 2; ++r) {
      const auto& own = r == after_ok ? ok : fail;
      const auto& used = own.empty() ? any : own;
      auto& range = route_[2 * k + r];
      range[0] = static_cast<std::uint32_t>(route_edges_.size());
      double cum = 0.0;
      for (auto i : used) {
        cum += normalised_[i];
        route_edges_.push_back(i);
        target_.push_back(static_cast<std::uint32_t>(transitions_[i].to));
        cumulative_.push_back(cum);
      }
      // Rounding must never send a draw past the last transition that can happen.
      for (auto j = route_edges_.size(); j > range[0]; --j)
        if (normalised_[route_edges_[j - 1]] > 0.0) {
          cumulative_[j - 1] = 1.0;
          break;
        }
      range[1] = static_cast<std::uint32_t>(route_edges_.size());
    }
  }
}

}  // namespace cxsim
