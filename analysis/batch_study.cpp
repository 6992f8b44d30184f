#include "analysis/batch_study.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "analysis/compare_study.hpp"
#include "analysis/run_study.hpp"
#include "io/diagnostics.hpp"
#include "io/file_digest.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/output_file.hpp"
#include "io/scenario.hpp"

namespace cxsim {

namespace {

std::string clock_text(double seconds) {
  char buf[32];
  if (seconds < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (seconds < 3600)
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  else
    std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(seconds) / 3600,
                  static_cast<int>(seconds) % 3600 / 60);
  return buf;
}

// What the rows record of the options that change figures: a resume or a merge must match it.
std::string recorded_options(const BatchRequest& r) {
  return "customers=" + (r.walk.customers ? std::to_string(*r.walk.customers) : std::string("scenario")) +
         ";seed=" + (r.walk.seed ? std::to_string(*r.walk.seed) : std::string("scenario")) +
         (r.assumptions ? ";assumptions=" + (r.assumptions->empty() ? std::string("scenario") : *r.assumptions) : "");
}

// The scenario files of this shard, each found file said.
std::vector<BatchScenario> files_of_shard(const BatchRequest& r, const BatchSettings& run, const Say& say) {
  const ScenarioSearch search = find_scenario_files(r.paths);
  for (const auto& s : search.skipped) say("cxsim: skipped " + s);
  if (search.files.empty())
    throw UsageError("no scenario files (*.yaml, *.yml) found in " + name_list(r.paths) +
                     (search.skipped.empty() ? "" : " (see the skipped files above)"));
  std::vector<BatchScenario> files;
  for (const auto& f : search.files)
    if (in_shard(f.shard_key, run.shard, run.shards)) files.push_back(f);
  say("cxsim: " + std::to_string(search.files.size()) + " scenario file" + (search.files.size() == 1 ? "" : "s") +
      " found" +
      (r.shards > 1 ? ", " + std::to_string(files.size()) + " in shard " + run.shard_text() : std::string()) +
      (search.skipped.empty() ? "" : ", " + std::to_string(search.skipped.size()) + " skipped"));
  return files;
}

// One scenario compared with its redesigns, as the rows of the results file.
std::string scenario_rows(const BatchScenario& file, const BatchRequest& r, const BatchSettings& run,
                          const std::vector<BatchGroup>& previous, const std::vector<std::string>& previous_canonical,
                          const Say& say, std::string& status, bool& kept, double& seconds) {
  const auto start = std::chrono::steady_clock::now();
  LoadedScenario base = load_scenario(file.path, "");
  for (const auto& w : base.warnings) say(w.to_string());
  const Scenario& sc = base.scenario;
  const std::string sha = sha256_of_files(sc.inputs);
  CompareRequest request;
  request.walk.customers = r.walk.customers;
  request.walk.seed = r.walk.seed;
  request.walk.threads = r.walk.threads;
  const WalkSettings walk = walk_settings(request.walk, sc.simulation);
  const std::uint64_t customers = customers_of(request.walk, sc.simulation);
  std::vector<std::string> variants{"baseline"};
  for (const auto& v : sc.variants) variants.push_back(v.name);
  // An earlier row of this very file, its contents, seed, customers and variants unchanged, stands.
  for (std::size_t g = 0; g < previous.size(); ++g)
    if (previous_canonical[g] == file.canonical && previous[g].sha256 == sha && previous[g].seed == walk.seed &&
        previous[g].customers == customers && previous[g].variants == variants) {
      kept = true;
      status = "kept from the earlier run";
      return previous[g].lines;
    }
  auto in = std::make_shared<ComparisonInput>();
  in->arms.push_back(ComparisonArm{"baseline", sc.name, std::move(base.model), std::nullopt, std::nullopt});
  for (const auto& v : sc.variants) in->arms.push_back(variant_arm(sc, v));
  in->economics = sc.economics;
  ComparisonStudy study = compare_study(in, request, sc.simulation);
  if (r.assumptions && sc.assumptions) add_assumptions(study, sc, *r.assumptions, request.walk.threads);
  const ComparisonResult& result = study.result;
  for (const auto& w : result.warnings) say(file.path + ": warning: " + w);
  seconds = seconds_since(start);
  std::string lines;
  for (const auto& row : batch_rows(result, file.path, sha, seconds, run)) lines += format_batch_row(row, r.format);
  status = std::to_string(result.arm_names.size()) + (result.arm_names.size() == 1 ? " arm in " : " arms in ") +
           clock_text(seconds);
  return lines;
}

}  // namespace

std::string batch_settings_words(const std::string& options) {
  std::string words = options;
  std::replace(words.begin(), words.end(), ';', ' ');
  return words.empty() ? "(none)" : words;
}

BatchSummary batch_study(const BatchRequest& r, const Say& say) {
  check_walk_request(r.walk);
  BatchSettings run;
  run.shard = r.shard;
  run.shards = r.shards;
  run.options = recorded_options(r);
  const std::vector<BatchScenario> files = files_of_shard(r, run, say);

  std::error_code ec;
  const bool exists = std::filesystem::exists(r.out, ec);
  if (exists && !r.resume)
    throw UsageError("'" + r.out + "' already exists; add --resume to continue that batch, or choose another file");
  {
    // The results file must not be any scenario's input; opening it proves it can be written.
    std::vector<std::string> inputs;
    for (const auto& f : files) {
      Diagnostics ignored;
      const Scenario sc = parse_scenario(f.path, ignored);
      inputs.insert(inputs.end(), sc.inputs.begin(), sc.inputs.end());
    }
    OutputFile probe(r.out, inputs);
  }
  // Locked for the whole batch; an earlier file is checked whole before anything in it changes.
  BatchResults results(r.out, r.format, !exists);
  std::vector<BatchGroup> previous;
  if (exists) {
    BatchFile earlier = read_batch_file(r.out, r.format);
    for (const auto& g : earlier.groups)
      if (g.shard != run.shard_text() || g.options != run.options)
        throw UsageError("'" + r.out + "' holds a batch run as shard " + g.shard + " with " +
                         batch_settings_words(g.options) + "; this run is shard " + run.shard_text() + " with " +
                         batch_settings_words(run.options) +
                         ". Resume with the options of that batch, or write to a new file");
    results.repair(earlier);
    previous = std::move(earlier.groups);
  }
  // Earlier rows are matched to this run's files by where the files really are.
  std::vector<std::string> previous_canonical;
  for (const auto& g : previous)
    previous_canonical.push_back(std::filesystem::weakly_canonical(g.scenario_file, ec).string());

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> lines(files.size());  // each scenario's rows, for the final order
  std::vector<bool> matched(previous.size(), false);
  BatchSummary summary;
  double run_seconds = 0.0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i].path;
    for (std::size_t g = 0; g < previous.size(); ++g)
      matched[g] = matched[g] || previous_canonical[g] == files[i].canonical;
    std::string status;
    try {
      bool kept = false;
      double seconds = 0.0;
      lines[i] = scenario_rows(files[i], r, run, previous, previous_canonical, say, status, kept, seconds);
      if (kept) {
        ++summary.kept;
      } else {
        results.append(lines[i]);
        ++summary.ran;
        run_seconds += seconds;
      }
    } catch (const InputError& err) {
      ++summary.failed;
      say("cxsim: " + file + " is not a valid scenario; skipped:");
      for (const auto& d : err.diagnostics()) say("  " + d.to_string());
      status = "FAILED";
    } catch (const UsageError& err) {
      ++summary.failed;
      say("cxsim: " + file + ": " + err.what() + "; skipped");
      status = "FAILED";
    }
    const std::size_t left = files.size() - i - 1;
    const double per = summary.ran > 0 ? run_seconds / static_cast<double>(summary.ran) : 0.0;
    say("[" + std::to_string(i + 1) + "/" + std::to_string(files.size()) + "] " + file + ": " + status + "; " +
        clock_text(seconds_since(t0)) + " elapsed" +
        (left > 0 && summary.ran > 0 ? ", about " + clock_text(per * static_cast<double>(left)) + " left" : ""));
  }
  // A resumed batch ends as an uninterrupted one would: this batch's rows, in its order; then
  // the rows of scenarios this run did not include (another folder, a file since removed),
  // kept rather than silently dropped.
  if (!previous.empty()) {
    std::string text = batch_header(r.format);
    for (const auto& l : lines) text += l;
    std::size_t outside = 0;
    for (std::size_t g = 0; g < previous.size(); ++g)
      if (!matched[g]) {
        text += previous[g].lines;
        if (outside++ == 0)
          say("cxsim: kept the earlier rows of scenarios this run does not include, starting with '" +
              previous[g].scenario_file + "'");
      }
    if (outside > 0)
      say("cxsim: " + std::to_string(outside) + " scenario" + (outside == 1 ? "'s" : "s'") +
          " earlier rows kept although this run does not include " + (outside == 1 ? "it" : "them"));
    write_output(r.out, text);
  }
  return summary;
}

