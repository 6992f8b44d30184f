#include "io/variant_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <string_view>
#include <sstream>
#include <vector>

#include "io/diagnostics.hpp"
#include "io/number.hpp"
#include "io/yaml_tree.hpp"

namespace cxsim {

namespace {

// A double-quoted YAML scalar: ids and names may hold anything a YAML plain scalar cannot.
std::string quoted(const std::string& s) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << s;
  return out.c_str();
}

std::string touchpoint_patch(const TouchpointSource& p) {
  const Touchpoint& t = p.touchpoint;
  std::vector<std::string> fields;
  for (std::size_t bit = 0; bit < touchpoint_field_table.size(); ++bit) {
    const TouchpointFieldRow& f = touchpoint_field_table[bit];
    if (bit == tp_id || !p.given.test(bit)) continue;
    const std::string key = f.key;
    if (f.text)
      fields.push_back(key + ": " + quoted(t.*f.text));
    else if (f.number)
      fields.push_back(key + ": " + shortest_text(t.*f.number));
    else if (f.optional) {
      if (t.*f.optional) fields.push_back(key + ": " + shortest_text(*(t.*f.optional)));
    } else if (f.outcome)
      fields.push_back(key + ": " + (t.*f.outcome == Outcome::none ? std::string("~") : to_string(t.*f.outcome)));
  }
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i];
  return out + "}";
}

std::string segment_patch(const SegmentSource& p) {
  const Segment& s = p.segment;
  std::vector<std::string> fields;
  // The keys in the table's order; the sensitivities in the `sensitivity` map (hazards) or the
  // `walk_away` map (odds), as the patch gave them.
  std::string hazards, odds;
  for (std::size_t k = 0; k < sensitivity_count; ++k) {
    if (!p.given.test(sensitivity_bit(k))) continue;
    if (p.walk_away[k])
      odds += (odds.empty() ? "" : ", ") + std::string(walk_away_keys[k]) + ": " + shortest_text(*p.walk_away[k]);
    else
      hazards +=
          (hazards.empty() ? "" : ", ") + std::string(sensitivity_keys[k]) + ": " + shortest_text(sensitivity_of(s, k));
  }
  for (std::size_t bit = 0; bit < segment_field_count; ++bit) {
    const SegmentFieldRow& f = segment_field_table[bit];
    if (bit == seg_sensitivity) {
      if (!hazards.empty()) fields.push_back("sensitivity: {" + hazards + "}");
    } else if (bit == seg_walk_away) {
      if (!odds.empty()) fields.push_back("walk_away: {" + odds + "}");
    } else if (f.number && p.given.test(bit)) {
      fields.push_back(std::string(f.key) + ": " + shortest_text(s.*f.number));
    }
  }
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i];
  return out + "}";
}

struct Line {
  std::size_t begin = 0, end = 0;  // [begin, end) without the line break
  std::size_t next = 0;            // where the next line begins
};

std::vector<Line> lines_of(const std::string& text) {
  std::vector<Line> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    const std::size_t stop = nl == std::string::npos ? text.size() : nl;
    Line l{at, stop, nl == std::string::npos ? text.size() : nl + 1};
    if (l.end > l.begin && text[l.end - 1] == '\r') --l.end;
    lines.push_back(l);
    at = l.next;
  }
  return lines;
}

}  // namespace

std::string variant_yaml(const VariantSource& v, std::size_t indent, const std::string& newline) {
  const std::string dash(indent, ' '), in(indent + 2, ' '), in2(indent + 4, ' '), in3(indent + 6, ' ');
  std::ostringstream out;
  out << dash << "- name: " << quoted(v.name) << newline;
  if (!v.description.empty()) out << in << "description: " << quoted(v.description) << newline;
  if (v.cost_per_year) out << in << "cost_per_year: " << shortest_text(*v.cost_per_year) << newline;
  if (v.one_off_cost) out << in << "one_off_cost: " << shortest_text(*v.one_off_cost) << newline;
  if (!v.touchpoints.empty()) {
    out << in << "touchpoints:" << newline;
    for (const auto& p : v.touchpoints) out << in2 << quoted(p.touchpoint.id) << ": " << touchpoint_patch(p) << newline;
  }
  if (!v.transitions.empty()) {
    out << in << "transitions:" << newline;
    for (const auto& r : v.transitions) {
      out << in2 << quoted(r.from) << ":" << (r.transitions.empty() ? " []" : "") << newline;
      for (const auto& t : r.transitions) {
        out << in3 << "- {to: " << quoted(t.to) << ", probability: " << shortest_text(t.probability);
        if (t.when != When::any) out << ", when: " << to_string(t.when);
        if (!t.segment.empty()) out << ", segment: " << quoted(t.segment);
        out << "}" << newline;
      }
    }
  }
  if (!v.segments.empty()) {
    out << in << "segments:" << newline;
    for (const auto& p : v.segments) out << in2 << quoted(p.segment.name) << ": " << segment_patch(p) << newline;
  }
  return out.str();
}

