// Parsing a scenario: the YAML file, its CSV tables and variants, field by field.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "io/csv_table.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/scenario.hpp"
#include "io/stacked_variant.hpp"
#include "models/limits.hpp"
#include "sim/attributes.hpp"
#include "io/yaml_tree.hpp"

namespace cxsim {

const VariantSource* Scenario::variant(const std::string& wanted) const {
  for (const auto& v : variants)
    if (v.name == wanted) return &v;
  for (const auto& v : stacked_)
    if (v.name == wanted) return &v;
  if (auto stacked = stack_variants(*this, wanted)) return &stacked_.emplace_back(std::move(*stacked));
  return nullptr;
}

namespace {

using limits::max_money;

// One value to convert, from a CSV cell or a YAML node.
struct Cell {
  std::string text;
  bool empty = false;                // empty CSV cell or YAML null
  bool quoted = false;               // YAML text in quotes
  const char* wrong_kind = nullptr;  // YAML map or list where a value was expected
  SourceLocation where;
};

Cell cell_of(const YamlNode& n) {
  Cell c;
  c.where = n.where;
  if (n.is_null())
    c.empty = true;
  else if (n.is_scalar()) {
    c.text = n.value;
    c.quoted = n.quoted;
  } else {
    c.wrong_kind = describe(n.kind);
  }
  return c;
}

Cell cell_of(const std::optional<std::string>& text, const SourceLocation& where) {
  Cell c;
  c.where = where;
  c.text = text.value_or("");
  c.empty = c.text.empty();
  return c;
}

// unknown_name_message (io/names.hpp) for any list of names: field tables, vectors.
template <class Names>
std::string unknown_among(const std::string& what, const std::string& name, const Names& known) {
  return unknown_name_message(what, name, std::vector<std::string>(known.begin(), known.end()));
}

class Loader {
 public:
  Loader(Diagnostics& d) : diag_(d) {}

  // ---- values ----
  std::optional<std::string> text(const Cell& c, const std::string& field, bool required) {
    if (c.wrong_kind) {
      diag_.error(c.where, "'" + field + "' must be text, not " + c.wrong_kind);
      return std::nullopt;
    }
    if ((c.empty || c.text.empty()) && required) {
      diag_.error(c.where, "'" + field + "' must not be empty");
      return std::nullopt;
    }
    if (const auto problem = text_problem(c.text, field == "description")) {
      diag_.error(c.where, "'" + field + "' " + *problem);
      return std::nullopt;
    }
    return c.text;
  }

