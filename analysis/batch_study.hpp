#pragma once
// `cxsim batch` as a study: every scenario file under some paths compared with its redesigns, one
// tidy row per (scenario, variant) appended to a results file as each scenario finishes, so that
// nothing is lost; a resumed batch keeps the rows that are still valid, and shards merge back.
// The study writes only the results file it is given; what it has to say (progress, skipped
// files, warnings, failures) goes to `say`, one line at a time, as it happens.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/walk_request.hpp"
#include "io/batch.hpp"

namespace cxsim {

using Say = std::function<void(const std::string& line)>;

struct BatchRequest {
  std::vector<std::string> paths;  // scenario files or folders (searched for *.yaml, *.yml)
  std::string out;                 // the results file
  BatchFormat format = BatchFormat::csv;
  bool resume = false;  // continue the batch already in `out`
  // customers and seed: unset takes each scenario's own; threads as everywhere.
  WalkRequest walk;
  std::optional<std::string> assumptions;  // draws of each scenario's assumptions ("": the block's own)
  std::uint64_t shard = 1, shards = 1;     // run only shard `shard` of `shards`
};

struct BatchSummary {
  std::size_t ran = 0, kept = 0, failed = 0;
};

// Throws UsageError before anything runs for a request that cannot be carried out (no files
// found, `out` exists without `resume`, or holds another batch); a scenario that fails is
// reported through `say`, counted in `failed` and skipped.
BatchSummary batch_study(const BatchRequest& request, const Say& say);

// Joins the results files of every shard of one batch into `out` (which must not exist), sorted
// by scenario file. Throws UsageError, writing nothing, for parts that are not the whole batch.
void merge_batch_files(const std::vector<std::string>& parts, const std::string& out, BatchFormat format,
                       const Say& say);

// "customers=N;seed=S" (a batch's recorded options) in words: "customers=N seed=S".
std::string batch_settings_words(const std::string& options);

}  // namespace cxsim
