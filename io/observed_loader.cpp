#include "io/observed_loader.hpp"

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "io/csv_table.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/yaml_tree.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

constexpr std::array<const char*, 5> touchpoint_columns{"touchpoint", "visits", "failures", "repeats", "abandoned"};
constexpr std::array<Ending, 4> observable_outcomes{Ending::retained, Ending::abandoned, Ending::routed_defection,
                                                    Ending::silent_churn};

// What one map of counts (the top level, or one segment) gave, with places for messages.
struct CountsSource {
  std::optional<double> customers;
  SourceLocation customers_where, where;
  std::array<std::optional<double>, ending_count> outcomes;
  std::array<SourceLocation, ending_count> outcome_where;
  std::vector<ObservedTouchpoint> touchpoints;
  std::vector<SourceLocation> touchpoint_where;  // the row of each
  SourceLocation touchpoints_where;              // the `touchpoints:` entry
};

class ObservedLoader {
 public:
  ObservedLoader(const Journey& j, const Population& p, Diagnostics& d) : j_(j), p_(p), diag_(d) {}

  const std::vector<std::string>& inputs() const { return inputs_; }

  ObservedData load(const std::string& path) {
    inputs_.push_back(path);
    ObservedData data;
    data.source = path;
    const auto text = read_text_file(path, diag_, {}, limits::max_scenario_file_bytes);
    if (!text) return data;
    const auto root = parse_yaml(*text, path, diag_);
    if (!root) return data;
    if (!root->is_map()) {
      diag_.error(root->where,
                  std::string("the observed counts must be a map with 'customers', 'outcomes', 'touchpoints' "
                              "and 'segments', not ") +
                      describe(root->kind));
      return data;
    }
    base_dir_ = std::filesystem::path(path).parent_path().string();
    CountsSource top = counts(*root, "the observed counts", {"customers", "outcomes", "touchpoints", "segments"});
    if (!top.customers && !root->find("customers"))
      diag_.error(root->where, "'customers' is missing: how many customers entered the journey");
    std::vector<std::pair<std::size_t, CountsSource>> segments;
    if (const auto* list = root->find("segments")) {
      if (!list->is_sequence()) {
        diag_.error(list->where,
                    std::string("'segments' must be a list of segments' counts, not ") + describe(list->kind));
      } else {
        std::set<std::size_t> seen;
        for (const auto& item : list->items) {
          if (!item.is_map()) {
            diag_.error(item.where, std::string("each entry of 'segments' must be a map, not ") + describe(item.kind));
            continue;
          }
          const auto s = segment_named(item);
          CountsSource c = counts(item, "a segment's counts", {"name", "customers", "outcomes", "touchpoints"});
          if (!c.customers && !item.find("customers"))
            diag_.error(item.where, "'customers' is missing: how many customers of this segment entered the journey");
          if (!s) continue;
          if (!seen.insert(*s).second) {
            diag_.error(item.where, "segment '" + p_.segment(*s).name + "' has counts twice");
            continue;
          }
          segments.emplace_back(*s, std::move(c));
        }
      }
    }
    if (diag_.has_errors()) return data;
    build_groups(top, segments, data);
    return data;
  }

 private:
  // A whole number of customers or visits, up to the engine's customer limit.
  std::optional<double> count(std::string_view text, bool quoted, const SourceLocation& where,
                              const std::string& field) {
    std::string why;
    if (quoted) {
      diag_.error(where, "'" + field + "' must be a whole number, not quoted text");
      return std::nullopt;
    }
    const auto v = parse_count(text, why);
    if (!v) {
      diag_.error(where, "'" + field + "' must be a whole number >= 0: " + why);
      return std::nullopt;
    }
    if (*v > limits::max_customers) {
      diag_.error(where, "'" + field + "' is more than " + std::to_string(limits::max_customers) +
                             ", the largest count cxsim takes");
      return std::nullopt;
    }
    return static_cast<double>(*v);
  }

