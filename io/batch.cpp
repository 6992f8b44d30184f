#include "io/batch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/csv_table.hpp"
#include "io/diagnostics.hpp"
#include "io/yaml_tree.hpp"
#include "models/limits.hpp"
#include "io/number.hpp"
#include "sim/journey.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 49> columns{
    "scenario_file", "scenario", "variant", "customers", "seed", "defection_rate", "ci95_low", "ci95_high", "retained",
    "abandoned", "routed_defection", "silent_churn", "unfinished", "exact_defection_rate", "difference_vs_baseline",
    "difference_ci95_low", "difference_ci95_high", "p_value", "p_adjusted", "scenario_sha256", "elapsed_seconds",
    "currency", "cost_per_year", "defections_avoided_per_year", "value_kept_per_year", "net_benefit_per_year",
    "net_benefit_ci95_low", "net_benefit_ci95_high", "shard", "batch_settings",
    // Added with cost to serve and money by stage (issue 23): at the end, as the contract allows.
    "cost_to_serve_per_customer", "cost_to_serve_per_customer_exact", "effort_minutes_per_customer",
    "effort_minutes_per_customer_exact", "cost_to_serve_change_per_year", "value_kept_per_year_exact",
    "net_benefit_per_year_exact", "one_off_cost", "npv", "npv_exact", "money_basis", "money_terms",
    // With --assumptions: the spread over the draws (your assumptions, not simulation noise).
    "assumptions_draws", "net_benefit_mean_under_assumptions", "net_benefit_p5_under_assumptions",
    "net_benefit_p95_under_assumptions", "p_pays_under_assumptions", "p_best_under_assumptions", "evpi_per_year"};

std::string cell(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_escape(v.get<std::string>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number()) return table_number(v.get<double>());
  return csv_escape(v.dump());
}

}  // namespace

const std::vector<std::string>& batch_columns() {
  static const std::vector<std::string> names(columns.begin(), columns.end());
  return names;
}

namespace {

bool yaml_name(const fs::path& p) {
  return p.extension() == ".yaml" || p.extension() == ".yml";
}

// Why a YAML file found in a folder is not a scenario, if it is not one: its top level has no
// `journey`. A file that does not parse is left to the loader, which says where it breaks.
std::optional<std::string> not_a_scenario(const std::string& path) {
  Diagnostics quiet;
  const auto text = read_text_file(path, quiet, {}, limits::max_table_file_bytes);
  if (!text) return std::nullopt;
  const auto root = parse_yaml(*text, path, quiet);
  if (!root) return std::nullopt;
  if (root->is_map() && root->find("journey")) return std::nullopt;
  return std::string("not a scenario (no 'journey' at the top level)");
}

}  // namespace

ScenarioSearch find_scenario_files(const std::vector<std::string>& paths) {
  ScenarioSearch out;
  std::vector<std::string> seen;  // canonical paths already taken
  const auto take = [&](const fs::path& file, std::string key) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(file, ec).string();
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
      out.skipped.push_back(file.string() + ": the same file as one already in the batch (" + canonical + ")");
      return;
    }
    seen.push_back(canonical);
    out.files.push_back(BatchScenario{file.string(), canonical, std::move(key)});
  };
  for (const auto& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      if (fs::is_symlink(fs::symlink_status(path, ec))) throw UsageError("'" + path + "' is a broken symbolic link");
      throw UsageError("'" + path + "' does not exist");
    }
    if (!fs::is_directory(st)) {
      take(path, fs::path(path).filename().string());
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      std::error_code e2;
      const bool link = it->is_symlink(e2);
      const fs::file_status target = fs::status(p, e2);
      if (link && fs::is_directory(target)) {
        out.skipped.push_back(
            p.string() + ": a symbolic link to a folder, not followed (name it on the command line to include it)");
      } else if (!yaml_name(p)) {
        continue;
      } else if (link && e2) {
        out.skipped.push_back(p.string() + (e2 == std::errc::too_many_symbolic_link_levels
                                                ? ": a symbolic link loop"
                                                : ": a broken symbolic link (" + e2.message() + ")"));
      } else if (fs::is_regular_file(target)) {
        found.push_back(p);
      } else if (!fs::is_directory(target)) {
        out.skipped.push_back(p.string() + ": not a regular file");
      }
    }
    if (ec) throw UsageError("cannot search folder '" + path + "': " + ec.message());
    std::sort(found.begin(), found.end());
    for (const auto& f : found) {
      if (const auto why = not_a_scenario(f.string())) {
        out.skipped.push_back(f.string() + ": " + *why);
        continue;
      }
      take(f, f.lexically_relative(path).generic_string());
    }
  }
  return out;
}

