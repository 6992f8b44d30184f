#pragma once
// `cxsim batch`: the baseline and every variant of many scenario files, one tidy row per
// (scenario, variant), written so that nothing is lost: each scenario's rows are appended and
// synced as they complete, a resumed batch keeps what is still valid, and shards merge back.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/comparison.hpp"

namespace cxsim {

enum class BatchFormat { csv, jsonl };

// The columns of a batch row, in order (a contract: more may be added at the end).
const std::vector<std::string>& batch_columns();

// A scenario file of a batch: the path as the user spelt it (what the results show), where it
// really is (so two spellings run once), and its key for sharding (the path inside the folder
// that was searched, or the file's name: the same whichever way the folder is spelt).
struct BatchScenario {
  std::string path, canonical, shard_key;
};
// What a search found: the scenario files, and every file it passed over with the reason.
struct ScenarioSearch {
  std::vector<BatchScenario> files;
  std::vector<std::string> skipped;  // "PATH: why"
};
// Scenario files under `paths`: files as given, folders searched recursively for *.yaml and
// *.yml (sorted by path within each folder). A found YAML file whose top level has no `journey`
// is not a scenario and is skipped, as are links to folders (not followed), broken links and
// link loops; a file reached twice (two spellings, a link) is taken once. Throws UsageError for
// a path that does not exist.
ScenarioSearch find_scenario_files(const std::vector<std::string>& paths);

// Shard `index` (1-based) of `count`: a stable split by shard key, independent of the other files.
bool in_shard(const std::string& shard_key, std::uint64_t index, std::uint64_t count);

// What a batch was run with, recorded in every row so that a resume or a merge can tell batches
// apart: the shard ("I/N", "1/1" without --shard) and the options that change figures.
struct BatchSettings {
  std::uint64_t shard = 1, shards = 1;
  std::string options;  // "customers=N|scenario;seed=S|scenario"
  std::string shard_text() const { return std::to_string(shard) + "/" + std::to_string(shards); }
};

// The rows of one scenario's comparison: the baseline first (difference 0), then each variant.
std::vector<nlohmann::ordered_json> batch_rows(const ComparisonResult& r, const std::string& scenario_file,
                                               const std::string& sha256, double elapsed_seconds,
                                               const BatchSettings& settings);

// One row as a line of the file (with its newline).
std::string format_batch_row(const nlohmann::ordered_json& row, BatchFormat f);
std::string batch_header(BatchFormat f);  // empty for JSON Lines

// What a results file already holds, by scenario file, in the file's order.
struct BatchGroup {
  std::string scenario_file, sha256;
  std::uint64_t seed = 0, customers = 0;
  std::string shard, options;  // as recorded: "I/N", BatchSettings::options
  std::vector<std::string> variants;
  std::string lines;  // the rows as written
  // Only when read with `keep_rows` (`cxsim report --batch`): each row by column name, typed as
  // the batch wrote it (numbers as numbers, text as text, an empty cell null), and the line of
  // the file it starts on.
  std::vector<nlohmann::ordered_json> rows;
  std::vector<std::size_t> row_lines;
};

// A results file read and checked, changing nothing: a regular file, the header (CSV), then only
// cxsim batch rows, read as a stream (its size does not matter, a line is at most 1 MiB).
struct BatchFile {
  std::vector<BatchGroup> groups;
  std::uint64_t whole_bytes = 0;   // up to the end of the last whole line
  bool partial_last_line = false;  // a batch stopped while writing it
  bool no_whole_line = false;      // empty, or cut inside the header (CSV): nothing to keep
};
// Throws InputError naming the file and line for anything that is not a cxsim batch, and
// UsageError for what is not a regular file.
// With `keep_rows`, every row's cells are kept (BatchGroup::rows), each checked: a cell that is not
// what its column holds is an InputError naming the file, line and column.
BatchFile read_batch_file(const std::string& path, BatchFormat f, bool keep_rows = false);

// The format of a results file by its first byte ('{': JSON Lines, else CSV), for readers that
// are not told (`cxsim report --batch`). Throws UsageError for a file that cannot be read.
BatchFormat batch_format_of(const std::string& path);

// The results file of a running batch, locked (flock) against a second batch for as long as
// this object lives. Opening it changes nothing; `repair` then cuts a partial last line (or
// writes the header over a file with no whole line) once the caller has checked the contents.
class BatchResults {
 public:
  // `fresh`: create the file (it must not exist) with its header. Otherwise open the existing
  // file. Throws UsageError when another batch holds the lock.
  BatchResults(const std::string& path, BatchFormat f, bool fresh);
  BatchResults(const BatchResults&) = delete;
  BatchResults& operator=(const BatchResults&) = delete;
  ~BatchResults();
  void repair(const BatchFile& checked);
  // Appends rows and syncs them to disk before returning. Throws std::runtime_error on any
  // short or failed write.
  void append(const std::string& text);

 private:
  std::string path_;
  BatchFormat format_;
  int fd_ = -1;
};

}  // namespace cxsim