namespace {

std::string inserted(const std::string& text, const std::string& file, const VariantSource& variant) {
  const std::string newline = text.find("\r\n") != std::string::npos ? "\r\n" : "\n";
  const auto lines = lines_of(text);
  const auto fail = [&](std::size_t line, const std::string& why) {
    throw UsageError(file + ":" + std::to_string(line + 1) + ": cannot add the redesign: " + why);
  };

  for (std::size_t k = 0; k < lines.size(); ++k) {
    // The top-level key (plain or quoted), then what follows its colon. Read by hand, not by
    // std::regex, which recurses once per character and overflows the stack on a long line.
    const std::string_view line(text.data() + lines[k].begin, lines[k].end - lines[k].begin);
    std::size_t at = std::string_view::npos;
    for (std::string_view key : {"variants", "\"variants\"", "'variants'"})
      if (line.substr(0, key.size()) == key) at = key.size();
    if (at == std::string_view::npos) continue;
    const auto blank = [&](std::size_t i) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      return i;
    };
    at = blank(at);
    if (at >= line.size() || line[at] != ':') continue;  // `variants_old:` and the like
    const std::size_t colon = at;
    at = blank(at + 1);
    const bool ends = at >= line.size() || line[at] == '#';
    if (!ends && line[at] == '[') {
      const std::size_t close = blank(at + 1);
      const std::size_t after = close < line.size() && line[close] == ']' ? blank(close + 1) : std::string_view::npos;
      if (after != std::string_view::npos && (after >= line.size() || line[after] == '#')) {
        // `variants: []` becomes `variants:` (its comment kept) with the new item below it.
        const std::string comment = after < line.size() ? "  " + std::string(line.substr(after)) : "";
        return text.substr(0, lines[k].begin) + std::string(line.substr(0, colon + 1)) + comment + newline +
               variant_yaml(variant, 2, newline) + text.substr(lines[k].next);
      }
    }
    if (!ends)
      fail(k,
           "its 'variants' list is written in flow style ([...]); write it as a block list (one '- name:' per "
           "redesign) and save again");

    // The list runs until the next line at column 0 that is not a list item, a comment or blank.
    std::optional<std::size_t> last, indent;
    for (std::size_t i = k + 1; i < lines.size(); ++i) {
      const std::string l = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
      const auto first = l.find_first_not_of(" \t");
      if (first == std::string::npos || l[first] == '#') continue;
      if (first == 0 && l[0] != '-') break;
      if (!indent) {
        if (l[first] != '-') fail(i, "the first entry under 'variants' is not a list item ('- name: ...')");
        indent = first;
      }
      last = i;
    }
    // After the list's last line (or right below the key when it has none); a last line without a
    // line break (the end of the file) gets one first.
    const Line& after = lines[last ? *last : k];
    const std::string before = after.next == after.end ? newline : "";
    return text.substr(0, after.next) + before + variant_yaml(variant, last ? *indent : 2, newline) +
           text.substr(after.next);
  }
  const std::string before = text.empty() || text.back() == '\n' ? "" : newline;
  return text + before + "variants:" + newline + variant_yaml(variant, 2, newline);
}

// Whether two nodes say the same thing (where they were written aside).
bool same_yaml(const YamlNode& a, const YamlNode& b) {
  if (a.kind != b.kind || a.value != b.value || a.quoted != b.quoted || a.items.size() != b.items.size() ||
      a.entries.size() != b.entries.size())
    return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!same_yaml(a.items[i], b.items[i])) return false;
  for (std::size_t i = 0; i < a.entries.size(); ++i)
    if (!same_yaml(a.entries[i].key, b.entries[i].key) || !same_yaml(a.entries[i].value, b.entries[i].value))
      return false;
  return true;
}

// `after` is `before` with `name` appended to its variants list, and nothing else changed.
bool only_added(const YamlNode& before, const YamlNode& after, const std::string& name) {
  if (!after.is_map() || !(before.is_map() || before.is_null())) return false;
  const auto is_variants = [](const YamlEntry& e) { return e.key.value == "variants"; };
  std::vector<const YamlEntry*> rest_before, rest_after;
  for (const auto& e : before.entries)
    if (!is_variants(e)) rest_before.push_back(&e);
  for (const auto& e : after.entries)
    if (!is_variants(e)) rest_after.push_back(&e);
  if (rest_before.size() != rest_after.size()) return false;
  for (std::size_t i = 0; i < rest_before.size(); ++i)
    if (!same_yaml(rest_before[i]->key, rest_after[i]->key) || !same_yaml(rest_before[i]->value, rest_after[i]->value))
      return false;
  const YamlNode* old_list = before.is_map() ? before.find("variants") : nullptr;
  const YamlNode* list = after.find("variants");
  const std::size_t n = old_list && old_list->is_sequence() ? old_list->items.size() : 0;
  if (old_list && !old_list->is_sequence() && !old_list->is_null()) return false;
  if (!list || !list->is_sequence() || list->items.size() != n + 1) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (!same_yaml(old_list->items[i], list->items[i])) return false;
  const YamlNode* added = list->items[n].find("name");
  return added && added->is_scalar() && added->value == name;
}

}  // namespace

std::string with_variant_added(const std::string& text, const std::string& file, const VariantSource& variant) {
  std::string out = inserted(text, file, variant);
  // The text was edited as text, so read both back (strictly: no aliases, one document): every
  // key but `variants` must be as it was, the earlier redesigns too, and the new one last.
  // Anything else (a layout this writer did not foresee) is refused rather than written.
  Diagnostics quiet;
  const auto before = parse_yaml(text, file, quiet);
  const auto after = parse_yaml(out, file, quiet);
  if (!before || !after || !only_added(*before, *after, variant.name))
    throw UsageError(file +
                     ": cannot add the redesign without changing the rest of the file (its layout is one this "
                     "writer does not handle); nothing was written. Add it by hand, or as a block list "
                     "('variants:' then '- name: ...' items)");
  return out;
}

}  // namespace cxsim