bool in_shard(const std::string& shard_key, std::uint64_t index, std::uint64_t count) {
  // FNV-1a then a SplitMix64 finaliser: FNV alone leaves small moduli (3 shards) badly mixed.
  std::uint64_t h = touchpoint_key(shard_key);
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h % count == index - 1;
}

std::vector<nlohmann::ordered_json> batch_rows(const ComparisonResult& r, const std::string& scenario_file,
                                               const std::string& sha256, double elapsed_seconds,
                                               const BatchSettings& settings) {
  using json = nlohmann::ordered_json;
  std::vector<json> rows;
  for (std::size_t a = 0; a < r.reports.size(); ++a) {
    const Report& rep = r.reports[a];
    const Figures& f = rep.figures;
    const Interval ci = rep.interval(rep.tally->defections());
    json row;
    row["scenario_file"] = scenario_file;
    row["scenario"] = rep.scenario;
    row["variant"] = rep.variant;
    row["customers"] = rep.tally->customers;
    row["seed"] = rep.seed;
    row["defection_rate"] = f.defection_rate();
    row["ci95_low"] = ci.lo;
    row["ci95_high"] = ci.hi;
    for (int e = 0; e < ending_count; ++e) row[ending_names[e]] = f.outcomes[e];
    row["exact_defection_rate"] = r.exact[a] ? json(r.exact[a]->figures.defection_rate()) : json(nullptr);
    const VariantComparison* v = a > 0 ? &r.variants[a - 1] : nullptr;
    row["difference_vs_baseline"] = v ? v->defection.difference : 0.0;
    row["difference_ci95_low"] = v ? v->defection.ci95.lo : 0.0;
    row["difference_ci95_high"] = v ? v->defection.ci95.hi : 0.0;
    row["p_value"] = v ? json(v->defection.p_value) : json(nullptr);
    row["p_adjusted"] = v ? json(v->p_adjusted) : json(nullptr);
    row["scenario_sha256"] = sha256;
    row["elapsed_seconds"] = elapsed_seconds;
    const bool money = r.economics.has_value();
    row["currency"] = money ? json(r.economics->currency) : json(nullptr);
    const RedesignValue* m = v && v->value ? &*v->value : nullptr;
    row["cost_per_year"] = m ? json(m->cost) : money ? json(0.0) : json(nullptr);
    row["defections_avoided_per_year"] = m ? json(m->defections_avoided) : money ? json(0.0) : json(nullptr);
    row["value_kept_per_year"] = m ? json(m->value_kept) : money ? json(0.0) : json(nullptr);
    row["net_benefit_per_year"] = m ? json(m->net_benefit) : money ? json(0.0) : json(nullptr);
    row["net_benefit_ci95_low"] = m ? json(m->net_benefit_ci95.lo) : money ? json(0.0) : json(nullptr);
    row["net_benefit_ci95_high"] = m ? json(m->net_benefit_ci95.hi) : money ? json(0.0) : json(nullptr);
    row["shard"] = settings.shard_text();
    row["batch_settings"] = settings.options;
    const PerCustomer each = per_customer(f, *rep.journey);
    std::optional<PerCustomer> exact_each;
    if (r.exact[a]) exact_each = per_customer(r.exact[a]->figures, *rep.journey);
    const auto opt = [](const std::optional<double>& x) { return x ? json(*x) : json(nullptr); };
    row["cost_to_serve_per_customer"] = opt(each.cost_to_serve);
    row["cost_to_serve_per_customer_exact"] = exact_each ? opt(exact_each->cost_to_serve) : json(nullptr);
    row["effort_minutes_per_customer"] = each.effort_minutes;
    row["effort_minutes_per_customer_exact"] = exact_each ? json(exact_each->effort_minutes) : json(nullptr);
    row["cost_to_serve_change_per_year"] = m ? opt(m->cost_to_serve_change) : json(nullptr);
    row["value_kept_per_year_exact"] = m ? opt(m->value_kept_exact) : json(nullptr);
    row["net_benefit_per_year_exact"] = m ? opt(m->net_benefit_exact) : json(nullptr);
    row["one_off_cost"] = m ? json(m->one_off_cost) : json(nullptr);
    row["npv"] = m ? opt(m->npv) : json(nullptr);
    row["npv_exact"] = m ? opt(m->npv_exact) : json(nullptr);
    std::string terms;
    if (m)
      for (const auto& t : m->terms) terms += (terms.empty() ? "" : ";") + t;
    row["money_basis"] = money ? json(money_basis(*r.economics)) : json(nullptr);
    row["money_terms"] = m ? json(terms) : json(nullptr);
    const AssumptionResult* as = r.assumptions ? &*r.assumptions : nullptr;
    const RedesignUnderAssumptions* ra = as && a > 0 ? &as->redesigns[a - 1] : nullptr;
    row["assumptions_draws"] = as ? json(as->draws) : json(nullptr);
    row["net_benefit_mean_under_assumptions"] = ra ? json(ra->net_benefit.mean) : json(nullptr);
    row["net_benefit_p5_under_assumptions"] = ra ? json(ra->net_benefit.p5) : json(nullptr);
    row["net_benefit_p95_under_assumptions"] = ra ? json(ra->net_benefit.p95) : json(nullptr);
    row["p_pays_under_assumptions"] = ra ? json(ra->p_pays) : json(nullptr);
    // The baseline row: doing nothing.
    row["p_best_under_assumptions"] = ra ? json(ra->p_best) : as ? json(as->p_best_nothing) : json(nullptr);
    row["evpi_per_year"] = as ? json(as->evpi_per_year) : json(nullptr);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string batch_header(BatchFormat f) {
  if (f == BatchFormat::jsonl) return "";
  std::string h;
  for (std::size_t i = 0; i < columns.size(); ++i) h += (i ? "," : "") + std::string(columns[i]);
  return h + "\n";
}

std::string format_batch_row(const nlohmann::ordered_json& row, BatchFormat f) {
  if (f == BatchFormat::jsonl) return row.dump() + "\n";
  std::string line;
  for (std::size_t i = 0; i < columns.size(); ++i) line += (i ? "," : "") + cell(row[columns[i]]);
  return line + "\n";
}

namespace {

constexpr std::size_t max_line_bytes = 1 << 20;

std::uint64_t number_of(const std::string& text, const SourceLocation& where, const char* what) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size())
    throw InputError(where, std::string("'") + what + "' is not a whole number");
  return v;
}

// Adds a row to its scenario's group (rows of one scenario are written together).
void add_row(std::vector<BatchGroup>& groups, BatchGroup row, const std::string& variant, const std::string& line) {
  if (groups.empty() || groups.back().scenario_file != row.scenario_file || groups.back().sha256 != row.sha256) {
    groups.push_back(std::move(row));
  } else {
    for (auto& r : row.rows) groups.back().rows.push_back(std::move(r));
    for (const auto l : row.row_lines) groups.back().row_lines.push_back(l);
  }
  groups.back().variants.push_back(variant);
  groups.back().lines += line;
}

// The cells of one CSV record (quotes as csv_escape writes them), or nullopt when malformed.
std::optional<std::vector<std::string>> csv_cells(const std::string& record) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const char c = record[i];
    if (quoted) {
      if (c != '"')
        cells.back() += c;
      else if (i + 1 < record.size() && record[i + 1] == '"')
        cells.back() += '"', ++i;
      else
        quoted = false;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c == '"' && (cells.back().empty())) {
      quoted = true;
    } else {
      cells.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  return cells;
}

// Reads a file record by record (a CSV record may hold newlines inside quotes), without ever
// holding more than one record.
class RecordReader {
 public:
  RecordReader(int fd, bool csv) : fd_(fd), csv_(csv) {}
  // The next whole record with its newline; false at the end. `partial` is set to what follows
  // the last newline, if anything.
  bool next(std::string& record, std::string& partial, const std::string& path, std::size_t line) {
    record.clear();
    bool quoted = false;
    for (;;) {
      if (at_ == size_) {
        const ssize_t n = ::read(fd_, buffer_, sizeof buffer_);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error("cannot read '" + path + "': " + std::strerror(errno));
        if (n == 0) {
          partial = record;
          record.clear();
          return false;
        }
        at_ = 0;
        size_ = static_cast<std::size_t>(n);
      }
      const char c = buffer_[at_++];
      record += c;
      if (record.size() > max_line_bytes)
        throw InputError({path, line, 0}, "a line longer than 1 MiB: this is not a cxsim batch results file");
      if (csv_ && c == '"') quoted = !quoted;
      if (c == '\n' && !quoted) return true;
    }
  }

 private:
  int fd_;
  bool csv_;
  char buffer_[1 << 16];
  std::size_t at_ = 0, size_ = 0;
};

struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// The columns that hold text; every other column holds a number (or nothing).
bool text_column(const std::string& name) {
  static const std::array<const char*, 9> text{"scenario_file",   "scenario",    "variant",
                                               "scenario_sha256", "currency",    "shard",
                                               "batch_settings",  "money_basis", "money_terms"};
  return std::find_if(text.begin(), text.end(), [&](const char* t) { return name == t; }) != text.end();
}

// One CSV row typed: text as text, numbers as numbers, empty cells null.
nlohmann::ordered_json typed_csv_row(const std::vector<std::string>& cells, const SourceLocation& where) {
  nlohmann::ordered_json row;
  const std::vector<std::string>& names = batch_columns();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& c = cells[i];
    if (text_column(names[i])) {
      row[names[i]] = c.size() > 1 && c.front() == '\'' && formula_like(c.substr(1)) ? c.substr(1) : c;
      continue;
    }
    if (c.empty()) {
      row[names[i]] = nullptr;
      continue;
    }
    double v = 0.0;
    const auto [p, ec] = std::from_chars(c.data(), c.data() + c.size(), v);
    if (ec != std::errc() || p != c.data() + c.size())
      throw InputError(where, "'" + names[i] + "' is not a number: '" + c.substr(0, 40) + "'");
    if (c.find_first_of(".eEnN") == std::string::npos && c.front() != '-')
      row[names[i]] = number_of(c, where, names[i].c_str());  // a count stays a whole number
    else
      row[names[i]] = v;
  }
  return row;
}

