#include "sim/journey.hpp"

#include <algorithm>

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
                 std::size_t start, std::size_t segments)
    : touchpoints_(std::move(touchpoints)),
      transitions_(std::move(transitions)),
      start_(start),
      segments_(std::max<std::size_t>(segments, 1)) {
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

  // Rows grouped by (from, segment, when), file order kept within a group; group 0 of a
  // touchpoint is "every segment", group 1 + s segment s.
  for (const auto& t : transitions_)
    if (t.segment != every_segment) segments_ = std::max(segments_, static_cast<std::size_t>(t.segment) + 1);
  const std::size_t groups = segments_ + 1;
  auto group_of = [&](const Transition& t) {
    return t.segment == every_segment ? 0 : static_cast<std::size_t>(t.segment) + 1;
  };
  std::vector<std::array<std::vector<std::uint32_t>, 3>> sets(n * groups);
  terminal_.assign(n, 1);
  own_rows_.assign(segments_ * n, 0);
  for (std::size_t i = 0; i < transitions_.size(); ++i) {
    const Transition& t = transitions_[i];
    sets[t.from * groups + group_of(t)][static_cast<int>(t.when)].push_back(static_cast<std::uint32_t>(i));
    terminal_[t.from] = 0;
    if (t.segment != every_segment) {
      segment_routes_ = true;
      own_rows_[static_cast<std::size_t>(t.segment) * n + t.from] = 1;
    }
  }

  normalised_.assign(transitions_.size(), 0.0);
  for (const auto& group : sets)
    for (const auto& set : group) {
      double sum = 0.0;
      for (auto i : set) sum += transitions_[i].probability;
      for (auto i : set) normalised_[i] = sum > 0.0 ? transitions_[i].probability / sum : 0.0;
    }

  stride_ = segment_routes_ ? n : 0;
  const std::size_t tables = segment_routes_ ? segments_ : 1;
  route_.assign(2 * n * tables, {0, 0});
  for (std::size_t s = 0; s < tables; ++s)
    for (std::size_t k = 0; k < n; ++k) {
      const auto& rows = sets[k * groups + (own_rows_[s * n + k] ? s + 1 : 0)];
      const auto& ok = rows[static_cast<int>(When::ok)];
      const auto& fail = rows[static_cast<int>(When::fail)];
      const auto& any = rows[static_cast<int>(When::any)];
      for (int r = 0; r < 2; ++r) {
        const auto& own = r == after_ok ? ok : fail;
        const auto& used = own.empty() ? any : own;
        auto& range = route_[slot(s, k, static_cast<Route>(r))];
        range[0] = static_cast<std::uint32_t>(route_edges_.size());
        double cum = 0.0;
        for (auto i : used) {
          cum += normalised_[i];
          route_edges_.push_back(i);
          target_.push_back(static_cast<std::uint32_t>(transitions_[i].to));
          cumulative_.push_back(cum);
        }
        // Rounding must never send a draw past the last transition that can happen.
        for (auto e = route_edges_.size(); e > range[0]; --e)
          if (normalised_[route_edges_[e - 1]] > 0.0) {
            cumulative_[e - 1] = 1.0;
            break;
          }
        range[1] = static_cast<std::uint32_t>(route_edges_.size());
      }
    }
}

}  // namespace cxsim
