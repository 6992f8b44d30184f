#include "sim/journey.hpp"

#include <span>

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
  for (auto* v : {&reliability_, &relevance_, &value_, &trust_, &recovery_, &effort_}) v->reserve(n);
  keys_.reserve(n);
  outcome_.reserve(n);
  for (const auto& t : touchpoints_) {
    reliability_.push_back(t.reliability);
    relevance_.push_back(t.relevance);
    value_.push_back(t.value);
    trust_.push_back(t.trust);
    recovery_.push_back(t.recovery);
    effort_.push_back(t.effort_minutes.value_or(0.0));
    keys_.push_back(touchpoint_key(t.id));
    outcome_.push_back(t.outcome);
  }

  // Rows grouped by (from, segment, when), file order kept within a group; group 0 of a
  // touchpoint is "every segment", group 1 + s segment s. One flat array by a stable counting
  // sort: a journey of 100,000 touchpoints needs no vector per touchpoint.
  for (const auto& t : transitions_)
    if (t.segment != every_segment) segments_ = std::max(segments_, static_cast<std::size_t>(t.segment) + 1);
  const std::size_t groups = segments_ + 1;
  const auto set_of = [&](const Transition& t) {
    const std::size_t g = t.segment == every_segment ? 0 : static_cast<std::size_t>(t.segment) + 1;
    return (t.from * groups + g) * 3 + static_cast<std::size_t>(t.when);
  };
  std::vector<std::size_t> offset(n * groups * 3 + 1, 0);
  for (const auto& t : transitions_) ++offset[set_of(t) + 1];
  for (std::size_t i = 1; i < offset.size(); ++i) offset[i] += offset[i - 1];
  std::vector<std::uint32_t> rows(transitions_.size());
  {
    std::vector<std::size_t> next(offset.begin(), offset.end() - 1);
    for (std::size_t i = 0; i < transitions_.size(); ++i) rows[next[set_of(transitions_[i])]++] = static_cast<std::uint32_t>(i);
  }
  const auto set = [&](std::size_t k, std::size_t g, When w) {
    const std::size_t at = (k * groups + g) * 3 + static_cast<std::size_t>(w);
    return std::span<const std::uint32_t>(rows.data() + offset[at], offset[at + 1] - offset[at]);
  };
  terminal_.assign(n, 1);
  own_rows_.assign(segments_ * n, 0);
  for (const auto& t : transitions_) {
    terminal_[t.from] = 0;
    if (t.segment != every_segment) {
      segment_routes_ = true;
      own_rows_[static_cast<std::size_t>(t.segment) * n + t.from] = 1;
    }
  }

  normalised_.assign(transitions_.size(), 0.0);
  for (std::size_t b = 0; b + 1 < offset.size(); ++b) {
    double sum = 0.0;
    for (std::size_t r = offset[b]; r < offset[b + 1]; ++r) sum += transitions_[rows[r]].probability;
    for (std::size_t r = offset[b]; r < offset[b + 1]; ++r)
      normalised_[rows[r]] = sum > 0.0 ? transitions_[rows[r]].probability / sum : 0.0;
  }

  stride_ = segment_routes_ ? n : 0;
  const std::size_t tables = segment_routes_ ? segments_ : 1;
  route_.assign(2 * n * tables, {0, 0});
  for (std::size_t s = 0; s < tables; ++s)
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t g = own_rows_[s * n + k] ? s + 1 : 0;
      const auto ok = set(k, g, When::ok);
      const auto fail = set(k, g, When::fail);
      const auto any = set(k, g, When::any);
      for (int r = 0; r < 2; ++r) {
        const auto own = r == after_ok ? ok : fail;
        const auto used = own.empty() ? any : own;
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
        index_guide(range);
      }
    }
}

void Journey::index_guide(const std::array<std::uint32_t, 2>& range) {
  guide_.resize(cumulative_.size());
  const std::uint32_t n = range[1] - range[0];
  if (n <= short_set) return;
  // Bucket j of n covers draws in [j/n, (j+1)/n): it starts the search at the first edge whose
  // cumulative probability exceeds j/n.
  std::uint32_t i = range[0];
  for (std::uint32_t j = 0; j < n; ++j) {
    const double from = static_cast<double>(j) / n;
    while (i < range[1] - 1 && cumulative_[i] <= from) ++i;
    guide_[range[0] + j] = i;
  }
}

}  // namespace cxsim