// One JSON Lines row in the columns' order, each cell checked against its column.
nlohmann::ordered_json typed_json_row(const nlohmann::json& j, const SourceLocation& where) {
  if (!j.is_object()) throw InputError(where, "this is not a row of a cxsim batch (JSON Lines)");
  nlohmann::ordered_json row;
  for (const std::string& name : batch_columns()) {
    const auto it = j.find(name);
    if (it == j.end()) throw InputError(where, "this row of a cxsim batch has no '" + name + "'");
    const bool ok = it->is_null() || (text_column(name) ? it->is_string() : it->is_number());
    if (!ok)
      throw InputError(where, "'" + name + "' holds " + std::string(it->type_name()) + ", not " +
                                  (text_column(name) ? "text" : "a number"));
    row[name] = *it;
  }
  return row;
}

}  // namespace

BatchFormat batch_format_of(const std::string& path) {
  Descriptor in{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (in.fd < 0) throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
  char first = 0;
  ssize_t n = 0;
  do n = ::read(in.fd, &first, 1);
  while (n < 0 && errno == EINTR);
  return n == 1 && first == '{' ? BatchFormat::jsonl : BatchFormat::csv;
}

BatchFile read_batch_file(const std::string& path, BatchFormat f, bool keep_rows) {
  Descriptor in{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (in.fd < 0) throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw UsageError("'" + path + "' is not a regular file, so it is not the results of a cxsim batch");
  const bool csv = f == BatchFormat::csv;
  const std::string header = batch_header(f);
  const auto wrong_header = [&] {
    return InputError({path, 1, 0},
                      "this is not the header of a cxsim batch file (or one from another version); "
                      "expected: " +
                          header.substr(0, 60) + "...");
  };
  BatchFile out;
  RecordReader reader(in.fd, csv);
  std::string record, partial;
  std::size_t line = 1;
  if (csv) {
    if (!reader.next(record, partial, path, line)) {
      // No whole line: a batch stopped while writing its header, or an empty file.
      if (header.compare(0, partial.size(), partial) != 0) throw wrong_header();
      out.no_whole_line = true;
      return out;
    }
    if (record != header) throw wrong_header();
    out.whole_bytes = record.size();
    ++line;
  }
  const std::vector<std::string>& names = batch_columns();
  const auto index = [&](const char* name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  while (reader.next(record, partial, path, line)) {
    const SourceLocation where{path, line, 0};
    BatchGroup row;
    std::string variant;
    if (csv) {
      const auto cells = csv_cells(record.substr(0, record.size() - 1));
      if (!cells || cells->size() != names.size())
        throw InputError(where, "this is not a row of a cxsim batch (" + std::to_string(names.size()) + " cells)");
      const auto at = [&](const char* name) {
        const std::string& c = (*cells)[index(name)];
        // csv_escape's quote before a formula-like cell is not part of the text.
        return c.size() > 1 && c.front() == '\'' && formula_like(c.substr(1)) ? c.substr(1) : c;
      };
      row = BatchGroup{at("scenario_file"),
                       at("scenario_sha256"),
                       number_of(at("seed"), where, "seed"),
                       number_of(at("customers"), where, "customers"),
                       at("shard"),
                       at("batch_settings"),
                       {},
                       {},
                       {},
                       {}};
      variant = at("variant");
      if (keep_rows) row.rows.push_back(typed_csv_row(*cells, where));
    } else {
      try {
        const nlohmann::json j = nlohmann::json::parse(record);
        row = BatchGroup{j.at("scenario_file").get<std::string>(),
                         j.at("scenario_sha256").get<std::string>(),
                         j.at("seed").get<std::uint64_t>(),
                         j.at("customers").get<std::uint64_t>(),
                         j.at("shard").get<std::string>(),
                         j.at("batch_settings").get<std::string>(),
                         {},
                         {},
                         {},
                         {}};
        variant = j.at("variant").get<std::string>();
        if (keep_rows) row.rows.push_back(typed_json_row(j, where));
      } catch (const nlohmann::json::exception&) {
        throw InputError(where, "this is not a row of a cxsim batch (JSON Lines)");
      }
    }
    if (keep_rows) row.row_lines.push_back(line);
    add_row(out.groups, std::move(row), variant, record);
    out.whole_bytes += record.size();
    ++line;
  }
  if (!partial.empty()) {
    // Only the start of a row a killed batch was writing; anything else is some other file.
    const std::string start = csv ? std::string() : std::string("{\"scenario_file\":");
    if (start.compare(0, std::min(start.size(), partial.size()), partial, 0, std::min(start.size(), partial.size())) !=
        0)
      throw InputError({path, line, 0}, "this is not a row of a cxsim batch (JSON Lines)");
    out.partial_last_line = true;
  }
  return out;
}

BatchResults::BatchResults(const std::string& path, BatchFormat f, bool fresh) : path_(path), format_(f) {
  fd_ = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | O_NONBLOCK | (fresh ? O_CREAT | O_EXCL : 0), 0666);
  if (fd_ < 0 && fresh && errno == EEXIST)
    throw UsageError("'" + path + "' already exists; add --resume to continue that batch, or choose another file");
  if (fd_ < 0) throw UsageError("cannot write '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw UsageError("'" + path + "' is not a regular file; a batch keeps its results in one");
  }
  // An advisory lock: a second batch on the same file would interleave its rows with ours.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    if (err == EWOULDBLOCK)
      throw UsageError("'" + path +
                       "' is being written by another cxsim batch (it holds the file's lock); wait for "
                       "it to finish, or give this batch its own --out");
    throw UsageError("cannot lock '" + path + "': " + std::strerror(err));
  }
  if (fresh) append(batch_header(f));
}

BatchResults::~BatchResults() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void BatchResults::repair(const BatchFile& checked) {
  if (checked.no_whole_line) {
    if (::ftruncate(fd_, 0) != 0) throw std::runtime_error("cannot write '" + path_ + "': " + std::strerror(errno));
    append(batch_header(format_));
  } else if (checked.partial_last_line) {
    if (::ftruncate(fd_, static_cast<off_t>(checked.whole_bytes)) != 0)
      throw std::runtime_error("cannot cut the partial last line of '" + path_ + "': " + std::strerror(errno));
  }
}

void BatchResults::append(const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error("cannot write '" + path_ +
                               "': " + (n < 0 ? std::strerror(errno) : "nothing was written"));
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) throw std::runtime_error("cannot write '" + path_ + "': " + std::strerror(errno));
}

}  // namespace cxsim
