#include "io/stacked_variant.hpp"

#include <vector>

#include "io/number.hpp"

namespace cxsim {

namespace {

std::string where_text(const SourceLocation& w) {
  return w.file.str() + ":" + std::to_string(w.line);
}

// A touchpoint field as text, to compare two patches and to say what each set.
std::string touchpoint_field_text(const Touchpoint& t, int f) {
  switch (f) {
    case tp_id: return t.id;
    case tp_name: return t.name;
    case tp_stage: return t.stage;
    case tp_channel: return t.channel;
    case tp_reliability: return shortest_text(t.reliability);
    case tp_relevance: return shortest_text(t.relevance);
    case tp_value: return shortest_text(t.value);
    case tp_trust: return shortest_text(t.trust);
    case tp_recovery: return shortest_text(t.recovery);
    case tp_outcome: return to_string(t.outcome);
    case tp_effort_minutes: return t.effort_minutes ? shortest_text(*t.effort_minutes) : "";
    case tp_cost: return t.cost ? shortest_text(*t.cost) : "";
    default: return "";
  }
}

void copy_touchpoint_field(Touchpoint& to, const Touchpoint& from, int f) {
  switch (f) {
    case tp_name: to.name = from.name; break;
    case tp_stage: to.stage = from.stage; break;
    case tp_channel: to.channel = from.channel; break;
    case tp_reliability: to.reliability = from.reliability; break;
    case tp_relevance: to.relevance = from.relevance; break;
    case tp_value: to.value = from.value; break;
    case tp_trust: to.trust = from.trust; break;
    case tp_recovery: to.recovery = from.recovery; break;
    case tp_outcome: to.outcome = from.outcome; break;
    case tp_effort_minutes: to.effort_minutes = from.effort_minutes; break;
    case tp_cost: to.cost = from.cost; break;
    default: break;
  }
}

// A segment patch's bit (SegmentField, then the four sensitivities) as its value.
std::string segment_field_text(const Segment& s, std::size_t bit) {
  switch (bit) {
    case seg_share: return shortest_text(s.share);
    case seg_value_expectation: return shortest_text(s.value_expectation);
    case seg_silent_churn: return shortest_text(s.silent_churn);
    case seg_heterogeneity: return shortest_text(s.heterogeneity);
    default:
      if (bit >= segment_field_count) return shortest_text(sensitivity_of(s, bit - segment_field_count));
      return "";
  }
}

std::string segment_field_name(std::size_t bit) {
  return bit >= segment_field_count ? std::string("sensitivity.") + sensitivity_keys[bit - segment_field_count]
                                    : std::string(segment_fields[bit]);
}

// The bits that carry a value (the `sensitivity` and `walk_away` maps are carried by the
// sensitivities themselves).
bool carries_value(std::size_t bit) {
  return bit != seg_name && bit != seg_sensitivity && bit != seg_walk_away;
}

bool same_rows(const TransitionReplacement& a, const TransitionReplacement& b) {
  if (a.transitions.size() != b.transitions.size()) return false;
  for (std::size_t i = 0; i < a.transitions.size(); ++i) {
    const auto &x = a.transitions[i], &y = b.transitions[i];
    if (x.to != y.to || x.probability != y.probability || x.when != y.when || x.segment != y.segment) return false;
  }
  return true;
}

}  // namespace

std::optional<VariantSource> stack_variants(const Scenario& sc, const std::string& spec) {
  if (spec.find('+') == std::string::npos) return std::nullopt;
  std::vector<const VariantSource*> parts;
  for (std::size_t start = 0;;) {
    const auto plus = spec.find('+', start);
    const VariantSource* v =
        sc.variant(spec.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (!v) return std::nullopt;
    parts.push_back(v);
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  VariantSource out;
  out.name = spec;
  out.where = parts.front()->where;
  std::vector<Diagnostic> conflicts;
  // Which variant set each merged patch, for messages.
  std::vector<const VariantSource*> tp_owner, seg_owner;
  std::vector<const VariantSource*> row_owner;
  for (const VariantSource* v : parts) {
    out.description += (out.description.empty() ? "" : " + ") + (v->description.empty() ? v->name : v->description);
    if (v->cost_per_year) {
      out.cost_per_year = out.cost_per_year.value_or(0.0) + *v->cost_per_year;
      out.cost_where = v->cost_where;
    }
    if (v->one_off_cost) out.one_off_cost = out.one_off_cost.value_or(0.0) + *v->one_off_cost;
    for (const auto& patch : v->touchpoints) {
      std::size_t i = 0;
      while (i < out.touchpoints.size() && out.touchpoints[i].touchpoint.id != patch.touchpoint.id) ++i;
      if (i == out.touchpoints.size()) {
        out.touchpoints.push_back(patch);
        tp_owner.push_back(v);
        continue;
      }
      TouchpointSource& merged = out.touchpoints[i];
      for (int f = tp_name; f < static_cast<int>(touchpoint_fields.size()); ++f) {
        const auto bit = static_cast<std::size_t>(f);
        if (!patch.given.test(bit)) continue;
        if (merged.given.test(bit) &&
            touchpoint_field_text(merged.touchpoint, f) != touchpoint_field_text(patch.touchpoint, f)) {
          conflicts.push_back({Severity::error, patch.where,
                               "variants '" + tp_owner[i]->name + "' and '" + v->name + "' both set " +
                                   patch.touchpoint.id + "." + touchpoint_fields[bit] + " (" +
                                   touchpoint_field_text(merged.touchpoint, f) + " at " + where_text(merged.where) +
                                   ", " + touchpoint_field_text(patch.touchpoint, f) +
                                   " here); stacked redesigns must change different things"});
          continue;
        }
        copy_touchpoint_field(merged.touchpoint, patch.touchpoint, f);
        merged.given.set(bit);
      }
    }
    for (const auto& rows : v->transitions) {
      std::size_t i = 0;
      while (i < out.transitions.size() && out.transitions[i].from != rows.from) ++i;
      if (i == out.transitions.size()) {
        out.transitions.push_back(rows);
        row_owner.push_back(v);
      } else if (!same_rows(out.transitions[i], rows)) {
        conflicts.push_back({Severity::error, rows.where,
                             "variants '" + row_owner[i]->name + "' and '" + v->name +
                                 "' both replace the transitions out of '" + rows.from + "' (at " +
                                 where_text(out.transitions[i].where) +
                                 " and here), differently; stacked redesigns must change different things"});
      }
    }
    for (const auto& patch : v->segments) {
      std::size_t i = 0;
      while (i < out.segments.size() && out.segments[i].segment.name != patch.segment.name) ++i;
      if (i == out.segments.size()) {
        out.segments.push_back(patch);
        seg_owner.push_back(v);
        continue;
      }
      SegmentSource& merged = out.segments[i];
      for (std::size_t bit = 0; bit < merged.given.size(); ++bit) {
        if (!patch.given.test(bit) || !carries_value(bit)) continue;
        if (merged.given.test(bit) &&
            segment_field_text(merged.segment, bit) != segment_field_text(patch.segment, bit)) {
          conflicts.push_back({Severity::error, patch.where,
                               "variants '" + seg_owner[i]->name + "' and '" + v->name + "' both set segment " +
                                   patch.segment.name + "'s " + segment_field_name(bit) + " (" +
                                   segment_field_text(merged.segment, bit) + " at " + where_text(merged.where) + ", " +
                                   segment_field_text(patch.segment, bit) +
                                   " here); stacked redesigns must change different things"});
          continue;
        }
        switch (bit) {
          case seg_share: merged.segment.share = patch.segment.share; break;
          case seg_value_expectation: merged.segment.value_expectation = patch.segment.value_expectation; break;
          case seg_silent_churn: merged.segment.silent_churn = patch.segment.silent_churn; break;
          case seg_heterogeneity: merged.segment.heterogeneity = patch.segment.heterogeneity; break;
          default:
            sensitivity_of(merged.segment, bit - segment_field_count) =
                sensitivity_of(patch.segment, bit - segment_field_count);
        }
        merged.given.set(bit);
      }
    }
  }
  if (!conflicts.empty()) throw InputError(std::move(conflicts));
  return out;
}

}  // namespace cxsim