  // A finite number in [lo, hi].
  std::optional<double> real(const Cell& c, const std::string& field, double lo, double hi) {
    // Only an error needs the range in words (formatting it for every cell was a third of the
    // time to load a large table).
    const auto range = [&] { return hi == INFINITY ? ">= " + fmt(lo) : "in [" + fmt(lo) + ", " + fmt(hi) + "]"; };
    if (c.wrong_kind) {
      diag_.error(c.where, "'" + field + "' must be a number " + range() + ", not " + c.wrong_kind);
      return std::nullopt;
    }
    if (c.empty) {
      diag_.error(c.where, "'" + field + "' is missing a value; expected a number " + range());
      return std::nullopt;
    }
    if (c.quoted) {
      diag_.error(c.where, "'" + field + "' must be a number " + range() + ", not quoted text" + quoted_echo(c.text) +
                               "; remove the quotes");
      return std::nullopt;
    }
    std::string why;
    const auto v = parse_real(c.text, why);
    if (!v) {
      // A spreadsheet with German or French settings writes 0,85.
      if (const auto comma = c.text.find(',');
          comma != std::string::npos && c.text.find(',', comma + 1) == std::string::npos) {
        std::string point = c.text, ignored;
        point[comma] = '.';
        if (parse_real(point, ignored)) {
          diag_.error(c.where, "'" + field + "' is " + c.text + ", written with a decimal comma; write " + point +
                                   " (cxsim reads '.' as the decimal point)");
          return std::nullopt;
        }
      }
      diag_.error(c.where, "'" + field + "': " + why + "; expected a number " + range());
      return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      // 85 where a probability goes is almost always a percentage.
      const bool percent = lo == 0.0 && hi == 1.0 && *v > 1.0 && *v <= 100.0;
      diag_.error(c.where, "'" + field + "' is " + c.text + "; expected a number " + range() +
                               (percent ? " (if you meant " + c.text + "%, write " + fmt(*v / 100.0) + ")" : ""));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::uint64_t> count(const Cell& c, const std::string& field, std::uint64_t lo,
                                     std::uint64_t hi = UINT64_MAX) {
    const std::string range = hi == UINT64_MAX ? ">= " + std::to_string(lo)
                                               : "from " + std::to_string(lo) + " to " + fmt(static_cast<double>(hi));
    if (c.quoted) {
      diag_.error(c.where, "'" + field + "' must be a whole number " + range + ", not quoted text" +
                               quoted_echo(c.text) + "; remove the quotes");
      return std::nullopt;
    }
    if (c.wrong_kind || c.empty) {
      diag_.error(c.where, "'" + field + "' must be a whole number " + range +
                               (c.wrong_kind ? std::string(", not ") + c.wrong_kind : std::string()));
      return std::nullopt;
    }
    std::string why;
    const auto v = parse_count(c.text, why);
    if (!v) {
      diag_.error(c.where, "'" + field + "': " + why + "; expected a whole number " + range);
      return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      diag_.error(c.where, "'" + field + "' is " + c.text + "; expected a whole number " + range);
      return std::nullopt;
    }
    return v;
  }

  // The quoted text, when short enough to show: `"1000"`.
  static std::string quoted_echo(const std::string& text) {
    return text.size() <= 40 ? " (\"" + text + "\")" : std::string();
  }

  static std::string fmt(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
  }

  // ---- YAML structure ----
  bool is_map(const YamlNode& n, const std::string& what) {
    if (n.is_map()) return true;
    diag_.error(n.where, what + " must be a map of keys and values, not " + describe(n.kind));
    return false;
  }

  // Reports keys of `n` not in `known`.
  template <class Names>
  void only_keys(const YamlNode& n, const Names& known, const std::string& what) {
    for (const auto& [k, v] : n.entries) {
      const bool ok = std::any_of(std::begin(known), std::end(known),
                                  [&key = k.value](const auto& name) { return key == std::string(name); });
      if (!ok) diag_.error(k.where, unknown_among("key", k.value, known) + " (in " + what + ")");
    }
  }

  const YamlNode* required(const YamlNode& map, const std::string& key, const std::string& what) {
    if (const YamlNode* v = map.find(key)) return v;
    diag_.error(map.where, what + " is missing the required key '" + key + "'");
    return nullptr;
  }

  // ---- touchpoints ----
  // Sets one field from a cell; returns false on a bad value.
  bool set_touchpoint_field(TouchpointSource& tp, std::size_t field, const Cell& c) {
    const TouchpointFieldRow& f = touchpoint_field_table[field];
    const std::string name = f.key;
    Touchpoint& t = tp.touchpoint;
    switch (f.kind) {
      case FieldKind::id:
      case FieldKind::text: {
        auto v = text(c, name, f.kind == FieldKind::id);
        if (!v) return false;
        t.*f.text = *v;
        break;
      }
      case FieldKind::probability:
      case FieldKind::amount: {
        std::optional<double> v;
        if (!c.empty || f.required) {  // an empty optional value is the default
          v = real(c, name, 0.0, f.max);
          if (!v) return false;
        }
        if (f.optional)
          t.*f.optional = v;
        else
          t.*f.number = v.value_or(Touchpoint{}.*f.number);
        break;
      }
      case FieldKind::outcome: {
        auto v = text(c, name, false);
        if (!v) return false;
        if (v->empty())
          t.*f.outcome = Outcome::none;
        else if (*v == "retained")
          t.*f.outcome = Outcome::retained;
        else if (*v == "defected")
          t.*f.outcome = Outcome::defected;
        else {
          diag_.error(c.where, "'" + name + "' is '" + *v + "'; expected 'retained', 'defected' or empty");
          return false;
        }
        break;
      }
      case FieldKind::group: break;
    }
    tp.given.set(field);
    return true;
  }

  void require_touchpoint_fields(const TouchpointSource& tp, const std::string& what) {
    for (std::size_t f = 0; f < touchpoint_field_table.size(); ++f)
      if (touchpoint_field_table[f].required && !tp.given.test(f))
        diag_.error(tp.where, what + " is missing the required field '" + touchpoint_field_table[f].key + "'");
  }

  // A YAML map of touchpoint fields (inline list item or variant patch). Tracks `id` too.
  TouchpointSource touchpoint_from_map(const YamlNode& n, const std::string& what, bool id_allowed) {
    TouchpointSource tp;
    tp.where = n.where;
    for (const auto& [k, v] : n.entries) {
      const std::size_t f = touchpoint_field(k.value);
      if (f == touchpoint_field_table.size() || (f == tp_id && !id_allowed)) {
        diag_.error(k.where, (f == tp_id ? std::string("a patch names its touchpoint by its key; "
                                                       "remove 'id'")
                                         : unknown_among("touchpoint field", k.value, touchpoint_fields)) +
                                 " (in " + what + ")");
        continue;
      }
      set_touchpoint_field(tp, f, cell_of(v));
    }
    return tp;
  }

  std::vector<TouchpointSource> touchpoints(const YamlNode& n, const std::string& base_dir) {
    std::vector<TouchpointSource> out;
    if (n.is_scalar()) {
      const std::string path = resolve_beside(base_dir, n.value);
      inputs_.push_back(path);
      // Streamed: each row becomes a touchpoint as it is read, no table of text is kept.
      bool header_ok = false;
      const bool read = stream_csv(
          path, touchpoint_fields, diag_, n.where,
          [&](const std::vector<bool>& present, std::size_t most_rows, std::size_t header_line) {
            out.reserve(most_rows);
            for (std::size_t f = 0; f < touchpoint_field_table.size(); ++f)
              if (touchpoint_field_table[f].required && !present[f])
                diag_.error({path, header_line, 0},
                            "the header has no column '" + std::string(touchpoint_fields[f]) + "', which is required");
            header_ok = present[tp_id];
          },
          [&](const CsvRow& row) {
            TouchpointSource tp;
            tp.where = {path, row.line, row.columns[tp_id]};  // problems of the touchpoint point at its id
            for (std::size_t f = 0; f < touchpoint_fields.size(); ++f) {
              if (!row.cells[f]) continue;
              const Cell c = cell_of(row.cells[f], {tp.where.file, row.line, row.columns[f]});
              if (c.empty && !touchpoint_field_table[f].required) continue;  // an empty optional cell: the default
              set_touchpoint_field(tp, f, c);
              tp.given.set(f);  // a bad value was reported; do not also report it missing
            }
            out.push_back(std::move(tp));
          });
      if (!read) {  // a malformed table: its rows are not a journey to check further
        out.clear();
        return out;
      }
      touchpoints_read_ = header_ok;
      return out;
    }
    if (!n.is_sequence()) {
      diag_.error(n.where, "'touchpoints' must be a CSV file name or a list of touchpoints, not " +
                               std::string(describe(n.kind)));
      return out;
    }
    touchpoints_read_ = true;
    for (const auto& item : n.items) {
      if (!is_map(item, "a touchpoint")) {
        touchpoints_read_ = false;
        continue;
      }
      auto tp = touchpoint_from_map(item, "a touchpoint", true);
      for (const auto& [k, v] : item.entries)  // a bad value was reported; not also "missing"
        if (const std::size_t f = touchpoint_field(k.value); f < touchpoint_field_table.size()) tp.given.set(f);
      require_touchpoint_fields(tp, "this touchpoint");
      out.push_back(std::move(tp));
    }
    return out;
  }

  // ---- transitions ----
  using TransitionCells = std::array<Cell, transition_fields.size()>;
  using TransitionGiven = std::array<bool, transition_fields.size()>;

  std::optional<TransitionSource> transition_from_cells(const TransitionCells& c, const TransitionGiven& given,
                                                        const SourceLocation& where) {
    TransitionSource t;
    t.where = where;
    t.from_cell = TransitionSource::cell_of(c[0].where);
    t.to_cell = TransitionSource::cell_of(c[1].where);
    t.probability_cell = TransitionSource::cell_of(c[2].where);
    bool ok = true;
    for (int f = 0; f < 3; ++f)
      if (!given[f]) {
        diag_.error(where, "this transition is missing the required field '" + std::string(transition_fields[f]) + "'");
        ok = false;
      }
    if (!ok) return std::nullopt;
    auto from = text(c[0], "from", true);
    auto to = text(c[1], "to", true);
    auto p = real(c[2], "probability", 0.0, 1.0);
    When when = When::any;
    bool when_ok = true;
    if (given[3]) {
      const auto w = text(c[3], "when", false);
      when_ok = w.has_value();
      if (!w || w->empty() || *w == "any") {
        when = When::any;
      } else if (*w == "ok") {
        when = When::ok;
      } else if (*w == "fail") {
        when = When::fail;
      } else {
        diag_.error(c[3].where, "'when' is '" + *w + "'; expected 'ok', 'fail' or 'any'");
        when_ok = false;
      }
    }
    std::optional<std::string> segment = std::string();
    if (given[4]) {
      segment = text(c[4], "segment", false);
      t.segment_cell = TransitionSource::cell_of(c[4].where);
    }
    if (!from || !to || !p || !when_ok || !segment) return std::nullopt;
    t.segment = *segment;
    t.from = *from;
    t.to = *to;
    t.probability = *p;
    t.when = when;
    return t;
  }

  // A YAML map of transition fields; `from` is fixed (and refused) in variant replacements.
  std::optional<TransitionSource> transition_from_map(const YamlNode& n, const std::string* from) {
    if (!is_map(n, "a transition")) return std::nullopt;
    TransitionCells cells;
    TransitionGiven given{};
    for (const auto& [k, v] : n.entries) {
      const auto it = std::find_if(transition_fields.begin(), transition_fields.end(),
                                   [&key = k.value](const char* f) { return key == f; });
      if (it == transition_fields.end() || (from && it == transition_fields.begin())) {
        diag_.error(k.where, from && it == transition_fields.begin()
                                 ? "a replacement transition takes its 'from' from its key; remove 'from'"
                                 : unknown_among("transition field", k.value, transition_fields));
        continue;
      }
      const auto f = static_cast<std::size_t>(it - transition_fields.begin());
      cells[f] = cell_of(v);
      given[f] = true;
    }
    if (from) {
      cells[0].text = *from;
      cells[0].where = n.where;
      given[0] = true;
    }
    return transition_from_cells(cells, given, n.where);
  }

  std::vector<TransitionSource> transitions(const YamlNode& n, const std::string& base_dir) {
    std::vector<TransitionSource> out;
    if (n.is_scalar()) {
      const std::string path = resolve_beside(base_dir, n.value);
      inputs_.push_back(path);
      bool columns_ok = false;
      const bool read = stream_csv(
          path, transition_fields, diag_, n.where,
          [&](const std::vector<bool>& present, std::size_t most_rows, std::size_t header_line) {
            out.reserve(most_rows);
            for (std::size_t f = 0; f < 3; ++f)
              if (!present[f])
                diag_.error({path, header_line, 0},
                            "the header has no column '" + std::string(transition_fields[f]) + "', which is required");
            columns_ok = present[0] && present[1] && present[2];
          },
          [&](const CsvRow& row) {
            if (!columns_ok) return;
            const SourceLocation where{path, row.line, row.columns[0]};
            TransitionCells cells;
            TransitionGiven given{};
            for (std::size_t f = 0; f < transition_fields.size(); ++f) {
              cells[f] = cell_of(row.cells[f], {where.file, row.line, row.columns[f]});
              given[f] = row.cells[f].has_value();
            }
            if (auto t = transition_from_cells(cells, given, where)) out.push_back(std::move(*t));
          });
      if (!read) out.clear();
      return out;
    }
    if (!n.is_sequence()) {
      diag_.error(n.where, "'transitions' must be a CSV file name or a list of transitions, not " +
                               std::string(describe(n.kind)));
      return out;
    }
    for (const auto& item : n.items)
      if (auto t = transition_from_map(item, nullptr)) out.push_back(std::move(*t));
    return out;
  }

  // ---- segments ----
  // One map of the four sensitivities, as hazards (`sensitivity`) or as walk-away odds
  // (`walk_away`). A sensitivity given in both forms is an error at the second.
  void sensitivities(const YamlNode& v, bool odds, SegmentSource& s,
                     std::array<SourceLocation, sensitivity_count>& first_where) {
    const auto& keys = odds ? walk_away_keys : sensitivity_keys;
    const std::string map = odds ? "walk_away" : "sensitivity";
    if (!is_map(v, "'" + map + "'")) return;
    for (const auto& [sk, sv] : v.entries) {
      const auto si = std::find_if(keys.begin(), keys.end(), [&key = sk.value](const char* x) { return key == x; });
      if (si == keys.end()) {
        diag_.error(sk.where, unknown_among(map, sk.value, keys));
        continue;
      }
      const auto which = static_cast<std::size_t>(si - keys.begin());
      const SegmentFieldRow& f = sensitivity_field(which);
      const std::string field = map + "." + sk.value;
      const std::size_t bit = sensitivity_bit(which);
      if (s.given.test(bit)) {
        const std::string other = odds ? segment_field_name(f) : std::string("walk_away.") + f.odds_key;
        diag_.error(sk.where, "the " + std::string(f.key) + " sensitivity is given twice: as '" + field +
                                  "' here and as '" + other + "' at line " + std::to_string(first_where[which].line) +
                                  "; give one of them");
        continue;
      }
      if (!odds) {
        const auto x = real(cell_of(sv), field, 0.0, f.max);
        if (!x) continue;
        s.segment.*f.number = *x;
      } else {
        const auto p = real(cell_of(sv), field, 0.0, 1.0);
        if (!p) continue;
        if (*p >= 1.0) {
          diag_.error(sv.where, "'" + field + "' is " + cell_of(sv).text +
                                    "; a walk-away probability must be below 1 (certain walking away is no "
                                    "sensitivity: make the touchpoint an ending instead)");
          continue;
        }
        // p = 1 - exp(-hazard x unit) for an average customer (m = 1) feeling this friction alone.
        const double hazard = -std::log1p(-*p) / f.odds_unit;
        if (hazard > f.max) {
          diag_.error(sv.where, "'" + field + "' is " + cell_of(sv).text + ", a hazard of " + fmt(hazard) + f.per_unit +
                                    "; the largest cxsim supports is " + fmt(f.max));
          continue;
        }
        s.segment.*f.number = hazard;
        s.walk_away[which] = *p;
      }
      s.given.set(bit);
      first_where[which] = sk.where;
    }
  }

  SegmentSource segment_from_map(const YamlNode& n, bool patch, const std::string& what) {
    SegmentSource s;
    s.where = n.where;
    s.segment.value_expectation = 0.0;
    std::array<SourceLocation, sensitivity_count> sensitivity_where{};
    for (const auto& [k, v] : n.entries) {
      const auto it = std::find_if(segment_fields.begin(), segment_fields.end(),
                                   [&key = k.value](const char* f) { return key == f; });
      const auto bit = static_cast<std::size_t>(it - segment_fields.begin());
      if (it == segment_fields.end() || (patch && bit == seg_name)) {
        diag_.error(k.where, it != segment_fields.end()
                                 ? "a segment patch names its segment by its key; remove 'name'"
                                 : unknown_among("segment key", k.value, segment_fields) + " (in " + what + ")");
        continue;
      }
      const SegmentFieldRow& f = segment_field_table[bit];
      s.given.set(bit);
      const Cell c = cell_of(v);
      switch (f.kind) {
        case FieldKind::id:
        case FieldKind::text:
          if (auto t = text(c, f.key, f.required)) s.segment.*f.text = *t;
          break;
        case FieldKind::probability:
        case FieldKind::amount:
          if (auto x = real(c, f.key, 0.0, f.max)) {
            s.segment.*f.number = *x;
            if (bit == seg_share) s.share_valid = true;
          }
          break;
        case FieldKind::group: sensitivities(v, bit == seg_walk_away, s, sensitivity_where); break;
        case FieldKind::outcome: break;
      }
    }
    if (!patch) {
      for (std::size_t bit = 0; bit < segment_field_count; ++bit)
        if (segment_field_table[bit].required && !s.given.test(bit))
          diag_.error(n.where,
                      what + " is missing the required key '" + std::string(segment_field_table[bit].key) + "'");
      if (!s.given.test(seg_sensitivity) && !s.given.test(seg_walk_away))
        diag_.error(n.where, what +
                                 " is missing its sensitivities: give 'sensitivity' (hazards) or "
                                 "'walk_away' (walk-away odds)");
    }
    return s;
  }

  // ---- sweeps: {touchpoint | segment, attribute, from, to, steps} ----
  std::optional<SweepSource> sweep(const YamlNode& n) {
    static constexpr std::array<const char*, 6> keys{"touchpoint", "segment", "attribute", "from", "to", "steps"};
    only_keys(n, keys, "a sweep");
    const std::size_t errors = diag_.error_count();
    SweepSource s;
    s.where = n.where;
    const auto* tp = n.find("touchpoint");
    const auto* seg = n.find("segment");
    if ((tp != nullptr) == (seg != nullptr)) {
      diag_.error(n.where, "a sweep names either a 'touchpoint' or a 'segment' (and its 'attribute')");
      return std::nullopt;
    }
    const auto* who = tp ? tp : seg;
    s.name_where = who->where;
    if (auto t = text(cell_of(*who), tp ? "touchpoint" : "segment", true)) (tp ? s.touchpoint : s.segment) = *t;
    double max = 1.0;
    if (const auto* a = required(n, "attribute", "this sweep"))
      if (auto t = text(cell_of(*a), "attribute", true)) {
        s.attribute = *t;
        if (tp && !touchpoint_attribute_named(*t)) {
          diag_.error(a->where, unknown_among("touchpoint attribute", *t, touchpoint_attribute_names));
        } else if (seg) {
          const auto p = segment_parameter_named(*t);
          if (!p)
            diag_.error(a->where, unknown_among("segment parameter", *t, segment_parameter_names));
          else
            max = segment_parameter_max(*p);
        }
      }
    if (const auto* v = n.find("from"))
      if (auto x = real(cell_of(*v), "from", 0.0, max)) s.from = *x;
    if (const auto* v = n.find("to"))
      if (auto x = real(cell_of(*v), "to", 0.0, max)) s.to = *x;
    if (const auto* v = n.find("steps"))
      if (auto x = count(cell_of(*v), "steps", 2, 10'000)) s.steps = *x;
    if (diag_.error_count() > errors) return std::nullopt;
    return s;
  }

  // ---- the whole file ----
  Scenario scenario(const std::string& path) {
    Scenario sc;
    sc.path = path;
    const auto text_ = read_text_file(path, diag_, {}, limits::max_scenario_file_bytes);
    if (!text_) return sc;
    const auto root = parse_yaml(*text_, path, diag_);
    if (!root) return sc;
    if (!is_map(*root, "a scenario file")) return sc;
    const std::string base_dir = std::filesystem::path(path).parent_path().string();
    static constexpr std::array<const char*, 10> top{"name",      "description", "journey", "segments", "simulation",
                                                     "economics", "variants",    "sweeps",  "redesign", "assumptions"};
    only_keys(*root, top, "the scenario");

    if (const auto* n = required(*root, "name", "the scenario"))
      if (auto t = text(cell_of(*n), "name", true)) sc.name = *t;
    if (const auto* n = root->find("description"))
      if (auto t = text(cell_of(*n), "description", false)) sc.description = *t;

    if (const auto* j = required(*root, "journey", "the scenario"); j && is_map(*j, "'journey'")) {
      static constexpr std::array<const char*, 3> keys{"start", "touchpoints", "transitions"};
      only_keys(*j, keys, "'journey'");
      if (const auto* n = required(*j, "start", "'journey'"))
        if (auto t = text(cell_of(*n), "start", true)) {
          sc.start = *t;
          sc.start_where = n->where;
        }
      if (const auto* n = required(*j, "touchpoints", "'journey'")) sc.touchpoints = touchpoints(*n, base_dir);
      sc.touchpoint_ids_known =
          touchpoints_read_ && std::all_of(sc.touchpoints.begin(), sc.touchpoints.end(),
                                           [](const TouchpointSource& t) { return !t.touchpoint.id.empty(); });
      if (const auto* n = required(*j, "transitions", "'journey'")) sc.transitions = transitions(*n, base_dir);
      std::map<std::string, SourceLocation> seen;
      std::vector<const TouchpointSource*> duplicates;
      for (const auto& tp : sc.touchpoints) {
        if (tp.touchpoint.id.empty()) continue;
        if (!seen.emplace(tp.touchpoint.id, tp.where).second) duplicates.push_back(&tp);
      }
      if (!duplicates.empty()) {
        // A duplicate is usually a row whose id was overwritten (order_call pasted over as order):
        // the names the journey uses but no row defines say which id it was meant to have. Every
        // "unknown touchpoint" would only echo that, so references wait until the ids are unique.
        sc.touchpoint_ids_known = false;
        std::set<std::string> missing;
        const auto note = [&](const std::string& id) {
          if (!id.empty() && !seen.count(id) && missing.size() < 3) missing.insert(id);
        };
        note(sc.start);
        for (const auto& t : sc.transitions) {
          note(t.from);
          note(t.to);
        }
        std::string names;
        for (const auto& m : missing) names += (names.empty() ? "'" : ", '") + m + "'";
        for (const TouchpointSource* tp : duplicates)
          diag_.error(
              tp->where,
              "duplicate touchpoint id '" + tp->touchpoint.id + "' (first defined at " +
                  where_text(seen.at(tp->touchpoint.id)) + ")" +
                  (missing.empty() ? ""
                   : missing.size() == 1
                       ? "; the journey also uses " + names + ", which no row defines: is this row " + names + "?"
                       : "; the journey also uses " + names + ", which no row defines: is this row one of them?"));
      }
    }

    if (const auto* n = root->find("segments")) {
      sc.segments_where = n->where;
      if (!n->is_sequence() || n->items.empty()) {
        diag_.error(n->where, "'segments' must be a non-empty list of segments");
      } else {
        std::map<std::string, SourceLocation> names;
        for (const auto& item : n->items) {
          if (!is_map(item, "a segment")) continue;
          auto s = segment_from_map(item, false, "this segment");
          if (s.given.test(seg_name)) {
            auto [it, fresh] = names.emplace(s.segment.name, s.where);
            if (!fresh)
              diag_.error(s.where,
                          "duplicate segment name '" + s.segment.name + "' (first at " + where_text(it->second) + ")");
          }
          sc.segments.push_back(std::move(s));
        }
      }
    } else {
      sc.default_segments = true;
      sc.segments_where = root->where;
      SegmentSource s;
      s.segment = default_segment();
      s.where = root->where;
      sc.segments.push_back(s);
    }

    if (const auto* n = root->find("simulation"); n && is_map(*n, "'simulation'")) {
      static constexpr std::array<const char*, 3> keys{"customers", "seed", "max_steps"};
      only_keys(*n, keys, "'simulation'");
      if (const auto* v = n->find("customers"))
        if (auto x = count(cell_of(*v), "customers", 1, limits::max_customers)) sc.simulation.customers = *x;
      if (const auto* v = n->find("seed"))
        if (auto x = count(cell_of(*v), "seed", 0)) sc.simulation.seed = *x;
      if (const auto* v = n->find("max_steps"))
        if (auto x = count(cell_of(*v), "max_steps", 1, limits::max_steps)) sc.simulation.max_steps = *x;
    }

    if (const auto* n = root->find("economics"); n && is_map(*n, "'economics'")) {
      static constexpr std::array<const char*, 6> keys{"customers_per_year", "value_per_customer", "currency",
                                                       "horizon_years",      "discount_rate",      "value_by_stage"};
      only_keys(*n, keys, "'economics'");
      Economics e;
      e.where = n->where;
      bool ok = true;
      const auto* c = required(*n, "customers_per_year", "'economics'");
      const auto* v = required(*n, "value_per_customer", "'economics'");
      if (c) {
        if (auto x = real(cell_of(*c), "customers_per_year", 0.0, max_money))
          e.customers_per_year = *x;
        else
          ok = false;
      }
      if (v) {
        if (auto x = real(cell_of(*v), "value_per_customer", 0.0, max_money))
          e.value_per_customer = *x;
        else
          ok = false;
      }
      if (const auto* x = n->find("currency")) {
        if (auto t = text(cell_of(*x), "currency", false))
          e.currency = *t;
        else
          ok = false;
      }
      if (const auto* x = n->find("horizon_years")) {
        if (auto y = count(cell_of(*x), "horizon_years", 1, 100))
          e.horizon_years = *y;
        else
          ok = false;
      }
      if (const auto* x = n->find("discount_rate")) {
        if (auto r = real(cell_of(*x), "discount_rate", 0.0, 1.0))
          e.discount_rate = *r;
        else
          ok = false;
      }
      if (const auto* x = n->find("value_by_stage"); x && is_map(*x, "'value_by_stage'")) {
        for (const auto& [k, value] : x->entries) {
          if (auto y = real(cell_of(value), "value_by_stage." + k.value, 0.0, max_money)) {
            e.value_by_stage.emplace_back(k.value, *y);
            stage_keys_.push_back(k);
          } else {
            ok = false;
          }
        }
      }
      if (ok && c && v) sc.economics = e;
    }

    if (const auto* n = root->find("redesign"); n && is_map(*n, "'redesign'")) {
      static constexpr std::array<const char*, 3> keys{"description", "cost_per_year", "one_off_cost"};
      only_keys(*n, keys, "'redesign'");
      RedesignSource r;
      r.where = n->where;
      if (const auto* x = n->find("description"))
        if (auto t = text(cell_of(*x), "description", false)) r.description = *t;
      if (const auto* x = n->find("cost_per_year"))
        r.cost_per_year = real(cell_of(*x), "cost_per_year", -max_money, max_money);
      if (const auto* x = n->find("one_off_cost")) r.one_off_cost = real(cell_of(*x), "one_off_cost", 0.0, max_money);
      sc.redesign = r;
    }

    if (const auto* n = root->find("sweeps")) {
      if (!n->is_sequence())
        diag_.error(n->where, "'sweeps' must be a list of response curves, not " + std::string(describe(n->kind)));
      else
        for (const auto& item : n->items)
          if (is_map(item, "a sweep"))
            if (auto s = sweep(item)) sc.sweeps.push_back(std::move(*s));
    }

    if (const auto* n = root->find("variants")) {
      if (!n->is_sequence()) {
        diag_.error(n->where, "'variants' must be a list of variants, not " + std::string(describe(n->kind)));
      } else {
        std::map<std::string, SourceLocation> names;
        for (const auto& item : n->items) {
          if (!is_map(item, "a variant")) continue;
          auto v = variant(item);
          if (v.name.empty()) continue;
          if (v.name == "baseline") {
            diag_.error(v.where, "'baseline' is reserved for the journey without changes; rename the variant");
            continue;
          }
          auto [it, fresh] = names.emplace(v.name, v.where);
          if (!fresh) {
            diag_.error(v.where, "duplicate variant name '" + v.name + "' (first at " + where_text(it->second) + ")");
            continue;
          }
          if (v.cost_per_year && !root->find("economics"))
            diag_.warning(v.cost_where, "'cost_per_year' has no effect without an 'economics' block");
          sc.variants.push_back(std::move(v));
        }
      }
    }
    // Every stage valued must be the stage of some touchpoint (of the journey or a variant).
    if (!stage_keys_.empty() && touchpoints_read_) {
      std::vector<std::string> stages;
      const auto note = [&](const TouchpointSource& t) {
        if (!t.touchpoint.stage.empty() && std::find(stages.begin(), stages.end(), t.touchpoint.stage) == stages.end())
          stages.push_back(t.touchpoint.stage);
      };
      for (const auto& t : sc.touchpoints) note(t);
      for (const auto& v : sc.variants)
        for (const auto& t : v.touchpoints) note(t);
      for (const auto& k : stage_keys_)
        if (std::find(stages.begin(), stages.end(), k.value) == stages.end())
          diag_.error(k.where,
                      "'value_by_stage': no touchpoint has this stage; " + unknown_among("stage", k.value, stages));
    }
    if (const auto* n = root->find("assumptions"); n && is_map(*n, "'assumptions'")) sc.assumptions = assumptions(*n);
    return sc;
  }

  // The `assumptions` block: ranges are checked here, names when the assumptions are used.
  AssumptionsSource assumptions(const YamlNode& n) {
    AssumptionsSource a;
    a.where = n.where;
    static constexpr std::array<const char*, 3> keys{"draws", "seed", "inputs"};
    only_keys(n, keys, "'assumptions'");
    if (const auto* x = n.find("draws"))
      if (auto d = count(cell_of(*x), "draws", 2, limits::max_assumption_draws)) a.draws = *d;
    if (const auto* x = n.find("seed"))
      if (auto d = count(cell_of(*x), "seed", 0)) a.seed = *d;
    const auto* list = required(n, "inputs", "'assumptions'");
    if (!list) return a;
    if (!list->is_sequence() || list->items.empty()) {
      diag_.error(list->where, "'inputs' must be a non-empty list of {name, low, high} (and optionally mode, group)");
      return a;
    }
    for (const auto& item : list->items) {
      if (!is_map(item, "an assumption input")) continue;
      static constexpr std::array<const char*, 7> input_keys{"name", "low", "mode", "high", "group", "when", "segment"};
      only_keys(item, input_keys, "an assumption input");
      AssumptionInput in;
      in.where = item.where;
      bool ok = true;
      if (const auto* x = required(item, "name", "this assumption input")) {
        in.name_where = x->where;
        if (auto t = text(cell_of(*x), "name", true))
          in.name = *t;
        else
          ok = false;
      } else {
        ok = false;
      }
      const auto number = [&](const char* key, bool needed) -> std::optional<double> {
        const auto* x = needed ? required(item, key, "this assumption input") : item.find(key);
        if (!x) {
          if (needed) ok = false;
          return std::nullopt;
        }
        auto v = real(cell_of(*x), key, -max_money, max_money);
        if (!v) ok = false;
        return v;
      };
      const auto low = number("low", true), high = number("high", true), mode = number("mode", false);
      if (const auto* x = item.find("group"))
        if (auto t = text(cell_of(*x), "group", true)) in.group = *t;
      if (const auto* x = item.find("segment"))
        if (auto t = text(cell_of(*x), "segment", true)) in.segment = *t;
      if (const auto* x = item.find("when")) {
        const auto w = text(cell_of(*x), "when", true);
        if (w && *w == "ok")
          in.when = When::ok;
        else if (w && *w == "fail")
          in.when = When::fail;
        else if (w && *w == "any")
          in.when = When::any;
        else if (w) {
          diag_.error(x->where, "'when' is '" + *w + "'; expected 'ok', 'fail' or 'any'");
          ok = false;
        }
      }
      if (low && high) {
        in.low = *low;
        in.high = *high;
        in.mode = mode;
        if (*low > *high) {
          diag_.error(item.where, "assumption '" + in.name + "': low " + fmt(*low) + " is above high " + fmt(*high));
          ok = false;
        } else if (mode && (*mode < *low || *mode > *high)) {
          diag_.error(item.where, "assumption '" + in.name + "': mode " + fmt(*mode) + " lies outside [" + fmt(*low) +
                                      ", " + fmt(*high) + "]");
          ok = false;
        }
      }
      if (ok) a.inputs.push_back(std::move(in));
    }
    return a;
  }

  VariantSource variant(const YamlNode& n) {
    VariantSource v;
    v.where = n.where;
    static constexpr std::array<const char*, 7> keys{"name",     "description",   "touchpoints", "transitions",
                                                     "segments", "cost_per_year", "one_off_cost"};
    only_keys(n, keys, "a variant");
    if (const auto* x = n.find("cost_per_year")) {
      v.cost_where = x->where;
      v.cost_per_year = real(cell_of(*x), "cost_per_year", -max_money, max_money);
    }
    if (const auto* x = n.find("one_off_cost")) v.one_off_cost = real(cell_of(*x), "one_off_cost", 0.0, max_money);
    if (const auto* x = required(n, "name", "this variant"))
      if (auto t = text(cell_of(*x), "name", true)) v.name = *t;
    if (const auto* x = n.find("description"))
      if (auto t = text(cell_of(*x), "description", false)) v.description = *t;
    if (const auto* x = n.find("touchpoints"); x && is_map(*x, "a variant's 'touchpoints'"))
      for (const auto& [k, patch] : x->entries) {
        if (!is_map(patch, "the patch of touchpoint '" + k.value + "'")) continue;
        auto tp = touchpoint_from_map(patch, "the patch of touchpoint '" + k.value + "'", false);
        tp.touchpoint.id = k.value;
        tp.given.set(tp_id);
        tp.where = k.where;
        v.touchpoints.push_back(std::move(tp));
      }
    if (const auto* x = n.find("transitions"); x && is_map(*x, "a variant's 'transitions'"))
      for (const auto& [k, list] : x->entries) {
        TransitionReplacement r;
        r.from = k.value;
        r.where = k.where;
        if (list.is_null()) {
          // `support: ~` or `support: []`: no way out; the touchpoint becomes terminal
        } else if (!list.is_sequence()) {
          diag_.error(list.where, "the transitions out of '" + k.value + "' must be a list, not " +
                                      std::string(describe(list.kind)));
          continue;
        } else {
          for (const auto& item : list.items)
            if (auto t = transition_from_map(item, &k.value)) r.transitions.push_back(std::move(*t));
        }
        v.transitions.push_back(std::move(r));
      }
    if (const auto* x = n.find("segments"); x && is_map(*x, "a variant's 'segments'"))
      for (const auto& [k, patch] : x->entries) {
        if (!is_map(patch, "the patch of segment '" + k.value + "'")) continue;
        auto s = segment_from_map(patch, true, "the patch of segment '" + k.value + "'");
        s.segment.name = k.value;
        s.where = k.where;
        v.segments.push_back(std::move(s));
      }
    return v;
  }

  static std::string where_text(const SourceLocation& w) {
    Diagnostic d;
    d.where = w;
    std::string s = d.to_string();
    return s.substr(0, s.find(": "));
  }

 private:
  Diagnostics& diag_;
  bool touchpoints_read_ = false;
  std::vector<YamlNode> stage_keys_;  // the stages `value_by_stage` names, where they are named
  std::vector<std::string> inputs_;   // the CSV tables named, in the order read

 public:
  std::vector<std::string> take_inputs() { return std::move(inputs_); }
};

}  // namespace

Scenario parse_scenario(const std::string& path, Diagnostics& diagnostics) {
  Loader loader(diagnostics);
  Scenario sc = loader.scenario(path);
  sc.inputs.push_back(path);
  for (auto& table : loader.take_inputs()) sc.inputs.push_back(std::move(table));
  return sc;
}

}  // namespace cxsim
