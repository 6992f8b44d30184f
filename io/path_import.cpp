#include "io/path_import.hpp"

#include "io/fccp.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "io/csv_escape.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/scenario_fields.hpp"

namespace cxsim {

namespace {

constexpr std::array<const char*, 6> columns{"customer", "step", "touchpoint", "ending", "segment", "failed"};
enum Column { c_customer, c_step, c_touchpoint, c_ending, c_segment, c_failed };

// How a path ended; the imported journey has one terminal for each ending observed.
constexpr std::array<const char*, 4> ending_names{"retained", "churned", "abandoned", "defected"};
constexpr int no_ending = -1;

// OBSERVED.yaml's words for the same endings, accepted here too: one vocabulary for both files.
constexpr std::array<const char*, 4> outcome_names{"retained", "silent_churn", "abandoned", "routed_defection"};
enum Ending : int { e_retained = 0, e_churned = 1, e_abandoned = 2, e_defected = 3 };

int ending_of(const std::string& s) {
  for (int e = 0; e < 4; ++e)
    if (s == ending_names[static_cast<std::size_t>(e)] || s == outcome_names[static_cast<std::size_t>(e)]) return e;
  return no_ending;
}

// Which transition set a departure belongs to.
enum Set : int { set_any = 0, set_ok = 1, set_fail = 2 };
constexpr std::array<const char*, 3> set_names{"any", "ok", "fail"};

constexpr int start_node = -1;
// Departures: (segment, from, set) -> (to -> count). `to` >= 0 is a touchpoint, -1 - e an ending.
using Key = std::tuple<int, int, int>;

struct Counts {
  std::vector<std::string> touchpoints, segments;
  std::unordered_map<std::string, int> touchpoint_index, segment_index;
  std::vector<std::uint64_t> visits, failures, abandoned, segment_customers;
  std::map<Key, std::map<int, std::uint64_t>> departures;
  std::array<std::uint64_t, 4> endings{};  // customers by how their path ended

