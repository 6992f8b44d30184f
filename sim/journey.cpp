#include "sim/journey.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

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

Journey::Journey(std::vector<Touchpoint> touchpoints, std::vector<Transition> transitions, std::size_t start,
                 std::size_t segments)
    : touchpoints_(std::move(touchpoints)),
      transitions_(std::move(transitions)),
      start_(start),
      segments_(std::max<std::size_t>(segments, 1)) {
  const std::size_t n = touchpoints_.size();
  // The engines index and divide without checking: a journey that breaks these is refused here,
  // in every build, rather than read out of bounds later. (The loader's checks, with file and
  // line, come first; these guard every other way a journey is made.)
  const auto refuse = [](const std::string& why) { throw std::invalid_argument("invalid journey: " + why); };
  if (n == 0) refuse("no touchpoints");
  if (start_ >= n) refuse("the start is not a touchpoint");
  const auto unit = [](double x) { return x >= 0.0 && x <= 1.0; };
  for (const auto& t : touchpoints_) {
    if (!unit(t.reliability) || !unit(t.relevance) || !unit(t.value) || !unit(t.trust) || !unit(t.recovery))
      refuse("touchpoint '" + t.id + "' has an attribute outside [0, 1]");
    for (const auto& x : {t.effort_minutes, t.cost})
      if (x && !(*x >= 0.0 && std::isfinite(*x)))
        refuse("touchpoint '" + t.id + "' has a negative or infinite effort or cost");
  }
  for (const auto& t : transitions_) {
    if (t.from >= n || t.to >= n) refuse("a transition names no touchpoint");
    if (!(t.probability >= 0.0 && std::isfinite(t.probability)))
      refuse("a transition probability is negative or not finite");
    if (t.segment != every_segment && t.segment < 0) refuse("a transition names a negative segment");
  }
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

  // Rows grouped by touchpoint (a stable counting sort), then by (segment, when) within it, file
  // order kept within a set: one flat array, nothing per segment and touchpoint, so a journey of
  // 100,000 touchpoints and thousands of segments costs what its rows cost.
  for (const auto& t : transitions_)
    if (t.segment != every_segment) segments_ = std::max(segments_, static_cast<std::size_t>(t.segment) + 1);
  const auto group = [](const Transition& t) {
    return t.segment == every_segment ? std::size_t{0} : static_cast<std::size_t>(t.segment) + 1;
  };
  rows_at_.assign(n + 1, 0);
  for (const auto& t : transitions_) ++rows_at_[t.from + 1];
  for (std::size_t k = 0; k < n; ++k) rows_at_[k + 1] += rows_at_[k];
  rows_.resize(transitions_.size());
  {
    std::vector<std::uint32_t> next(rows_at_.begin(), rows_at_.end() - 1);
    for (std::size_t i = 0; i < transitions_.size(); ++i)
      rows_[next[transitions_[i].from]++] = static_cast<std::uint32_t>(i);
  }
  const auto key = [&](std::uint32_t i) {
    return std::pair(group(transitions_[i]), static_cast<int>(transitions_[i].when));
  };
  for (std::size_t k = 0; k < n; ++k)
    std::stable_sort(rows_.begin() + rows_at_[k], rows_.begin() + rows_at_[k + 1],
                     [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });

  terminal_.assign(n, 1);
  for (const auto& t : transitions_) {
    terminal_[t.from] = 0;
    segment_routes_ = segment_routes_ || t.segment != every_segment;
  }

  // Each set (touchpoint, segment, when) is a run of rows_: normalised over its own sum.
  normalised_.assign(transitions_.size(), 0.0);
  for (std::size_t b = 0; b < rows_.size();) {
    std::size_t e = b + 1;
    while (e < rows_.size() && transitions_[rows_[e]].from == transitions_[rows_[b]].from &&
           key(rows_[e]) == key(rows_[b]))
      ++e;
    double sum = 0.0;
    for (std::size_t r = b; r < e; ++r) sum += transitions_[rows_[r]].probability;
    for (std::size_t r = b; r < e; ++r)
      normalised_[rows_[r]] = sum > 0.0 ? transitions_[rows_[r]].probability / sum : 0.0;
    b = e;
  }

  route_.assign(2 * n, {0, 0});
  own_at_.assign(segment_routes_ ? n + 1 : 0, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const auto rows = rows_from(k);
    std::size_t r = 0;
    // The rows of one group out of k, resolved into its after-ok and after-fail routes.
    const auto resolve = [&](Range(&out)[2]) {
      const std::size_t g = group(transitions_[rows[r]]);
      std::array<std::span<const std::uint32_t>, 3> sets;  // by When
      while (r < rows.size() && group(transitions_[rows[r]]) == g) {
        const auto w = static_cast<std::size_t>(transitions_[rows[r]].when);
        std::size_t e = r;
        while (e < rows.size() && key(rows[e]) == key(rows[r])) ++e;
        sets[w] = rows.subspan(r, e - r);
        r = e;
      }
      const auto& any = sets[static_cast<std::size_t>(When::any)];
      const auto& ok = sets[static_cast<std::size_t>(When::ok)];
      const auto& fail = sets[static_cast<std::size_t>(When::fail)];
      out[after_ok] = add_route(ok.empty() ? any : ok);
      out[after_fail] = add_route(fail.empty() ? any : fail);
      return g;
    };
    if (r < rows.size() && group(transitions_[rows[r]]) == 0) {
      Range shared[2];
      resolve(shared);
      route_[k * 2 + after_ok] = shared[after_ok];
      route_[k * 2 + after_fail] = shared[after_fail];
    }
    while (r < rows.size()) {
      OwnRoute o{};
      o.segment = static_cast<std::uint32_t>(resolve(o.range) - 1);
      own_.push_back(o);
    }
    if (segment_routes_) own_at_[k + 1] = static_cast<std::uint32_t>(own_.size());
  }
}

Journey::Range Journey::add_route(std::span<const std::uint32_t> used) {
  Range range;
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
  return range;
}

void Journey::index_guide(const Range& range) {
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
