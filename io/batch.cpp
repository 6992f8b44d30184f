#include "io/batch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
#include "io/number.hpp"
#include "sim/journey.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 28> columns{
    "scenario_file",         "scenario",         "variant",
    "customers",             "seed",             "defection_rate",
    "ci95_low",              "ci95_high",        "retained",
    "abandoned",             "routed_defection", "silent_churn",
    "unfinished",            "exact_defection_rate", "difference_vs_baseline",
    "difference_ci95_low",   "difference_ci95_high", "p_value",
    "p_adjusted",            "scenario_sha256",  "elapsed_seconds",
    "currency",              "cost_per_year",    "defections_avoided_per_year",
    "value_kept_per_year",   "net_benefit_per_year", "net_benefit_ci95_low",
    "net_benefit_ci95_high"};

std::string cell(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_escape(v.get<std::string>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number()) return shortest_text(v.get<double>());
  return csv_escape(v.dump());
}

}  // namespace

const std::vector<std::string>& batch_columns() {
  static const std::vector<std::string> names(columns.begin(), columns.end());
  return names;
}

std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw UsageError("'" + path + "' does not exist");
    if (!fs::is_directory(st)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".yaml") found.push_back(it->path().string());
    }
    if (ec) throw UsageError("cannot search folder '" + path + "': " + ec.message());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  // A file named twice (directly and inside a folder) runs once.
  std::vector<std::string> unique;
  for (const auto& p : out)
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  return unique;
}

bool in_shard(const std::string& path, std::uint64_t index, std::uint64_t count) {
  const std::string normal = fs::path(path).lexically_normal().generic_string();
  return touchpoint_key(normal) % count == index - 1;
}

std::vector<nlohmann::ordered_json> batch_rows(const ComparisonResult& r, const std::string& scenario_file,
                                               const std::string& sha256, double elapsed_seconds) {
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

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read '" + path + "'");
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

std::uint64_t number_of(const std::string& text, const SourceLocation& where, const char* what) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size())
    throw InputError(where, std::string("'") + what + "' is not a whole number");
  return v;
}

// Adds a row to its scenario's group (rows of one scenario are written together).
void add_row(std::vector<BatchGroup>& groups, const std::string& file, const std::string& sha, std::uint64_t seed,
             std::uint64_t customers, const std::string& variant, const std::string& line) {
  if (groups.empty() || groups.back().scenario_file != file || groups.back().sha256 != sha) {
    groups.push_back(BatchGroup{file, sha, seed, customers, {}, {}});
  }
  groups.back().variants.push_back(variant);
  groups.back().lines += line;
}

}  // namespace

std::vector<BatchGroup> read_batch_file(const std::string& path, BatchFormat f, bool repair) {
  std::string text = read_all(path);
  // A batch killed in the middle of a write leaves at most one partial last line.
  const auto last_newline = text.rfind('\n');
  const std::size_t whole = last_newline == std::string::npos ? 0 : last_newline + 1;
  if (whole < text.size()) {
    if (!repair)
      throw InputError({path, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1, 0},
                       "the last line is incomplete (a batch stopped while writing it); finish that batch with "
                       "--resume first");
    text.resize(whole);
    if (::truncate(path.c_str(), static_cast<off_t>(whole)) != 0)
      throw std::runtime_error("cannot cut the partial last line of '" + path + "': " + std::strerror(errno));
  }
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    lines.push_back(text.substr(at, end + 1 - at));
    at = end + 1;
  }
  std::vector<BatchGroup> groups;
  if (f == BatchFormat::jsonl) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const SourceLocation where{path, i + 1, 0};
      nlohmann::json row;
      try {
        row = nlohmann::json::parse(lines[i]);
        add_row(groups, row.at("scenario_file").get<std::string>(), row.at("scenario_sha256").get<std::string>(),
                row.at("seed").get<std::uint64_t>(), row.at("customers").get<std::uint64_t>(),
                row.at("variant").get<std::string>(), lines[i]);
      } catch (const nlohmann::json::exception&) {
        throw InputError(where, "this is not a row of a cxsim batch (JSON Lines)");
      }
    }
    return groups;
  }
  if (lines.empty()) return groups;
  if (lines.front() != batch_header(BatchFormat::csv))
    throw InputError({path, 1, 0}, "this is not the header of a cxsim batch file (or one from another version); "
                                   "expected: " + batch_header(BatchFormat::csv).substr(0, 60) + "...");
  // The rows are read by the CSV reader (quotes and all) from the file, now whole lines only.
  Diagnostics diag;
  const std::optional<CsvTable> table = read_csv(path, columns, diag, {});
  if (!table || diag.has_errors()) throw InputError(diag.sorted());
  for (const CsvRow& row : table->rows) {
    const SourceLocation where{path, row.line, 0};
    auto at = [&](const char* name) -> std::string {
      const auto i = static_cast<std::size_t>(std::find(columns.begin(), columns.end(), std::string_view(name)) - columns.begin());
      return row.cells[i].value_or("");
    };
    add_row(groups, at("scenario_file"), at("scenario_sha256"), number_of(at("seed"), where, "seed"),
            number_of(at("customers"), where, "customers"), at("variant"), lines[row.line - 1]);
  }
  return groups;
}

void append_synced(const std::string& path, const std::string& header, const std::string& text) {
  const bool fresh = ::access(path.c_str(), F_OK) != 0;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
  const std::string all = fresh ? header + text : text;
  const char* p = all.data();
  std::size_t left = all.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "nothing was written";
      ::close(fd);
      throw std::runtime_error("cannot write '" + path + "': " + why);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace cxsim
