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

// Scenario files under `paths`: files as given, folders searched recursively for *.yaml (sorted
// by path within each folder). Throws UsageError for a path that does not exist.
std::vector<std::string> find_scenario_files(const std::vector<std::string>& paths);

// Shard `index` (1-based) of `count`: a stable split by path, independent of the other files.
bool in_shard(const std::string& path, std::uint64_t index, std::uint64_t count);

// The rows of one scenario's comparison: the baseline first (difference 0), then each variant.
std::vector<nlohmann::ordered_json> batch_rows(const ComparisonResult& r, const std::string& scenario_file,
                                               const std::string& sha256, double elapsed_seconds);

// One row as a line of the file (with its newline).
std::string format_batch_row(const nlohmann::ordered_json& row, BatchFormat f);
std::string batch_header(BatchFormat f);  // empty for JSON Lines

// What a results file already holds, by scenario file, in the file's order.
struct BatchGroup {
  std::string scenario_file, sha256;
  std::uint64_t seed = 0, customers = 0;
  std::vector<std::string> variants;
  std::string lines;  // the rows as written
};
// Reads a results file; a last line cut short by a killed batch is dropped (and, with
// `repair`, cut from the file). Throws InputError naming the file and line for anything that
// is not a cxsim batch row.
std::vector<BatchGroup> read_batch_file(const std::string& path, BatchFormat f, bool repair);

// Appends text to a file and syncs it to disk before returning (creating it with `header` first
// when it does not exist). Throws std::runtime_error on any short or failed write.
void append_synced(const std::string& path, const std::string& header, const std::string& text);

}  // namespace cxsim
