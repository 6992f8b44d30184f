#include "io/fit_parameters.hpp"

#include <algorithm>
#include <set>

#include "io/diagnostics.hpp"
#include "io/names.hpp"
#include "io/scenario_fields.hpp"
#include "sim/exact_gradient.hpp"

namespace cxsim {

namespace {

// Segment parameters by the path of their key in the scenario file (io/scenario_fields.hpp), in
// the order of SegmentParameter.
struct SegmentKey {
  std::string path;
  SegmentParameter parameter;
};
const std::vector<SegmentKey>& segment_keys() {
  static const std::vector<SegmentKey> keys = [] {
    std::vector<SegmentKey> out;
    for (int q = 0; q < segment_parameter_count; ++q) {
      const auto p = static_cast<SegmentParameter>(q);
      out.push_back({segment_field_name(segment_field_table[segment_field(p)]), p});
    }
    return out;
  }();
  return keys;
}

std::string list_of(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class Resolver {
 public:
  Resolver(const Journey& j, const Population& p) : j_(j), p_(p) {}

  void add(const std::string& pattern) {
    const std::string prefix = "segment:";
    if (pattern.rfind(prefix, 0) == 0)
      segment(pattern, pattern.substr(prefix.size()));
    else
      touchpoint(pattern);
  }

  std::vector<FitParameter> result() && { return std::move(out_); }

 private:
  void push(const ParameterRef& r, std::string name) {
    const auto key = std::make_pair(r.touchpoint ? *r.touchpoint : *r.segment + j_.size(),
                                    r.touchpoint ? static_cast<int>(r.attribute) : static_cast<int>(r.parameter));
    if (!seen_.insert(key).second) return;  // named twice (e.g. by a wildcard and by name)
    out_.push_back(FitParameter{r, std::move(name)});
  }

  void segment(const std::string& pattern, const std::string& rest) {
    std::vector<std::string> keys;
    for (const auto& k : segment_keys()) keys.emplace_back(k.path);
    const SegmentKey* key = nullptr;
    std::string who;
    for (const auto& k : segment_keys()) {
      const std::string suffix = std::string(".") + k.path;
      if (rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0) {
        key = &k;
        who = rest.substr(0, rest.size() - suffix.size());
      }
    }
    if (!key) {
      const auto dot = rest.rfind('.');
      if (dot == std::string::npos)
        throw UsageError(
            "--fit " + one_line(pattern) +
            ": expected segment:NAME.PARAMETER (or segment:*.PARAMETER), with PARAMETER one of: " + list_of(keys));
      throw UsageError("--fit " + one_line(pattern) + ": " +
                       unknown_name_message("segment parameter", rest.substr(dot + 1), keys));
    }
    std::vector<std::string> names;
    for (const auto& s : p_.segments()) names.push_back(s.name);
    bool any = false;
    for (std::size_t s = 0; s < p_.size(); ++s) {
      if (who != "*" && p_.segment(s).name != who) continue;
      ParameterRef r;
      r.segment = s;
      r.parameter = key->parameter;
      push(r, "segment:" + p_.segment(s).name + "." + key->path);
      any = true;
    }
    if (!any) throw UsageError("--fit " + one_line(pattern) + ": " + unknown_name_message("segment", who, names));
  }

  void touchpoint(const std::string& pattern) {
    std::vector<std::string> attributes(touchpoint_attribute_names.begin(), touchpoint_attribute_names.end());
    const auto dot = pattern.rfind('.');
    if (dot == std::string::npos || dot == 0)
      throw UsageError("--fit " + one_line(pattern) +
                       ": expected TOUCHPOINT.ATTRIBUTE (or *.ATTRIBUTE), or segment:NAME.PARAMETER");
    const std::string who = pattern.substr(0, dot);
    const auto attribute = touchpoint_attribute_named(pattern.substr(dot + 1));
    if (!attribute)
      throw UsageError("--fit " + one_line(pattern) + ": " +
                       unknown_name_message("attribute", pattern.substr(dot + 1), attributes));
    const bool all = who == "*";
    bool any = false;
    std::vector<std::string> ids;
    for (std::size_t k = 0; k < j_.size(); ++k) {
      ids.push_back(j_.touchpoint(k).id);
      if (!all && j_.touchpoint(k).id != who) continue;
      if (const auto why = cannot_fit(k, *attribute)) {
        if (all) continue;
        throw UsageError("--fit " + one_line(pattern) + ": " + *why);
      }
      ParameterRef r;
      r.touchpoint = k;
      r.attribute = *attribute;
      push(r, j_.touchpoint(k).id + "." + touchpoint_attribute_names[static_cast<std::size_t>(*attribute)]);
      any = true;
    }
    if (!any && all)
      throw UsageError("--fit " + one_line(pattern) + ": no touchpoint has a " + pattern.substr(dot + 1) +
                       " that can be fitted");
    if (!any) throw UsageError("--fit " + one_line(pattern) + ": " + unknown_name_message("touchpoint", who, ids));
  }

  std::optional<std::string> cannot_fit(std::size_t k, TouchpointAttribute a) {
    const std::string id = "'" + one_line(j_.touchpoint(k).id) + "'";
    if (j_.is_terminal(k)) return id + " is an ending: it has no friction to fit";
    if (a == TouchpointAttribute::recovery && !(j_.recovery()[k] > 0.0))
      return id +
             " is not a recovery point (its recovery is 0), so its recovery cannot be fitted: forgiveness jumps from 0 "
             "to 15% there";
    if (a == TouchpointAttribute::reliability) {
      if (!gradient_) {
        const ExactSolution at = solve_exact(j_, p_);
        gradient_ = defection_gradient(j_, p_, at);
      }
      if (!gradient_->touchpoint[k][static_cast<std::size_t>(a)])
        return "the reliability of " + id +
               " cannot be fitted: a visit there that fails (or works) where it now cannot would have no transition to "
               "take";
    }
    return std::nullopt;
  }

  const Journey& j_;
  const Population& p_;
  std::vector<FitParameter> out_;
  std::set<std::pair<std::size_t, int>> seen_;
  std::optional<DefectionGradient> gradient_;
};

}  // namespace

std::vector<FitParameter> resolve_fit_parameters(const std::vector<std::string>& patterns, const Journey& journey,
                                                 const Population& population) {
  if (patterns.empty()) throw UsageError("calibrate needs --fit PARAMETER (e.g. --fit install.reliability)");
  Resolver r(journey, population);
  for (const auto& p : patterns) r.add(p);
  return std::move(r).result();
}

}  // namespace cxsim