void merge_batch_files(const std::vector<std::string>& parts, const std::string& out, BatchFormat format,
                       const Say& say) {
  if (parts.empty()) throw UsageError("--merge OUT needs the shard files to merge");
  std::error_code ec;
  if (std::filesystem::exists(out, ec))
    throw UsageError("'" + out + "' already exists; merge into a new file so no results are overwritten");
  OutputFile merged(out, parts);
  std::vector<BatchGroup> all;
  std::map<std::string, std::string> seen;  // scenario file -> the part it came from
  // Every part must be a whole shard of one batch: the same settings, each I of N once.
  std::optional<std::pair<std::string, std::string>> settings;  // the options, and the part they came from
  std::map<std::uint64_t, std::string> shards;                  // I -> the part holding it
  std::optional<std::uint64_t> count;
  std::size_t empty_parts = 0;
  for (const auto& part : parts) {
    BatchFile file = read_batch_file(part, format);
    if (file.partial_last_line || file.no_whole_line)
      throw UsageError("'" + part +
                       "' ends part-way through a line (a batch stopped while writing it); finish that "
                       "batch with --resume first");
    if (file.groups.empty()) ++empty_parts;
    std::optional<std::string> shard_here;
    for (auto& g : file.groups) {
      if (!settings) settings.emplace(g.options, part);
      if (g.options != settings->first)
        throw UsageError("cannot merge: '" + part + "' was run with " + batch_settings_words(g.options) + " but '" +
                         settings->second + "' with " + batch_settings_words(settings->first) +
                         "; merge parts of one batch only");
      if (shard_here && *shard_here != g.shard)
        throw UsageError("cannot merge: '" + part + "' holds rows of shards " + *shard_here + " and " + g.shard);
      shard_here = g.shard;
      auto [it, fresh] = seen.emplace(g.scenario_file, part);
      if (!fresh)
        throw UsageError("scenario '" + g.scenario_file + "' has rows in both '" + it->second + "' and '" + part +
                         "'; shards of one batch never share a scenario");
      all.push_back(std::move(g));
    }
    if (!shard_here) continue;
    const auto slash = shard_here->find('/');
    std::string why;
    const auto i = parse_count(shard_here->substr(0, slash == std::string::npos ? 0 : slash), why);
    const auto n = parse_count(slash == std::string::npos ? "" : shard_here->substr(slash + 1), why);
    if (!i || !n) throw UsageError("'" + part + "': the shard '" + *shard_here + "' is not I/N");
    if (count && *count != *n)
      throw UsageError("cannot merge: '" + part + "' is shard " + *shard_here + " but the other parts are of " +
                       std::to_string(*count) + " shards");
    count = *n;
    auto [it, fresh] = shards.emplace(*i, part);
    if (!fresh) throw UsageError("cannot merge: '" + it->second + "' and '" + part + "' are both shard " + *shard_here);
  }
  // A part with no rows (every scenario of its shard failed, or it had none) cannot say which
  // shard it is; it counts as one of the missing ones.
  if (count && shards.size() + empty_parts < *count) {
    std::string missing;
    for (std::uint64_t i = 1; i <= *count; ++i)
      if (!shards.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(*count);
    throw UsageError("cannot merge: shard" + std::string(shards.size() + 1 < *count ? "s " : " ") + missing +
                     (shards.size() + 1 < *count ? " are" : " is") +
                     " missing; a merge needs every shard of the batch");
  }
  if (count && shards.size() + empty_parts > *count)
    throw UsageError("cannot merge: " + std::to_string(parts.size()) + " parts for a batch of " +
                     std::to_string(*count) + " shards");
  std::stable_sort(all.begin(), all.end(),
                   [](const BatchGroup& a, const BatchGroup& b) { return a.scenario_file < b.scenario_file; });
  merged.stream() << batch_header(format);
  for (const auto& g : all) merged.stream() << g.lines;
  merged.commit();
  say("cxsim: merged " + std::to_string(all.size()) + " scenarios from " + std::to_string(parts.size()) +
      " files into " + out);
}

}  // namespace cxsim