  std::optional<double> count(const YamlNode& n, const std::string& field) {
    if (!n.is_scalar()) {
      diag_.error(n.where, "'" + field + "' must be a whole number, not " + describe(n.kind));
      return std::nullopt;
    }
    return count(n.value, n.quoted, n.where, field);
  }

  void unknown_keys(const YamlNode& map, std::initializer_list<const char*> known, const std::string& what) {
    std::vector<std::string> names(known.begin(), known.end());
    for (const auto& e : map.entries) {
      if (std::find(names.begin(), names.end(), e.key.value) != names.end()) continue;
      diag_.error(e.key.where, unknown_name_message("key", e.key.value, names) + " (in " + what + ")");
    }
  }

  std::optional<std::size_t> segment_named(const YamlNode& item) {
    const auto* name = item.find("name");
    if (!name) {
      diag_.error(item.where, "a segment's counts need its 'name'");
      return std::nullopt;
    }
    if (!name->is_scalar() || name->value.empty()) {
      diag_.error(name->where, "'name' must be the name of a segment of the scenario");
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (std::size_t s = 0; s < p_.size(); ++s) {
      if (p_.segment(s).name == name->value) return s;
      names.push_back(p_.segment(s).name);
    }
    diag_.error(name->where, unknown_name_message("segment", name->value, names));
    return std::nullopt;
  }

  CountsSource counts(const YamlNode& map, const std::string& what, std::initializer_list<const char*> keys) {
    unknown_keys(map, keys, what);
    CountsSource c;
    c.where = map.where;
    if (const auto* n = map.find("customers")) {
      c.customers = count(*n, "customers");
      c.customers_where = n->where;
      if (c.customers && *c.customers < 1.0) {
        diag_.error(n->where, "'customers' must be at least 1");
        c.customers.reset();
      }
    }
    if (const auto* o = map.find("outcomes")) {
      if (!o->is_map()) {
        diag_.error(o->where, std::string("'outcomes' must be a map of counts by outcome, not ") + describe(o->kind));
      } else {
        unknown_keys(*o, {"retained", "abandoned", "routed_defection", "silent_churn"}, "'outcomes'");
        for (const Ending e : observable_outcomes) {
          const char* name = ending_names[static_cast<std::size_t>(e)];
          if (const auto* n = o->find(name)) {
            if (n->is_null()) continue;  // written but empty: not observed
            c.outcomes[static_cast<std::size_t>(e)] = count(*n, std::string("outcomes.") + name);
            c.outcome_where[static_cast<std::size_t>(e)] = n->where;
          }
        }
      }
    }
    if (const auto* t = map.find("touchpoints")) {
      c.touchpoints_where = t->where;
      if (!t->is_scalar() || t->value.empty())
        diag_.error(t->where,
                    "'touchpoints' must name a CSV file with columns touchpoint,visits,failures,repeats,abandoned");
      else
        touchpoint_table(resolve_beside(base_dir_, t->value), t->where, c);
    }
    check_totals(c);
    return c;
  }

  void touchpoint_table(const std::string& path, const SourceLocation& from, CountsSource& c) {
    inputs_.push_back(path);
    auto table = read_csv(path, touchpoint_columns, diag_, from);
    if (!table) return;
    if (!table->present[0]) {
      diag_.error({table->file, 1, 0}, "the observed touchpoint counts need a 'touchpoint' column");
      return;
    }
    std::map<std::string, std::size_t> index;
    for (std::size_t k = 0; k < j_.size(); ++k) index.emplace(j_.touchpoint(k).id, k);
    std::vector<std::string> ids;
    for (std::size_t k = 0; k < j_.size(); ++k) ids.push_back(j_.touchpoint(k).id);
    std::map<std::size_t, std::size_t> seen;  // touchpoint -> line
    for (const auto& row : table->rows) {
      if (diag_.saturated(table->file)) {  // past the errors shown, the rest only costs time
        diag_.stopped_reading(table->file, row.line);
        break;
      }
      const auto at = [&](std::size_t i) { return SourceLocation{table->file, row.line, row.columns[i]}; };
      const std::string id = row.cells[0].value_or("");
      if (id.empty()) {
        diag_.error(at(0), "'touchpoint' must not be empty");
        continue;
      }
      const auto it = index.find(id);
      if (it == index.end()) {
        diag_.error(at(0), unknown_name("touchpoint", id, ids) + "; counts must name touchpoints of the scenario");
        continue;
      }
      const std::size_t k = it->second;
      if (const auto [prev, fresh] = seen.emplace(k, row.line); !fresh) {
        diag_.error(at(0), "touchpoint '" + one_line(id) + "' has counts twice (first on line " +
                               std::to_string(prev->second) + ")");
        continue;
      }
      ObservedTouchpoint o;
      o.touchpoint = k;
      bool ok = true;
      for (int f = 0; f < weighted_figure_count; ++f) {
        const std::size_t col = static_cast<std::size_t>(f) + 1;
        const auto& cell = row.cells[col];
        if (!cell || cell->empty()) continue;
        const auto v = count(*cell, false, at(col), touchpoint_columns[col]);
        if (!v) {
          ok = false;
          continue;
        }
        o.counts[static_cast<std::size_t>(f)] = v;
      }
      if (!ok) continue;
      if (const auto& v = o.counts[weight_visits]) {
        for (int f = weight_failures; f < weighted_figure_count; ++f)
          if (const auto& x = o.counts[static_cast<std::size_t>(f)]; x && *x > *v)
            diag_.error(at(static_cast<std::size_t>(f) + 1),
                        std::string("more ") + touchpoint_columns[static_cast<std::size_t>(f) + 1] + " (" +
                            shortest_text(*x) + ") than visits (" + shortest_text(*v) + ")");
      }
      if (j_.is_terminal(k)) {
        for (int f = weight_failures; f < weighted_figure_count; ++f)
          if (const auto& x = o.counts[static_cast<std::size_t>(f)]; x && *x > 0.0)
            diag_.error(at(static_cast<std::size_t>(f) + 1),
                        "'" + one_line(id) + "' is an ending: customers reach it but have no " +
                            touchpoint_columns[static_cast<std::size_t>(f) + 1] + " there");
      }
      c.touchpoints.push_back(o);
      c.touchpoint_where.push_back({table->file, row.line, 0});
    }
  }

  void check_totals(const CountsSource& c) {
    if (!c.customers) return;
    double sum = 0.0;
    int given = 0;
    for (const Ending e : observable_outcomes)
      if (const auto& n = c.outcomes[static_cast<std::size_t>(e)]) {
        sum += *n;
        ++given;
      }
    if (sum > *c.customers)
      diag_.error(c.customers_where, "the outcomes add up to " + shortest_text(sum) + ", more than the " +
                                         shortest_text(*c.customers) + " customers");
    else if (given == 4 && sum != *c.customers)
      diag_.error(c.customers_where,
                  "the four outcomes add up to " + shortest_text(sum) + ", not the " + shortest_text(*c.customers) +
                      " customers (every customer ends in one of them; leave one out if it was not observed)");
  }

  // Each segment with counts is a group; the top-level counts, less the segments' own, are the
  // group of the remaining segments.
  void build_groups(const CountsSource& top, const std::vector<std::pair<std::size_t, CountsSource>>& segments,
                    ObservedData& data) {
    std::set<std::size_t> covered;
    for (const auto& [s, c] : segments) {
      covered.insert(s);
      ObservedGroup g;
      g.name = p_.segment(s).name;
      g.segments = {s};
      g.customers = c.customers.value_or(0.0);
      g.outcomes = c.outcomes;
      g.touchpoints = c.touchpoints;
      data.groups.push_back(std::move(g));
    }
    ObservedGroup rest;
    for (std::size_t s = 0; s < p_.size(); ++s)
      if (!covered.count(s)) rest.segments.push_back(s);
    rest.name = segments.empty() ? "" : "other_segments";
    double customers = top.customers.value_or(0.0);
    for (const auto& seg : segments) customers -= seg.second.customers.value_or(0.0);
    if (customers < 0.0) {
      diag_.error(top.customers_where,
                  "the segments' customers add up to more than the " + shortest_text(*top.customers) + " customers");
      return;
    }
    rest.customers = customers;
    // A top-level count can be split only when every segment with counts gives it too.
    for (const Ending e : observable_outcomes) {
      const std::size_t i = static_cast<std::size_t>(e);
      if (!top.outcomes[i]) continue;
      double left = *top.outcomes[i];
      bool all = true;
      for (const auto& seg : segments) {
        if (seg.second.outcomes[i])
          left -= *seg.second.outcomes[i];
        else
          all = false;
      }
      if (!all) {
        diag_.warning(top.outcome_where[i],
                      std::string("outcomes.") + ending_names[i] +
                          " is not used: some segments with counts of their own do not give it, so it "
                          "cannot be split between them and the other segments");
        continue;
      }
      if (left < 0.0) {
        diag_.error(top.outcome_where[i],
                    std::string("the segments' outcomes.") + ending_names[i] + " add up to more than the total");
        continue;
      }
      rest.outcomes[i] = left;
    }
    for (std::size_t r = 0; r < top.touchpoints.size(); ++r) {
      ObservedTouchpoint o = top.touchpoints[r];
      for (int f = 0; f < weighted_figure_count; ++f) {
        auto& x = o.counts[static_cast<std::size_t>(f)];
        if (!x) continue;
        bool all = true;
        for (const auto& seg : segments) {
          const auto it = std::find_if(seg.second.touchpoints.begin(), seg.second.touchpoints.end(),
                                       [&](const ObservedTouchpoint& t) { return t.touchpoint == o.touchpoint; });
          if (it == seg.second.touchpoints.end() || !it->counts[static_cast<std::size_t>(f)]) {
            all = false;
            break;
          }
          *x -= *it->counts[static_cast<std::size_t>(f)];
        }
        if (!all) {
          diag_.warning(top.touchpoint_where[r],
                        "the " + std::string(touchpoint_columns[static_cast<std::size_t>(f) + 1]) + " of '" +
                            one_line(j_.touchpoint(o.touchpoint).id) +
                            "' are not used: some segments with counts of their own do not give them");
          x.reset();
        } else if (*x < 0.0) {
          diag_.error(top.touchpoint_where[r],
                      "the segments' " + std::string(touchpoint_columns[static_cast<std::size_t>(f) + 1]) + " of '" +
                          one_line(j_.touchpoint(o.touchpoint).id) + "' add up to more than the total");
          x.reset();
        }
      }
      rest.touchpoints.push_back(o);
    }
    double rest_outcomes = 0.0;
    for (const auto& o : rest.outcomes) rest_outcomes += o.value_or(0.0);
    if (rest_outcomes > rest.customers) {
      diag_.error(top.customers_where, "less the segments' own counts, the outcomes (" + shortest_text(rest_outcomes) +
                                           ") add up to more than the customers left (" +
                                           shortest_text(rest.customers) + ")");
      return;
    }
    if (rest.segments.empty()) {
      // Every segment has counts of its own: what the top level says beyond them must be nothing.
      if (customers > 0.0)
        diag_.error(top.customers_where,
                    "every segment has counts of its own, but they add up to fewer customers than the total");
      return;
    }
    if (rest.customers > 0.0) data.groups.push_back(std::move(rest));
  }

  const Journey& j_;
  const Population& p_;
  Diagnostics& diag_;
  std::string base_dir_;
  std::vector<std::string> inputs_;
};

}  // namespace

ObservedFile load_observed(const std::string& path, const Journey& journey, const Population& population,
                           Diagnostics& diagnostics) {
  ObservedLoader loader(journey, population, diagnostics);
  ObservedFile out;
  out.data = loader.load(path);
  out.inputs = loader.inputs();
  return out;
}

}  // namespace cxsim