  int intern(std::vector<std::string>& names, std::unordered_map<std::string, int>& index, const std::string& s) {
    const auto [it, fresh] = index.emplace(s, static_cast<int>(names.size()));
    if (fresh) names.push_back(s);
    return it->second;
  }
};

// The customer whose rows are being read.
struct Path {
  std::string customer;
  int segment = 0, touchpoint = 0;
  bool failed = false;
  std::uint64_t step = 0;
  int ending = no_ending;
  std::size_t line = 0;
};

// A YAML double-quoted scalar.
std::string yaml_quote(const std::string& s) {
  std::string q = "\"";
  for (const char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

std::string unique_id(const std::string& want, const std::unordered_map<std::string, int>& taken) {
  std::string id = want;
  while (taken.count(id)) id += "_";
  return id;
}

// What PATHS.csv held: the counts, and which optional columns it had.
struct PathCounts {
  Counts counts;
  bool has_segment = false, has_failed = false;
};

// Step 1: reads PATHS.csv into counts (the visits, failures and departures of every touchpoint and
// segment), every problem at its line. False when there were errors.
bool count_paths(const std::string& path, const PathImportSettings& settings, Diagnostics& diag, ImportedPaths& out,
                 PathCounts& pc) {
  Counts& counts = pc.counts;
  bool& has_segment = pc.has_segment;
  bool& has_failed = pc.has_failed;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    diag.error({path, 0, 0}, std::filesystem::exists(path, ec) ? "not a regular file; expected a CSV file of paths"
                                                               : "cannot read: no such file");
    return false;
  }
  const std::size_t max_errors = 50;
  std::unordered_set<std::string> finished;  // customers whose rows are behind us
  std::optional<Path> current;
  const auto error = [&](std::size_t line, const std::string& column, const std::string& message) {
    diag.error({path, line, 0}, (column.empty() ? "" : "'" + column + "': ") + message);
    return diag.error_count() < max_errors;
  };
  // The end of a customer's rows: its last row must say how the path ended.
  const auto close = [&](const Path& p) {
    if (p.ending == no_ending)
      return error(p.line, "ending",
                   "the path of customer '" + p.customer + "' ends here without an ending; " +
                       "its last row needs retained, churned, abandoned or defected");
    const int set = !has_failed ? set_any : p.failed ? set_fail : set_ok;
    // Left to friction, silent churn is a customer who completed: one retained ending for both.
    const int ending = settings.left_to_friction && p.ending == e_churned ? e_retained : p.ending;
    ++counts.departures[{p.segment, p.touchpoint, set}][-1 - ending];
    if (p.ending == e_abandoned) ++counts.abandoned[static_cast<std::size_t>(p.touchpoint)];
    ++counts.endings[static_cast<std::size_t>(p.ending)];
    finished.insert(p.customer);
    return true;
  };
  try {
    io::CSVReader<6, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>, io::throw_on_overflow,
                  io::empty_line_comment>
        reader(path);
    reader.read_header(io::ignore_missing_column, columns[0], columns[1], columns[2], columns[3], columns[4],
                       columns[5]);
    for (const int required : {c_customer, c_step, c_touchpoint, c_ending})
      if (!reader.has_column(columns[static_cast<std::size_t>(required)])) {
        error(1, "",
              std::string("the header has no column '") + columns[static_cast<std::size_t>(required)] +
                  "'; PATHS.csv needs customer,step,touchpoint,ending (and may have segment, failed)");
        return false;
      }
    has_segment = reader.has_column("segment");
    has_failed = reader.has_column("failed");
    std::array<std::string, 6> cell;
    bool going = true;
    while (going) {
      for (auto& c : cell) c.clear();
      if (!reader.read_row(cell[0], cell[1], cell[2], cell[3], cell[4], cell[5])) break;
      const std::size_t line = reader.get_file_line();
      ++out.visits;
      bool ok = true;
      for (const int c : {c_customer, c_touchpoint, c_segment}) {
        if (c == c_segment && !has_segment) continue;
        const std::string& v = cell[static_cast<std::size_t>(c)];
        if (v.empty()) {
          going = error(line, columns[static_cast<std::size_t>(c)], "must not be empty");
          ok = false;
        } else if (const auto problem = text_problem(v)) {
          going = error(line, columns[static_cast<std::size_t>(c)], *problem);
          ok = false;
        }
      }
      std::string why;
      const auto step = parse_count(cell[c_step], why);
      if (!step) {
        going = error(line, "step", "'" + cell[c_step] + "': " + why);
        ok = false;
      }
      const int ending = cell[c_ending].empty() ? no_ending : ending_of(cell[c_ending]);
      if (!cell[c_ending].empty() && ending == no_ending) {
        going =
            error(line, "ending",
                  "unknown ending '" + one_line(cell[c_ending]) +
                      "'; expected retained, churned, abandoned or defected "
                      "(or OBSERVED.yaml's words: silent_churn, routed_defection; nothing before the path's last row)");
        ok = false;
      }
      bool failed = false;
      if (has_failed) {
        if (cell[c_failed] == "1" || cell[c_failed] == "true")
          failed = true;
        else if (!(cell[c_failed] == "0" || cell[c_failed] == "false")) {
          going = error(line, "failed", "'" + one_line(cell[c_failed]) + "' must be 1 (the visit failed) or 0");
          ok = false;
        }
      }
      if (!ok) {
        current.reset();  // do not pile follow-on errors onto this customer
        continue;
      }
      const int tp = counts.intern(counts.touchpoints, counts.touchpoint_index, cell[c_touchpoint]);
      if (counts.visits.size() < counts.touchpoints.size()) {
        counts.visits.resize(counts.touchpoints.size(), 0);
        counts.failures.resize(counts.touchpoints.size(), 0);
        counts.abandoned.resize(counts.touchpoints.size(), 0);
      }
      const int seg = has_segment ? counts.intern(counts.segments, counts.segment_index, cell[c_segment]) : 0;
      if (counts.segment_customers.size() < std::max<std::size_t>(1, counts.segments.size()))
        counts.segment_customers.resize(std::max<std::size_t>(1, counts.segments.size()), 0);

      if (current && current->customer == cell[c_customer]) {
        Path& p = *current;
        if (p.ending != no_ending) {
          going = error(p.line, "ending",
                        "an ending in the middle of the path of customer '" + p.customer +
                            "': the path goes on at line " + std::to_string(line));
          current.reset();
          continue;
        }
        if (*step != p.step + 1) {
          going = error(line, "step",
                        "step " + std::to_string(*step) + " of customer '" + p.customer + "' follows step " +
                            std::to_string(p.step) +
                            "; steps go up by 1 (a visit is missing, or the rows are "
                            "out of order: sort the file by customer, then step)");
          current.reset();
          continue;
        }
        if (has_segment && seg != p.segment) {
          going = error(line, "segment", "customer '" + p.customer + "' changes segment within the path");
          current.reset();
          continue;
        }
        const int set = !has_failed ? set_any : p.failed ? set_fail : set_ok;
        ++counts.departures[{p.segment, p.touchpoint, set}][tp];
        p.touchpoint = tp;
        p.step = *step;
        p.failed = failed;
        p.ending = ending;
        p.line = line;
      } else {
        if (current) going = close(*current) && going;
        if (finished.count(cell[c_customer])) {
          going = error(
              line, "customer",
              "the rows of customer '" + cell[c_customer] + "' are not together; sort the file by customer, then step");
          current.reset();
          continue;
        }
        current = Path{cell[c_customer], seg, tp, failed, *step, ending, line};
        ++counts.departures[{seg, start_node, set_any}][tp];
        ++counts.segment_customers[static_cast<std::size_t>(seg)];
        ++out.customers;
      }
      ++counts.visits[static_cast<std::size_t>(tp)];
      counts.failures[static_cast<std::size_t>(tp)] += failed;
    }
    if (going && current) close(*current);
  } catch (const io::error::base& e) {
    std::size_t line = 0;
    if (const auto* fl = dynamic_cast<const io::error::with_file_line*>(&e); fl && fl->file_line > 0)
      line = static_cast<std::size_t>(fl->file_line);
    std::string message = e.what();
    if (dynamic_cast<const io::error::extra_column_in_header*>(&e))
      message =
          "unknown column in the header; PATHS.csv has customer,step,touchpoint,ending and optionally segment, failed";
    else if (dynamic_cast<const io::error::too_few_columns*>(&e))
      message = "this row has fewer cells than the header has columns";
    else if (dynamic_cast<const io::error::too_many_columns*>(&e))
      message = "this row has more cells than the header has columns";
    else if (dynamic_cast<const io::error::escaped_string_not_closed*>(&e))
      message = "a quoted cell is not closed (quotes cannot span lines)";
    else if (dynamic_cast<const io::error::header_missing*>(&e))
      message =
          "the file is empty; expected a header line customer,step,touchpoint,ending (and segment, failed if known)";
    diag.error({path, line, 0}, message);
    return false;
  }
  if (diag.error_count() >= max_errors)
    diag.error({path, 0, 0}, "stopped after " + std::to_string(max_errors) + " errors");
  if (diag.has_errors()) return false;
  if (out.customers == 0) {
    diag.error({path, 0, 0}, "no paths: the file has a header but no rows");
    return false;
  }
  return true;
}

// The ids of the imported journey: its start and its four endings, none clashing with a
// touchpoint's own id.
struct JourneyIds {
  std::string start;
  std::array<std::string, 4> endings;
  const Counts* counts = nullptr;
  const std::string& of(int node) const {
    return node == start_node ? start : counts->touchpoints[static_cast<std::size_t>(node)];
  }
  const std::string& to(int to) const {
    return to >= 0 ? counts->touchpoints[static_cast<std::size_t>(to)] : endings[static_cast<std::size_t>(-1 - to)];
  }
};

JourneyIds journey_ids(const Counts& counts) {
  JourneyIds ids;
  ids.counts = &counts;
  ids.start = unique_id("start", counts.touchpoint_index);
  for (int e = 0; e < 4; ++e)
    ids.endings[static_cast<std::size_t>(e)] =
        unique_id(std::string("ended_") + ending_names[static_cast<std::size_t>(e)], counts.touchpoint_index);
  return ids;
}

// Step 2: transitions.csv, every set with its maximum-likelihood probabilities; segments seen often
// enough get rows of their own. `ended` says which endings some row reaches.
std::string transitions_table(PathCounts& pc, const JourneyIds& ids, const PathImportSettings& settings,
                              ImportedPaths& out, std::array<bool, 4>& ended) {
  Counts& counts = pc.counts;
  const std::size_t segs = std::max<std::size_t>(1, counts.segments.size());
  const auto id_of = [&](int node) -> const std::string& { return ids.of(node); };
  const auto to_id = [&](int to) -> const std::string& { return ids.to(to); };
  const auto& ending_ids = ids.endings;
  // Rows of one set: to, probability = times taken / departures.
  std::ostringstream trs;
  trs << "from,to,probability,when,segment\n";
  std::set<std::pair<int, int>> all_abandoned;  // (from, set) where every departure was an abandonment
  const auto write_set = [&](int from, int set, const std::map<int, std::uint64_t>& all, const std::string& segment) {
    // Left to friction, abandonment is the visit's own walk-away, not a route: the rows are the
    // customers who went on. Where nobody went on, no friction can make walking away certain, so
    // the abandonment stays a route (and is listed).
    std::map<int, std::uint64_t> went_on;
    if (settings.left_to_friction) {
      for (const auto& [t, n] : all)
        if (t != -1 - e_abandoned) went_on.emplace(t, n);
      if (went_on.empty() && all_abandoned.insert({from, set}).second)
        out.fallbacks.push_back("at '" + id_of(from) + "'" +
                                (set == set_fail ? " after a failed visit"
                                 : set == set_ok ? " after a visit that worked"
                                                 : "") +
                                " every customer abandoned: routed to '" + ending_ids[e_abandoned] +
                                "', since no friction makes walking away certain");
    }
    const auto& to = settings.left_to_friction && !went_on.empty() ? went_on : all;
    std::uint64_t total = 0;
    for (const auto& [t, n] : to) total += n;
    for (const auto& [t, n] : to) {
      if (t < 0) ended[static_cast<std::size_t>(-1 - t)] = true;
      trs << csv_escape_verbatim(id_of(from)) << ',' << csv_escape_verbatim(to_id(t)) << ','
          << shortest_text(static_cast<double>(n) / static_cast<double>(total)) << ','
          << set_names[static_cast<std::size_t>(set)] << ',' << csv_escape_verbatim(segment) << '\n';
      ++out.transitions;
    }
  };
  // General routes: every segment's departures together.
  std::map<std::pair<int, int>, std::map<int, std::uint64_t>> general;
  std::map<int, std::vector<int>> sets_of;  // touchpoint -> the sets it has departures in
  for (const auto& [key, to] : counts.departures) {
    auto& g = general[{std::get<1>(key), std::get<2>(key)}];
    if (g.empty()) sets_of[std::get<1>(key)].push_back(std::get<2>(key));
    for (const auto& [t, n] : to) g[t] += n;
  }
  const auto departures = [&](std::size_t s, int from, int set) {
    std::uint64_t n = 0;
    if (const auto it = counts.departures.find({static_cast<int>(s), from, set}); it != counts.departures.end())
      for (const auto& [t, c] : it->second) n += c;
    return n;
  };
  // A segment gets rows of its own at a touchpoint where it has seen enough of some set. Its own
  // rows replace the general ones there, so a set it has seen too little of gets the general
  // set's rows (and is reported).
  // One pass over the counts (ordered by segment, then touchpoint): what every segment saw where,
  // never segments x touchpoints, which thousands of segments would make quadratic.
  std::map<int, std::vector<std::size_t>> own;                // touchpoint -> segments with rows of their own
  std::map<std::pair<std::size_t, int>, std::uint64_t> seen;  // (segment, touchpoint) -> departures
  if (segs > 1)
    for (const auto& [key, to] : counts.departures) {
      const auto s = static_cast<std::size_t>(std::get<0>(key));
      const int from = std::get<1>(key);
      std::uint64_t n = 0;
      for (const auto& [t, c] : to) n += c;
      seen[{s, from}] += n;
      auto& mine = own[from];
      if (n >= settings.min_count && (mine.empty() || mine.back() != s)) mine.push_back(s);
    }
  for (const auto& [from, sets] : sets_of) {
    // The general rows are needed unless every segment has its own here (a segment never seen
    // here may still get here in the model, through a route it shares).
    if (own[from].size() < segs)
      for (const int set : sets) write_set(from, set, general[{from, set}], "");
    for (const std::size_t s : own[from])
      for (const int set : sets) {
        const std::uint64_t n = departures(s, from, set);
        if (n >= settings.min_count) {
          write_set(from, set, counts.departures[{static_cast<int>(s), from, set}], counts.segments[s]);
        } else {
          write_set(from, set, general[{from, set}], counts.segments[s]);
          out.fallbacks.push_back("segment '" + counts.segments[s] + "' at '" + id_of(from) + "'" +
                                  (set == set_fail ? " after a failed visit"
                                   : set == set_ok ? " after a visit that worked"
                                                   : "") +
                                  ": seen " + std::to_string(n) + " times, uses the route of all customers");
        }
      }
  }
  for (const auto& [where, n] : seen) {
    const auto& mine = own[where.second];
    if (n > 0 && !std::binary_search(mine.begin(), mine.end(), where.first))
      out.fallbacks.push_back("segment '" + counts.segments[where.first] + "' at '" + id_of(where.second) + "': seen " +
                              std::to_string(n) + " times, uses the route of all customers");
  }

  return trs.str();
}

// Step 3: touchpoints.csv: neutral friction, reliability as observed where failures were recorded.
// Its columns, as rows of the touchpoint table (io/scenario_fields.hpp), in the order each line
// below writes them.
constexpr std::array<std::size_t, 7> imported_columns{tp_id,
                                                      touchpoint_field(TouchpointAttribute::reliability),
                                                      touchpoint_field(TouchpointAttribute::relevance),
                                                      touchpoint_field(TouchpointAttribute::value),
                                                      touchpoint_field(TouchpointAttribute::trust),
                                                      touchpoint_field(TouchpointAttribute::recovery),
                                                      touchpoint_field("outcome")};
static_assert([] {
  for (const std::size_t c : imported_columns)
    if (c >= touchpoint_field_table.size()) return false;
  return true;
}());

std::string touchpoints_table(const PathCounts& pc, const JourneyIds& ids, const std::array<bool, 4>& ended,
                              ImportedPaths& out) {
  const Counts& counts = pc.counts;
  const std::string& start_id = ids.start;
  const auto& ending_ids = ids.endings;
  std::ostringstream tps;
  for (std::size_t c = 0; c < imported_columns.size(); ++c)
    tps << (c ? "," : "") << touchpoint_field_table[imported_columns[c]].key;
  tps << '\n';
  tps << csv_escape_verbatim(start_id) << ",1,1,1,0,0,\n";
  for (std::size_t k = 0; k < counts.touchpoints.size(); ++k) {
    const double r =
        counts.visits[k] ? 1.0 - static_cast<double>(counts.failures[k]) / static_cast<double>(counts.visits[k]) : 1.0;
    tps << csv_escape_verbatim(counts.touchpoints[k]) << ',' << shortest_text(r) << ",1,1,0,0,\n";
  }
  for (int e = 0; e < 4; ++e)
    if (ended[static_cast<std::size_t>(e)])
      tps << csv_escape_verbatim(ending_ids[static_cast<std::size_t>(e)]) << ",1,1,1,0,0,"
          << (e < 2 ? "retained" : "defected") << '\n';
  out.touchpoints = counts.touchpoints.size() + 1;

  return tps.str();
}

// Step 4: scenario.yaml, with comments saying what was counted and what was assumed.
std::string scenario_yaml(const std::string& path, const PathCounts& pc, const JourneyIds& ids,
                          const PathImportSettings& settings, ImportedPaths& out) {
  const Counts& counts = pc.counts;
  const bool has_segment = pc.has_segment, has_failed = pc.has_failed;
  const std::size_t segs = std::max<std::size_t>(1, counts.segments.size());
  const std::string& start_id = ids.start;
  const auto& ending_ids = ids.endings;
  std::ostringstream yaml;
  const auto& endings = counts.endings;
  yaml << "# Imported by cxsim import-paths from " << one_line(path) << ".\n"
       << "# Counted: " << out.customers << " customers, " << out.visits << " visits (rows), "
       << counts.touchpoints.size() << " touchpoints" << (has_segment ? ", " + std::to_string(segs) + " segments" : "")
       << "; no rows skipped (every line but the header and blank lines is a visit).\n"
       << "# Endings: " << endings[0] << " retained, " << endings[1] << " churned, " << endings[2] << " abandoned, "
       << endings[3] << " defected.\n"
       << "# Every transition has its maximum-likelihood probability: the times it was taken over the departures\n"
       << "# from its touchpoint" << (has_failed ? " (after failed and working visits apart)" : "") << ".\n"
       << "# Friction is neutral: reliability "
       << (has_failed ? "as observed (the share of visits that did not fail)" : "1")
       << ", relevance 1, value 1, trust 0,\n"
       << "# no recovery points, and the segments feel no friction and do not churn silently.";
  if (settings.left_to_friction)
    yaml << " Abandonment and\n"
         << "# silent churn are left to friction (--left-to-friction): the transitions count the customers who\n"
         << "# went on, churned customers end at `" << ending_ids[e_retained] << "`, and only defections are routed\n"
         << "# to a `defected` ending. Until friction is fitted nobody abandons or churns here: fit it to\n"
         << "# observed.yaml (written beside this file from the same paths) with `cxsim calibrate`.\n";
  else
    yaml << " Customers who\n"
         << "# abandoned or defected are routed to the `defected` endings where they left, so this journey\n"
         << "# reproduces the observed visits and endings exactly; churned customers end at a `retained`\n"
         << "# ending. Fit friction and silent churn to observed counts with `cxsim calibrate`.\n";
  if (has_failed && has_segment)
    yaml << "# Reliability is a touchpoint's, the same for every segment: where segments fail at different\n"
         << "# rates, their own figures are reproduced only approximately.\n";
  if (!out.fallbacks.empty()) {
    yaml << "# Segment routes seen fewer than " << settings.min_count << " times use the route of all customers"
         << (settings.left_to_friction ? "; routes where everyone abandoned stay routes" : "") << ":\n";
    for (const auto& f : out.fallbacks) yaml << "#   " << one_line(f) << '\n';
  }
  yaml << "name: \"Imported paths\"\n"
       << "journey:\n  start: " << yaml_quote(start_id)
       << "\n  touchpoints: touchpoints.csv\n  transitions: transitions.csv\n"
       << "segments:\n";
  for (std::size_t s = 0; s < segs; ++s) {
    yaml << "  - {name: " << yaml_quote(has_segment ? counts.segments[s] : "customers") << ", share: "
         << shortest_text(static_cast<double>(counts.segment_customers[s]) / static_cast<double>(out.customers))
         << ", value_expectation: 0, sensitivity: {reliability: 0, relevance: 0, value: 0}, silent_churn: 0}\n";
  }
  yaml << "simulation: {customers: " << std::max<std::uint64_t>(out.customers, 100000) << ", seed: 1}\n";
  return yaml.str();
}

// Step 5 (--left-to-friction): the same paths as OBSERVED counts, for `cxsim calibrate`.
void observed_counts(const std::string& path, const PathCounts& pc, ImportedPaths& out) {
  const Counts& counts = pc.counts;
  const bool has_failed = pc.has_failed;
  const auto& endings = counts.endings;
  std::ostringstream obs, table;
  obs << "# Counted by cxsim import-paths from " << one_line(path) << " (the paths the journey beside it was\n"
      << "# imported from). Every customer's ending, and each touchpoint's visits" << (has_failed ? ", failures" : "")
      << " and abandonments.\n"
      << "customers: " << out.customers << "\noutcomes: {retained: " << endings[e_retained]
      << ", silent_churn: " << endings[e_churned] << ", abandoned: " << endings[e_abandoned]
      << ", routed_defection: " << endings[e_defected] << "}\ntouchpoints: observed_touchpoints.csv\n";
  table << "touchpoint,visits," << (has_failed ? "failures," : "") << "abandoned\n";
  for (std::size_t k = 0; k < counts.touchpoints.size(); ++k) {
    table << csv_escape_verbatim(counts.touchpoints[k]) << ',' << counts.visits[k] << ',';
    if (has_failed) table << counts.failures[k] << ',';
    table << counts.abandoned[k] << '\n';
  }
  out.observed_yaml = obs.str();
  out.observed_csv = table.str();
}

}  // namespace

ImportedPaths import_paths(const std::string& path, const PathImportSettings& settings, Diagnostics& diag) {
  ImportedPaths out;
  PathCounts pc;
  if (!count_paths(path, settings, diag, out, pc)) return out;
  const JourneyIds ids = journey_ids(pc.counts);
  std::array<bool, 4> ended{};
  out.transitions_csv = transitions_table(pc, ids, settings, out, ended);
  out.touchpoints_csv = touchpoints_table(pc, ids, ended, out);
  out.scenario_yaml = scenario_yaml(path, pc, ids, settings, out);
  if (settings.left_to_friction) observed_counts(path, pc, out);
  for (std::size_t e = 0; e < 4; ++e) out.endings[e] = pc.counts.endings[e];
  out.segments = std::max<std::size_t>(1, pc.counts.segments.size());
  return out;
}

}  // namespace cxsim
