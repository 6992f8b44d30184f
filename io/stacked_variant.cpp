#include "io/stacked_variant.hpp"

#include <vector>

#include "io/number.hpp"

namespace cxsim {

namespace {

std::string where_text(const SourceLocation& w) {
  return w.file.str() + ":" + std::to_string(w.line);
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
      for (std::size_t bit = 0; bit < touchpoint_field_table.size(); ++bit) {
        const TouchpointFieldRow& f = touchpoint_field_table[bit];
        if (bit == tp_id || !patch.given.test(bit)) continue;
        if (merged.given.test(bit) &&
            touchpoint_field_text(merged.touchpoint, f) != touchpoint_field_text(patch.touchpoint, f)) {
          conflicts.push_back({Severity::error, patch.where,
                               "variants '" + tp_owner[i]->name + "' and '" + v->name + "' both set " +
                                   patch.touchpoint.id + "." + f.key + " (" +
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
      for (std::size_t bit = 0; bit < segment_field_table.size(); ++bit) {
        const SegmentFieldRow& f = segment_field_table[bit];
        if (!patch.given.test(bit) || !carries_value(f)) continue;
        if (merged.given.test(bit) && segment_field_text(merged.segment, f) != segment_field_text(patch.segment, f)) {
          conflicts.push_back({Severity::error, patch.where,
                               "variants '" + seg_owner[i]->name + "' and '" + v->name + "' both set segment " +
                                   patch.segment.name + "'s " + segment_field_name(f) + " (" +
                                   segment_field_text(merged.segment, f) + " at " + where_text(merged.where) + ", " +
                                   segment_field_text(patch.segment, f) +
                                   " here); stacked redesigns must change different things"});
          continue;
        }
        merged.segment.*f.number = patch.segment.*f.number;
        merged.given.set(bit);
      }
    }
  }
  if (!conflicts.empty()) throw InputError(std::move(conflicts));
  return out;
}

}  // namespace cxsim
