#include "app/commands.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>

#include <unistd.h>

#include "analysis/calibration_study.hpp"
#include "analysis/compare_study.hpp"
#include "analysis/run_study.hpp"
#include "analysis/sensitivity_study.hpp"
#include "analysis/sweep_study.hpp"
#include "analysis/threads.hpp"
#include "app/processes.hpp"
#include "app/progress.hpp"
#include "io/csv_escape.hpp"
#include "io/output_file.hpp"
#include "io/batch.hpp"
#include "io/file_digest.hpp"
#include "io/assumptions.hpp"
#include "io/comparison.hpp"
#include "io/diagnostics.hpp"
#include "io/dot_writer.hpp"
#include "io/number.hpp"
#include "io/report.hpp"
#include "io/graphviz_svg.hpp"
#include "io/stage_map.hpp"
#include "io/html_report.hpp"
#include "io/journey_map.hpp"
#include "io/report_context.hpp"
#include "io/report_format.hpp"
#include "io/path_import.hpp"
#include "io/staging_folder.hpp"
#include "io/starter_templates.hpp"
#include "io/calibration_report.hpp"
#include "io/observed_loader.hpp"
#include "io/names.hpp"
#include "io/sensitivity_report.hpp"
#include "io/sweep_report.hpp"
#include "io/text_table.hpp"
#include "io/scenario.hpp"
#include "models/limits.hpp"
#include "io/trace_writer.hpp"
#include "sim/engine_agreement.hpp"
#include "sim/exact_solver.hpp"
#include "studio/studio_server.hpp"
#include "sim/monte_carlo.hpp"

namespace cxsim {

namespace {

std::uint64_t count_option(const std::optional<std::string>& text, const std::string& name, std::uint64_t fallback,
                           std::uint64_t minimum, std::uint64_t maximum = UINT64_MAX) {
  if (!text) return fallback;
  std::string why;
  const auto v = parse_count(*text, why);
  if (!v) throw UsageError(name + " " + *text + ": " + why);
  if (*v < minimum) throw UsageError(name + " must be at least " + std::to_string(minimum));
  if (*v > maximum) throw UsageError(name + " must be at most " + std::to_string(maximum));
  return *v;
}

std::uint64_t customers_option(const std::optional<std::string>& text, std::uint64_t fallback,
                               std::uint64_t minimum = 1) {
  return count_option(text, "--customers", fallback, minimum, limits::max_customers);
}

std::uint64_t max_steps_option(const std::optional<std::string>& text, std::uint64_t fallback) {
  return count_option(text, "--max-steps", fallback, 1, limits::max_steps);
}

// --threads: 0 (all cores) up to a cap every command shares.
std::uint64_t threads_option(const std::optional<std::string>& text) {
  const std::uint64_t threads = count_option(text, "--threads", 0, 0);
  if (threads > max_threads)
    throw UsageError("--threads must be at most " + std::to_string(max_threads) + " (0 uses every core)");
  return threads;
}

Format format_option(const std::string& f) {
  if (f == "table") return Format::table;
  if (f == "json") return Format::json;
  if (f == "csv") return Format::csv;
  throw UsageError("--format must be table, json or csv, not '" + f + "'");
}

void print_warnings(const std::vector<Diagnostic>& warnings) {
  for (const auto& w : warnings) std::cerr << w.to_string() << '\n';
}

// The --out file of a command, opened (and so checked) before any work is done; nullptr for
// standard output.
std::unique_ptr<OutputFile> open_output(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty()) return nullptr;
  return std::make_unique<OutputFile>(path, inputs);
}

void emit(const std::unique_ptr<OutputFile>& out, const std::string& text) {
  if (!out) {
    std::cout << text << std::flush;
    if (!std::cout) throw std::runtime_error("cannot write to standard output");
    return;
  }
  out->stream() << text;
  out->commit();
}

// Says up front what a precision target will take.
std::function<void(std::uint64_t)> announce_estimate(double target, std::uint64_t most) {
  return [target, most](std::uint64_t needed) {
    std::cerr << "cxsim: the precision target ±" << target << " needs about " << needed
              << " customers at the current estimate";
    if (needed > most) std::cerr << ", more than the " << most << " allowed (--customers): it will not be reached";
    std::cerr << '\n';
  };
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void warn_if_large_for_exact(const Journey& j) {
  if (const auto w = exact_size_warning(j)) std::cerr << "cxsim: warning: " << *w << '\n';
}

void print_study_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "cxsim: warning: " << w << '\n';
}

}  // namespace

int run_check(const CheckOptions& o) {
  CheckedScenario c = check_scenario(o.scenario);
  check_assumptions(c.scenario, c.diagnostics);
  std::size_t warnings = 0;
  // The problems are what `check` reports, so they go to standard output, like a linter's.
  for (const auto& d : c.diagnostics.sorted()) {
    std::cout << d.to_string() << '\n';
    warnings += d.severity == Severity::warning;
  }
  if (c.diagnostics.has_errors()) {
    std::cout << o.scenario << ": " << c.diagnostics.error_count() << " error"
              << (c.diagnostics.error_count() == 1 ? "" : "s") << ", " << warnings << " warning"
              << (warnings == 1 ? "" : "s") << '\n';
    return 2;
  }
  const Scenario& s = c.scenario;
  std::cout << o.scenario << ": valid: '" << s.name << "', " << s.touchpoints.size() << " touchpoints, "
            << s.transitions.size() << " transitions, " << s.segments.size() << " segment"
            << (s.segments.size() == 1 ? "" : "s") << (s.default_segments ? " (default)" : "") << ", "
            << s.variants.size() << " variant" << (s.variants.size() == 1 ? "" : "s") << ", " << warnings << " warning"
            << (warnings == 1 ? "" : "s") << '\n';
  // Walk-away odds become hazards (model v1.3): show what they became, so a designer can see the
  // numbers the engines will use.
  const auto hazards = [](const SegmentSource& seg, const std::string& label) {
    std::string line;
    for (std::size_t i = 0; i < walk_away_keys.size(); ++i) {
      if (!seg.walk_away[i]) continue;
      line += std::string(line.empty() ? "" : ", ") + "walk_away." + walk_away_keys[i] + " " +
              shortest_text(*seg.walk_away[i]) + " -> sensitivity." + sensitivity_keys[i] + " " +
              shortest_text(std::round(sensitivity_of(seg.segment, i) * 1e6) / 1e6) +
              (i == 2   ? " per unit of value gap"
               : i == 3 ? " per hour"
                        : "");
    }
    if (!line.empty()) std::cout << "  " << label << ": " << line << '\n';
  };
  for (const auto& seg : s.segments) hazards(seg, "segment " + seg.segment.name);
  for (const auto& v : s.variants)
    for (const auto& seg : v.segments) hazards(seg, "variant " + v.name + ", segment " + seg.segment.name);
  // The variants, so nobody has to scrape them from an error message.
  for (const auto& v : s.variants) {
    std::string about = v.description;
    std::replace(about.begin(), about.end(), '\n', ' ');
    while (!about.empty() && about.back() == ' ') about.pop_back();
    std::cout << "  variant " << v.name << (about.empty() ? "" : ": " + about) << '\n';
  }
  std::cout << std::flush;
  if (!std::cout) throw std::runtime_error("cannot write to standard output");
  return 0;
}

namespace {

// --precision: a half-width in (0, 0.5).
std::optional<double> precision_option(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::string why;
  const auto precision = parse_real(*text, why);
  if (!precision) throw UsageError("--precision: " + why);
  if (!(*precision > 0.0 && *precision < 0.5))
    throw UsageError("--precision must be a half-width in (0, 0.5), like 0.001 (0.1 percentage points)");
  return precision;
}

Adjustment adjust_option(const std::string& a) {
  if (a == "holm") return Adjustment::holm;
  if (a == "bonferroni") return Adjustment::bonferroni;
  if (a == "none") return Adjustment::none;
  throw UsageError("--adjust must be holm, bonferroni or none, not '" + a + "'");
}

}  // namespace

// The options every Monte Carlo command shares, typed.
WalkRequest walk_request(const std::optional<std::string>& customers, const std::optional<std::string>& seed,
                         const std::optional<std::string>& max_steps, const std::optional<std::string>& precision,
                         const std::optional<std::string>& threads) {
  WalkRequest r;
  r.precision = precision_option(precision);
  if (customers) r.customers = customers_option(customers, 0);
  if (seed) r.seed = count_option(seed, "--seed", 0, 0);
  if (max_steps) r.max_steps = max_steps_option(max_steps, 0);
  r.threads = threads_option(threads);
  if (r.precision) r.on_estimate = announce_estimate(*r.precision, r.customers.value_or(precision_customer_cap));
  return r;
}

int run_compare(const CompareOptions& o) {
  const Format format = format_option(o.output.format);
  CompareRequest request;
  request.walk = walk_request(o.customers, o.seed, o.max_steps, o.precision, o.threads);
  request.adjust = adjust_option(o.adjust);
  if (o.scenarios.empty()) throw UsageError("compare needs a scenario file");
  if (o.scenarios.size() > 1 && !o.variants.empty())
    throw UsageError(
        "--variant compares the variants of one scenario; with several scenario files, each file is an arm");

  std::vector<LoadedScenario> files;
  for (const auto& path : o.scenarios) {
    files.push_back(load_scenario(path, ""));
    print_warnings(files.back().warnings);
  }
  std::vector<std::string> inputs;
  for (const auto& f : files) inputs.insert(inputs.end(), f.scenario.inputs.begin(), f.scenario.inputs.end());
  const auto out = open_output(o.output.out, inputs);
  if (o.assumptions && files.size() > 1)
    throw UsageError("--assumptions draws the numbers of one scenario with variants, not of whole files");
  ComparisonStudy study =
      files.size() > 1 ? compare_files(std::move(files), o.scenarios, request)
                       : compare_variants(files.front().scenario, std::move(files.front().model), o.variants, request);
  if (o.assumptions) add_assumptions(study, files.front().scenario, *o.assumptions, request.walk.threads);
  print_study_warnings(study.result.warnings);
  emit(out, format_comparison(study.result, format));
  return 0;
}

namespace {

// "I/N": shard I (1-based) of N.
std::pair<std::uint64_t, std::uint64_t> shard_option(const std::string& text) {
  const auto slash = text.find('/');
  std::string why;
  if (slash == std::string::npos) throw UsageError("--shard must be I/N, like 2/8, not '" + text + "'");
  const auto i = parse_count(text.substr(0, slash), why);
  const auto n = parse_count(text.substr(slash + 1), why);
  if (!i || !n || *n < 1 || *i < 1 || *i > *n)
    throw UsageError("--shard must be I/N with 1 <= I <= N, like 2/8, not '" + text + "'");
  return {*i, *n};
}

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

std::string settings_words(const std::string& options) {
  std::string words = options;
  std::replace(words.begin(), words.end(), ';', ' ');
  return words.empty() ? "(none)" : words;
}

int merge_batches(const BatchOptions& o, BatchFormat format) {
  const std::string& out = *o.merge;
  if (o.paths.empty()) throw UsageError("--merge OUT needs the shard files to merge");
  std::error_code ec;
  if (std::filesystem::exists(out, ec))
    throw UsageError("'" + out + "' already exists; merge into a new file so no results are overwritten");
  OutputFile merged(out, o.paths);
  std::vector<BatchGroup> all;
  std::map<std::string, std::string> seen;  // scenario file -> the part it came from
  // Every part must be a whole shard of one batch: the same settings, each I of N once.
  std::optional<std::pair<std::string, std::string>> settings;  // the options, and the part they came from
  std::map<std::uint64_t, std::string> shards;                  // I -> the part holding it
  std::optional<std::uint64_t> count;
  std::size_t empty_parts = 0;
  for (const auto& part : o.paths) {
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
        throw UsageError("cannot merge: '" + part + "' was run with " + settings_words(g.options) + " but '" +
                         settings->second + "' with " + settings_words(settings->first) +
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
    throw UsageError("cannot merge: " + std::to_string(o.paths.size()) + " parts for a batch of " +
                     std::to_string(*count) + " shards");
  std::stable_sort(all.begin(), all.end(),
                   [](const BatchGroup& a, const BatchGroup& b) { return a.scenario_file < b.scenario_file; });
  merged.stream() << batch_header(format);
  for (const auto& g : all) merged.stream() << g.lines;
  merged.commit();
  std::cerr << "cxsim: merged " << all.size() << " scenarios from " << o.paths.size() << " files into " << out << '\n';
  return 0;
}

}  // namespace

int run_batch(const BatchOptions& o) {
  if (o.format != "csv" && o.format != "json") throw UsageError("--format must be csv or json");
  const BatchFormat format = o.format == "csv" ? BatchFormat::csv : BatchFormat::jsonl;
  if (o.merge) return merge_batches(o, format);
  if (o.out.empty()) throw UsageError("batch needs --out FILE for its results");
  if (o.paths.empty()) throw UsageError("batch needs scenario files or folders");
  const std::uint64_t threads = threads_option(o.threads);
  BatchSettings run;
  if (o.shard) std::tie(run.shard, run.shards) = shard_option(*o.shard);
  // Parsed once here so a bad value is a usage error before anything runs.
  run.options =
      "customers=" + (o.customers ? std::to_string(customers_option(o.customers, 0)) : std::string("scenario")) +
      ";seed=" + (o.seed ? std::to_string(count_option(o.seed, "--seed", 0, 0)) : std::string("scenario")) +
      (o.assumptions ? ";assumptions=" + (o.assumptions->empty() ? std::string("scenario") : *o.assumptions) : "");

  const ScenarioSearch search = find_scenario_files(o.paths);
  for (const auto& s : search.skipped) std::cerr << "cxsim: skipped " << s << '\n';
  if (search.files.empty())
    throw UsageError("no scenario files (*.yaml, *.yml) found in " + name_list(o.paths) +
                     (search.skipped.empty() ? "" : " (see the skipped files above)"));
  std::vector<BatchScenario> files;
  for (const auto& f : search.files)
    if (in_shard(f.shard_key, run.shard, run.shards)) files.push_back(f);
  std::cerr << "cxsim: " << search.files.size() << " scenario file" << (search.files.size() == 1 ? "" : "s") << " found"
            << (o.shard ? ", " + std::to_string(files.size()) + " in shard " + run.shard_text() : std::string())
            << (search.skipped.empty() ? "" : ", " + std::to_string(search.skipped.size()) + " skipped") << '\n';

  std::error_code ec;
  const bool exists = std::filesystem::exists(o.out, ec);
  if (exists && !o.resume)
    throw UsageError("'" + o.out + "' already exists; add --resume to continue that batch, or choose another file");
  {
    // The results file must not be any scenario's input; opening it proves it can be written.
    std::vector<std::string> inputs;
    for (const auto& f : files) {
      Diagnostics ignored;
      const Scenario sc = parse_scenario(f.path, ignored);
      inputs.insert(inputs.end(), sc.inputs.begin(), sc.inputs.end());
    }
    OutputFile probe(o.out, inputs);
  }
  // Locked for the whole batch; an earlier file is checked whole before anything in it changes.
  BatchResults results(o.out, format, !exists);
  std::vector<BatchGroup> previous;
  if (exists) {
    BatchFile earlier = read_batch_file(o.out, format);
    for (const auto& g : earlier.groups)
      if (g.shard != run.shard_text() || g.options != run.options)
        throw UsageError("'" + o.out + "' holds a batch run as shard " + g.shard + " with " +
                         settings_words(g.options) + "; this run is shard " + run.shard_text() + " with " +
                         settings_words(run.options) +
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
  std::size_t failed = 0, kept = 0, ran = 0;
  double run_seconds = 0.0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i].path;
    for (std::size_t g = 0; g < previous.size(); ++g)
      matched[g] = matched[g] || previous_canonical[g] == files[i].canonical;
    const auto start = std::chrono::steady_clock::now();
    std::string status;
    try {
      LoadedScenario base = load_scenario(file, "");
      for (const auto& w : base.warnings) std::cerr << w.to_string() << '\n';
      const Scenario& sc = base.scenario;
      const std::string sha = sha256_of_files(sc.inputs);
      CompareRequest request;
      request.walk.customers = o.customers ? std::optional(customers_option(o.customers, 0)) : std::nullopt;
      request.walk.seed = o.seed ? std::optional(count_option(o.seed, "--seed", 0, 0)) : std::nullopt;
      request.walk.threads = threads;
      const WalkSettings walk = walk_settings(request.walk, sc.simulation);
      const std::uint64_t customers = customers_of(request.walk, sc.simulation);
      std::vector<std::string> variants{"baseline"};
      for (const auto& v : sc.variants) variants.push_back(v.name);
      std::optional<std::size_t> same;
      for (std::size_t g = 0; g < previous.size() && !same; ++g)
        if (previous_canonical[g] == files[i].canonical && previous[g].sha256 == sha && previous[g].seed == walk.seed &&
            previous[g].customers == customers && previous[g].variants == variants)
          same = g;
      if (same) {
        lines[i] = previous[*same].lines;
        ++kept;
        status = "kept from the earlier run";
      } else {
        auto in = std::make_shared<ComparisonInput>();
        in->arms.push_back(ComparisonArm{"baseline", sc.name, std::move(base.model), std::nullopt, std::nullopt});
        for (const auto& v : sc.variants) in->arms.push_back(variant_arm(sc, v));
        in->economics = sc.economics;
        ComparisonStudy study = compare_study(in, request, sc.simulation);
        if (o.assumptions && sc.assumptions) add_assumptions(study, sc, *o.assumptions, request.walk.threads);
        const ComparisonResult& result = study.result;
        for (const auto& w : result.warnings) std::cerr << file << ": warning: " << w << '\n';
        const double seconds = seconds_since(start);
        for (const auto& row : batch_rows(result, file, sha, seconds, run)) lines[i] += format_batch_row(row, format);
        results.append(lines[i]);
        ++ran;
        run_seconds += seconds;
        status = std::to_string(result.arm_names.size()) + (result.arm_names.size() == 1 ? " arm in " : " arms in ") +
                 clock_text(seconds);
      }
    } catch (const InputError& err) {
      ++failed;
      std::cerr << "cxsim: " << file << " is not a valid scenario; skipped:\n";
      for (const auto& d : err.diagnostics()) std::cerr << "  " << d.to_string() << '\n';
      status = "FAILED";
    } catch (const UsageError& err) {
      ++failed;
      std::cerr << "cxsim: " << file << ": " << err.what() << "; skipped\n";
      status = "FAILED";
    }
    const std::size_t left = files.size() - i - 1;
    const double per = ran > 0 ? run_seconds / static_cast<double>(ran) : 0.0;
    std::cerr << "[" << i + 1 << "/" << files.size() << "] " << file << ": " << status << "; "
              << clock_text(seconds_since(t0)) << " elapsed"
              << (left > 0 && ran > 0 ? ", about " + clock_text(per * static_cast<double>(left)) + " left" : "")
              << '\n';
  }
  // A resumed batch ends as an uninterrupted one would: this batch's rows, in its order; then
  // the rows of scenarios this run did not include (another folder, a file since removed),
  // kept rather than silently dropped.
  if (!previous.empty()) {
    std::string text = batch_header(format);
    for (const auto& l : lines) text += l;
    std::size_t outside = 0;
    for (std::size_t g = 0; g < previous.size(); ++g)
      if (!matched[g]) {
        text += previous[g].lines;
        if (outside++ == 0)
          std::cerr << "cxsim: kept the earlier rows of scenarios this run does not include, starting with '"
                    << previous[g].scenario_file << "'\n";
      }
    if (outside > 0)
      std::cerr << "cxsim: " << outside << " scenario" << (outside == 1 ? "'s" : "s'")
                << " earlier rows kept although this run does not include " << (outside == 1 ? "it" : "them") << '\n';
    write_output(o.out, text);
  }
  std::cerr << "cxsim: " << ran << " scenario" << (ran == 1 ? "" : "s") << " run, " << kept << " kept, " << failed
            << " failed; results in " << o.out << '\n';
  return failed > 0 ? 1 : 0;
}

int run_run(const RunOptions& o) {
  const Format format = format_option(o.output.format);
  if (o.trace.has_value() != o.trace_out.has_value()) throw UsageError("--trace N and --trace-out FILE go together");
  if (o.trace_out && !o.output.out.empty() && OutputFile::same_file(*o.trace_out, o.output.out))
    throw UsageError("--trace-out and --out name the same file; give each its own");
  RunRequest request;
  request.walk = walk_request(o.customers, o.seed, o.max_steps, o.precision, o.threads);
  const std::uint64_t trace_count = count_option(o.trace, "--trace", 0, 1);
  if (trace_count > 1'000'000) throw UsageError("--trace is limited to 1000000 customers");

  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  if (o.segment) keep_only_segment(loaded.model, *o.segment);
  const Scenario& sc = loaded.scenario;
  const auto model = std::make_shared<const ScenarioModel>(std::move(loaded.model));
  // Under mpirun only the first process writes; a refused output stops every process.
  const Processes& processes = Processes::current();
  std::unique_ptr<OutputFile> out, trace_out;
  processes.all_or_none([&] {
    if (!processes.first()) return;
    out = open_output(o.output.out, sc.inputs);
    if (o.trace_out) trace_out = open_output(*o.trace_out, sc.inputs);
  });
  request.processes = processes.share();

  StudyResult run;
  {
    ProgressBar bar(request.walk.precision ? 0 : customers_of(request.walk, sc.simulation));
    request.progress = bar.counter();
    run = run_study(model, sc.name, sc.simulation, request);
  }
  print_study_warnings(run.warnings);

  if (trace_out) {
    // Streamed to the file as the customers walk: memory stays flat however long the trace.
    write_trace(trace_out->stream(), model->journey, model->population, walk_settings(request.walk, sc.simulation),
                trace_count, sc.name, model->variant);
    trace_out->commit();
  }
  if (processes.first()) emit(out, format_report(run.report, format));
  return 0;
}

int run_exact(const ExactOptions& o) {
  const Format format = format_option(o.output.format);
  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  if (o.segment) keep_only_segment(loaded.model, *o.segment);
  const auto out = open_output(o.output.out, loaded.scenario.inputs);
  warn_if_large_for_exact(loaded.model.journey);
  const StudyResult exact =
      exact_study(std::make_shared<const ScenarioModel>(std::move(loaded.model)), loaded.scenario.name);
  emit(out, format_report(exact.report, format));
  print_study_warnings(exact.warnings);
  return 0;
}

int run_validate(const ValidateOptions& o) {
  if (o.format != "table" && o.format != "json" && o.format != "csv")
    throw UsageError("--format must be table, json or csv");
  const std::uint64_t threads = threads_option(o.threads);
  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  if (loaded.model.journey.size() > limits::exact_solver_touchpoints)
    throw UsageError("validate compares with the exact solver, which is for journeys of up to " +
                     std::to_string(limits::exact_solver_touchpoints) + " touchpoints; this one has " +
                     std::to_string(loaded.model.journey.size()) + " (use run instead)");
  const Scenario& sc = loaded.scenario;
  WalkSettings walk;
  walk.seed = count_option(o.seed, "--seed", sc.simulation.seed, 0);
  walk.max_steps = sc.simulation.max_steps;
  const std::uint64_t customers = customers_option(o.customers, sc.simulation.customers, 1000);

  const ExactSolution exact = solve_exact(loaded.model.journey, loaded.model.population);
  const Agreement agreement = with_threads(threads, [&](int) {
    return compare_engines(loaded.model.journey, loaded.model.population, walk, customers, exact);
  });
  const double worst = agreement.max_abs_z();
  const bool ok = agreement.agrees(5.0);

  if (o.format == "csv") {
    // One figure a row, the scenario and variant in each, like every other table.
    std::cout << "scenario,variant,customers,seed,figure,monte_carlo,exact,standard_error,z,agrees\n";
    for (const auto& c : agreement.checks)
      std::cout << csv_escape(sc.name) << ',' << csv_escape(loaded.model.variant) << ',' << customers << ','
                << walk.seed << ',' << csv_escape(c.figure) << ',' << table_number(c.monte_carlo) << ','
                << table_number(c.exact) << ',' << table_number(c.standard_error) << ',' << table_number(c.z) << ','
                << (std::fabs(c.z) <= 5.0 ? "true" : "false") << '\n';
  } else if (o.format == "json") {
    nlohmann::ordered_json j;
    j["scenario"] = sc.name;
    j["variant"] = loaded.model.variant;
    j["customers"] = customers;
    j["seed"] = walk.seed;
    j["max_abs_z"] = worst;
    j["agrees"] = ok;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& c : agreement.checks)
      rows.push_back({{"figure", c.figure},
                      {"monte_carlo", c.monte_carlo},
                      {"exact", c.exact},
                      {"standard_error", c.standard_error},
                      {"z", c.z}});
    j["figures"] = rows;
    std::cout << j.dump(2) << '\n';
  } else {
    // The answer first, the figures behind it after.
    std::printf("%s — %s: %s: %zu figures compared, largest |z| = %.2f\n", sc.name.c_str(),
                loaded.model.variant.c_str(),
                ok ? "the engines agree (every |z| <= 5)" : "the engines DISAGREE (some |z| > 5)",
                agreement.checks.size(), worst);
    std::printf("Monte Carlo (%llu customers, seed %llu) against exact, figure by figure:\n",
                static_cast<unsigned long long>(customers), static_cast<unsigned long long>(walk.seed));
    using Align = TextTable::Align;
    TextTable figures({{"figure", Align::left, 44},
                       {"monte carlo", Align::right, 14},
                       {"exact", Align::right, 14},
                       {"std error", Align::right, 11},
                       {"z", Align::right, 8}});
    for (const auto& c : agreement.checks)
      figures.add({c.figure, formatted("%.8g", c.monte_carlo), formatted("%.8g", c.exact),
                   formatted("%.3g", c.standard_error), formatted("%.2f", c.z)},
                  std::fabs(c.z) > 5.0 ? "  <-- disagrees" : "");
    std::fputs(figures.str().c_str(), stdout);
  }
  return ok ? 0 : 1;
}

int run_dot(const DotOptions& o) {
  if (o.format != "dot" && o.format != "svg" && o.format != "png")
    throw UsageError("--format must be dot, svg or png, not '" + o.format + "'");
  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  if (o.segment) keep_only_segment(loaded.model, *o.segment);
  const auto out = open_output(o.out, loaded.scenario.inputs);
  std::ostringstream dot;
  std::vector<std::string> segment_names;
  for (const auto& seg : loaded.model.population.segments()) segment_names.push_back(seg.name);
  std::optional<ExactSolution> heat;
  if (o.heat) {
    warn_if_large_for_exact(loaded.model.journey);
    heat = solve_exact(loaded.model.journey, loaded.model.population);
  }
  write_dot(dot, loaded.model.journey,
            loaded.scenario.name + " — " + loaded.model.variant +
                (loaded.model.segment.empty() ? "" : " — segment " + loaded.model.segment + " only"),
            segment_names, heat ? &heat->figures : nullptr);
  emit(out, o.format == "dot" ? dot.str() : render_dot(dot.str(), o.format, nullptr, true));
  return 0;
}

namespace {

// A real number option within [lo, hi].
double real_option(const std::optional<std::string>& text, const std::string& name, double fallback, double lo,
                   double hi) {
  if (!text) return fallback;
  std::string why;
  const auto v = parse_real(*text, why);
  if (!v) throw UsageError(name + " " + *text + ": " + why);
  if (!(*v >= lo && *v <= hi))
    throw UsageError(name + " must be between " + shortest_text(lo) + " and " + shortest_text(hi) + ", not " + *text);
  return *v;
}

// The curve of the command line, or else every curve of the scenario's `sweeps`.
std::vector<CurveRequest> curve_requests(const SweepOptions& o, const LoadedScenario& loaded) {
  const ScenarioModel& m = loaded.model;
  const bool named = !o.touchpoint.empty() || !o.segment.empty();
  std::vector<CurveRequest> out;
  if (!named) {
    if (!o.attribute.empty() || o.from || o.to || o.steps)
      throw UsageError("--attribute, --from, --to and --steps need --touchpoint ID or --segment NAME");
    if (loaded.scenario.sweeps.empty())
      throw UsageError(
          "sweep needs --touchpoint ID or --segment NAME with --attribute, or a 'sweeps' list in the scenario");
    return scenario_curves(loaded.scenario, m);
  }
  if (!o.touchpoint.empty() && !o.segment.empty()) throw UsageError("sweep takes --touchpoint or --segment, not both");
  if (o.attribute.empty()) throw UsageError("sweep needs --attribute");
  const ParameterRef number = number_named(o.touchpoint, o.segment, o.attribute, m);
  const double from = real_option(o.from, "--from", 0.0, 0.0, number.max());
  const double to = real_option(o.to, "--to", 1.0, 0.0, number.max());
  const std::uint64_t points = count_option(o.steps, "--steps", 11, 2, 10'000);
  out.push_back({number, sweep_values(from, to, points)});
  return out;
}

}  // namespace

int run_sensitivity(const SensitivityOptions& o) {
  const Format format = format_option(o.output.format);
  const std::uint64_t threads = threads_option(o.threads);
  SensitivitySettings settings;
  settings.step = real_option(o.step, "--step", settings.step, 0.0, limits::max_sensitivity);
  // Changed values are kept on a 1e-12 grid: a smaller step would change nothing at all.
  if (!(settings.step >= 1e-9)) throw UsageError("--step must be at least 1e-9, not " + *o.step);
  settings.top = count_option(o.top, "--top", settings.top, 0, 1'000'000);
  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  const auto out = open_output(o.output.out, loaded.scenario.inputs);
  warn_if_large_for_exact(loaded.model.journey);
  SensitivityRequest request;
  request.settings = settings;
  request.threads = threads;
  const SensitivityStudy study =
      sensitivity_study(std::make_shared<const ScenarioModel>(std::move(loaded.model)), loaded.scenario, request);
  emit(out, format_sensitivity(study.report, format));
  for (const auto& w : study.warnings) std::cerr << "cxsim: warning: " << w << '\n';
  return study.warnings.empty() ? 0 : 1;
}

int run_sweep(const SweepOptions& o) {
  const Format format = format_option(o.output.format);
  SweepRequest request;
  request.threads = threads_option(o.threads);
  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  request.curves = curve_requests(o, loaded);
  if (o.customers) {
    MonteCarloSettings mc;
    mc.customers = customers_option(o.customers, loaded.scenario.simulation.customers);
    mc.walk.seed = count_option(o.seed, "--seed", loaded.scenario.simulation.seed, 0);
    mc.walk.max_steps = max_steps_option(o.max_steps, loaded.scenario.simulation.max_steps);
    request.monte_carlo = mc;
  } else if (o.seed || o.max_steps) {
    throw UsageError("--seed and --max-steps are for the Monte Carlo estimates; add --customers N to get them");
  }
  const auto out = open_output(o.output.out, loaded.scenario.inputs);
  warn_if_large_for_exact(loaded.model.journey);
  const SweepStudy study =
      sweep_study(std::make_shared<const ScenarioModel>(std::move(loaded.model)), loaded.scenario, request);
  emit(out, format_sweep(study.report, format));
  for (const auto& w : study.warnings) std::cerr << "cxsim: warning: " << w << '\n';
  return study.exact_failures > 0 ? 1 : 0;
}

namespace {

// Where each segment's own customers are lost: an exact solve with only that segment walking,
// its three biggest losses with their main cause (per 1,000 customers of the segment).
nlohmann::ordered_json persona_losses(const ScenarioModel& model) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  const Population& pop = model.population;
  for (std::size_t s = 0; s < pop.size(); ++s) {
    if (!(pop.segment(s).share > 0.0)) continue;
    const Figures f = solve_exact(model.journey, pop.only(s)).figures;
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < f.touchpoints.size(); ++k)
      if (f.touchpoints[k].defections() > 0.0) order.push_back(k);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return f.touchpoints[a].defections() > f.touchpoints[b].defections();
    });
    nlohmann::ordered_json where = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < order.size() && i < 3; ++i) {
      const auto& t = f.touchpoints[order[i]];
      const Touchpoint& tp = model.journey.touchpoint(order[i]);
      where.push_back({{"id", tp.id},
                       {"name", tp.name},
                       {"lost_per_1000", 1000.0 * t.defections()},
                       {"cause", cause_names[static_cast<std::size_t>(t.main_cause())]}});
    }
    out.push_back({{"name", pop.segment(s).name},
                   {"share", pop.segment(s).share},
                   {"defection_rate", f.defection_rate()},
                   {"lost_per_1000", 1000.0 * f.defection_rate()},
                   {"where", where}});
  }
  return out;
}

}  // namespace

namespace {

// The response curves the scenario's `sweeps` ask for (exact), as `cxsim sweep --format json`.
nlohmann::ordered_json scenario_sweeps(const Scenario& sc, const ScenarioModel& model) {
  return to_json(sweep_curves(sc.name, model, scenario_curves(sc, model), {}));
}

// One scenario's page. `loaded_hook` sees the scenario once it is read and checked, before the
// runs (the report of one scenario opens its output there, so a bad --out fails fast).
// `assumptions`: the draws of the scenario's `assumptions` block ("": the block's own number), or
// nullopt to leave them out (a batch run without --assumptions).
HtmlReportInput report_page(const ReportOptions& o, const std::string& scenario_path,
                            const std::function<void(const Scenario&)>& loaded_hook,
                            const std::optional<std::string>& assumptions = std::string()) {
  using json = nlohmann::ordered_json;
  const std::uint64_t threads = threads_option(o.threads);
  LoadedScenario loaded = load_scenario(scenario_path, "");
  print_warnings(loaded.warnings);
  if (o.segment) keep_only_segment(loaded.model, *o.segment);
  const Scenario& sc = loaded.scenario;
  const ScenarioModel& model = loaded.model;
  // A persona's money: its own customers per year (the segment's share of them).
  std::optional<Economics> economics = sc.economics;
  if (economics) economics->customers_per_year *= model.segment_share;
  std::vector<std::string> persona_notes;
  if (o.segment)
    persona_notes.push_back("Persona view: only the customers of segment '" + model.segment +
                            "' walk, and every figure is per customer of that segment" +
                            (economics ? "; money counts its customers only (" +
                                             formatted("%.0f", economics->customers_per_year) +
                                             " a year), while each redesign's cost is its whole cost"
                                       : std::string()) +
                            ".");
  std::vector<const VariantSource*> variants;
  {
    std::set<std::string> seen;
    for (const auto& name : o.variants) {
      const VariantSource* v = sc.variant(name);
      if (!v) {
        throw UsageError("scenario '" + scenario_path + "' " + no_variant_message(sc, name));
      }
      if (!seen.insert(name).second) throw UsageError("--variant '" + name + "' is named twice");
      variants.push_back(v);
    }
    if (o.variants.empty())
      for (const auto& v : sc.variants) variants.push_back(&v);
  }
  loaded_hook(sc);

  MonteCarloSettings settings;
  settings.walk.seed = count_option(o.seed, "--seed", sc.simulation.seed, 0);
  settings.walk.max_steps = sc.simulation.max_steps;
  settings.customers = customers_option(o.customers, sc.simulation.customers);

  HtmlReportInput page;
  page.scenario = sc.name;
  page.variant = model.variant + (model.segment.empty() ? "" : " — segment " + model.segment + " only");
  page.notes = persona_notes;
  std::vector<std::string> segment_names;
  for (const auto& seg : model.population.segments()) segment_names.push_back(seg.name);

  with_threads(threads, [&](int n) {
    // Each arm is walked once and solved once: with redesigns, the comparison's baseline arm is
    // the run (the same customers a run alone would walk, so the same figures) and its exact
    // solution the exact figures.
    std::optional<ComparisonStudy> study;
    if (!variants.empty()) {
      std::cerr << "cxsim: report: simulating " << settings.customers << " customers through the baseline and "
                << variants.size() << " redesign" << (variants.size() == 1 ? "" : "s") << "\n";
      auto in = std::make_shared<ComparisonInput>();
      in->arms.push_back(ComparisonArm{"baseline", sc.name, model, std::nullopt, std::nullopt});
      for (const auto* v : variants) {
        in->arms.push_back(variant_arm(sc, *v));
        if (o.segment) keep_only_segment(in->arms.back().model, *o.segment);
      }
      in->economics = economics;
      in->settings.walk = settings.walk;
      in->settings.customers = settings.customers;
      study.emplace(ComparisonStudy{in, compare_arms(*in)});
      study->result.threads = n;
      // The scenario's own assumptions block: how sure the decision is over its guessed numbers.
      if (sc.assumptions && economics) {
        if (o.segment)
          page.notes.push_back(
              "The scenario's assumptions are not drawn in a persona view: they price every customer.");
        else if (assumptions)
          add_assumptions(*study, sc, *assumptions, static_cast<std::uint64_t>(n));
      }
    }

    Report mc;
    std::optional<ExactSolution> exact;
    if (study) {
      mc = study->result.reports.front();
      mc.threads = n;
      mc.elapsed_seconds = study->result.elapsed_seconds;
      exact = study->result.exact.front();
      if (!exact)
        page.notes.push_back(
            "No exact figures, what-to-fix-first or validation for the baseline (see the notes on the "
            "redesigns for why).");
    } else {
      std::cerr << "cxsim: report: simulating " << settings.customers << " customers\n";
      const auto t0 = std::chrono::steady_clock::now();
      const MonteCarloRun run = run_monte_carlo(model.journey, model.population, settings);
      mc = monte_carlo_report(sc.name, model, run, settings.walk, n, seconds_since(t0));
      mc.unfinished_warning = unfinished_warning(run.tally, settings.walk.max_steps, model);
      if (mc.unfinished_warning) page.notes.push_back(*mc.unfinished_warning);
      if (model.journey.size() > limits::exact_solver_touchpoints) {
        page.notes.push_back(
            "No exact figures, what-to-fix-first or validation: the journey has more touchpoints than the "
            "exact solver is meant for (" +
            std::to_string(limits::exact_solver_touchpoints) + ").");
      } else {
        try {
          exact = solve_exact(model.journey, model.population);
        } catch (const SolverError& e) {
          page.notes.push_back(std::string("No exact figures: ") + e.what());
        }
      }
    }
    page.run = to_json(mc);
    page.journey_svg = journey_map_svg(model.journey, sc.name, segment_names, exact ? exact->figures : mc.figures,
                                       page.notes, page.map_legend);

    if (exact) {
      page.exact = to_json(exact_report(sc.name, model, *exact));
      page.personas = persona_losses(model);

      std::cerr << "cxsim: report: what to fix first\n";
      try {
        SensitivityReport s;
        s.scenario = sc.name;
        s.variant = model.variant;
        s.journey = &model.journey;
        s.population = &model.population;
        s.economics = economics;
        s.result = analyse_sensitivity(model.journey, model.population, {0.05, 10});
        page.sensitivity = to_json(s);
        const auto top = std::find_if(s.result.parameters.begin(), s.result.parameters.end(),
                                      [](const SensitivityParameter& p) { return p.delta_step.has_value(); });
        if (top != s.result.parameters.end()) {
          page.response = to_json(sweep_curves(sc.name, model, {{*top, sweep_values(0.0, 1.0, 21)}}, {}));
        }
        if (!sc.sweeps.empty()) {
          try {
            page.sweeps = scenario_sweeps(sc, model);
          } catch (const UsageError& e) {  // a sweep of a segment the persona view left out
            page.notes.push_back(std::string("No response curves of the scenario's sweeps: ") + e.what());
          }
        }
      } catch (const SolverError& e) {
        page.notes.push_back(std::string("No what-to-fix-first: ") + e.what());
      }

      std::cerr << "cxsim: report: checking the Monte Carlo engine against the exact solver\n";
      const Agreement a = compare_engines(model.journey, model.population, settings.walk, settings.customers, *exact);
      const FigureCheck* worst = a.worst();
      page.validation = json{{"agrees", a.agrees()},
                             {"figures", a.checks.size()},
                             {"max_abs_z", a.max_abs_z()},
                             {"worst", worst ? worst->figure : std::string()}};
    }

    if (study) {
      for (const auto& w : study->result.warnings) page.notes.push_back(w);
      page.comparison = to_json(study->result);
      // The best redesign (rank 1, as the table ranks them) on the map, against the baseline.
      const ComparisonResult& r = study->result;
      if (exact && !r.ranking.empty()) {
        const std::size_t best = r.ranking.front() + 1;  // arm 0 is the baseline
        if (best < r.exact.size() && r.exact[best]) {
          const MapBaseline against{&model.journey, &exact->figures};
          std::vector<std::string> ignored;
          page.redesign_map_svg =
              journey_map_svg(study->input->arms[best].model.journey, r.arm_names[best], segment_names,
                              r.exact[best]->figures, ignored, page.redesign_map_legend, &against);
          page.redesign_map_name = r.arm_names[best];
        }
      }
    } else {
      page.notes.push_back("No redesigns: the scenario has no variants.");
    }
    return 0;
  });
  if (economics)
    page.economics = json{{"customers_per_year", economics->customers_per_year},
                          {"value_per_customer", economics->value_per_customer},
                          {"currency", economics->currency}};
  page.context = report_context(sc, model, variants, economics);
  page.reproduce =
      json{{"scenario_file", relative_to_output(scenario_path, o.out)},
           {"sha256", sha256_of_files(sc.inputs)},
           {"seed", settings.walk.seed},
           {"customers", settings.customers},
           {"version", "cxsim " CXSIM_VERSION},
           {"date", utc_now()},
           {"command",
            reproduce_command({scenario_path, o.out, settings.walk.seed, settings.customers, o.segment, o.variants})}};
  return page;
}

// ---- `cxsim report --batch RESULTS`: the portfolio page from a batch's own figures ----

// The annuity factor of "npv over H years at R% a year" in a row's money_basis, or nullopt.
std::optional<double> annuity_of_basis(const std::string& basis) {
  const auto at = basis.find("npv over ");
  if (at == std::string::npos) return std::nullopt;
  unsigned long long years = 0;
  double rate = 0.0;
  if (std::sscanf(basis.c_str() + at, "npv over %llu years at %lf%%", &years, &rate) != 2) return std::nullopt;
  return annuity_factor(years, rate / 100.0);
}

// A cell a decision needs: a number, or an InputError naming the file, line and column.
double batch_number(const nlohmann::ordered_json& row, const char* column, const std::string& path, std::size_t line) {
  const auto& v = row[column];
  if (!v.is_number())
    throw InputError({path, line, 0}, std::string("'") + column + "' is empty in a row of variant '" +
                                          row["variant"].get<std::string>() + "'; a batch always writes it");
  return v.get<double>();
}

// One scenario's redesigns as the portfolio's decision table reads them, from the batch's rows
// alone: its figures as written, the verdicts and the order by compare's own rules.
nlohmann::ordered_json batch_decisions(const BatchGroup& g, const std::string& path, bool& npv_interval_derived) {
  using json = nlohmann::ordered_json;
  const json& base = g.rows.front();
  const bool money = base["currency"].is_string();
  json variants = json::array();
  std::vector<double> money_key, change;  // what orders them
  std::vector<bool> has_money;
  for (std::size_t k = 1; k < g.rows.size(); ++k) {
    const json& r = g.rows[k];
    const std::size_t line = g.row_lines[k];
    json v;
    v["name"] = r["variant"];
    const double difference = batch_number(r, "difference_vs_baseline", path, line);
    v["difference"] = difference;
    v["difference_ci95"] = json::array(
        {batch_number(r, "difference_ci95_low", path, line), batch_number(r, "difference_ci95_high", path, line)});
    v["exact_difference"] =
        r["exact_defection_rate"].is_number() && base["exact_defection_rate"].is_number()
            ? json(r["exact_defection_rate"].get<double>() - base["exact_defection_rate"].get<double>())
            : json(nullptr);
    v["p_adjusted"] = r["p_adjusted"];
    v["verdict"] = defection_verdict(batch_number(r, "p_adjusted", path, line), difference);
    v["cost_per_year"] = money ? r["cost_per_year"] : json(nullptr);
    v["description"] = "";
    change.push_back(difference);
    has_money.push_back(money && r["net_benefit_per_year"].is_number());
    money_key.push_back(0.0);
    if (has_money.back()) {
      const double nb = r["net_benefit_per_year"].get<double>();
      const Interval ci{batch_number(r, "net_benefit_ci95_low", path, line),
                        batch_number(r, "net_benefit_ci95_high", path, line)};
      json e;
      e["net_benefit_per_year"] = nb;
      e["net_benefit_per_year_ci95"] = json::array({ci.lo, ci.hi});
      e["net_benefit_per_year_exact"] = r["net_benefit_per_year_exact"];
      e["npv"] = r["npv"];
      e["npv_exact"] = r["npv_exact"];
      const std::optional<double> basis =
          r["money_basis"].is_string() ? annuity_of_basis(r["money_basis"].get<std::string>()) : std::nullopt;
      const double af = basis.value_or(0.0);
      const double one_off = r["one_off_cost"].is_number() ? r["one_off_cost"].get<double>() : 0.0;
      double key = nb;
      if (r["npv"].is_number()) {
        key = r["npv"].get<double>();
        if (!basis)
          throw InputError({path, line, 0}, "'money_basis' does not give the horizon and discount rate of the NPV");
        // The file holds the NPV but not its interval: the same transformation of the net
        // benefit's interval compare applies (annuity factor, less the one-off cost).
        const Interval npv_ci{af * ci.lo - one_off, af * ci.hi - one_off};
        e["npv_ci95"] = json::array({npv_ci.lo, npv_ci.hi});
        e["verdict"] = money_verdict(npv_ci);
        npv_interval_derived = true;
      } else {
        e["npv_ci95"] = nullptr;
        e["verdict"] = money_verdict(ci);
      }
      // With --assumptions, compare ranks by the mean over the assumptions.
      if (r["net_benefit_mean_under_assumptions"].is_number()) {
        const double mean = r["net_benefit_mean_under_assumptions"].get<double>();
        key = r["npv"].is_number() && basis ? af * mean - one_off : mean;
      }
      money_key.back() = key;
      v["economics"] = std::move(e);
    }
    variants.push_back(std::move(v));
  }
  std::vector<std::size_t> order(variants.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (has_money[a] && has_money[b]) return money_key[a] > money_key[b];
    return change[a] < change[b];
  });
  for (std::size_t rank = 0; rank < order.size(); ++rank) variants[order[rank]]["rank"] = rank + 1;
  return variants;
}

// Where a scenario the batch ran is now: the recorded path read from the results file's folder,
// then from here; the first whose SHA-256 is the batch's. `changed`: a file found that is not
// the one the batch ran.
struct FoundScenario {
  std::optional<std::string> path;
  std::string changed;  // the file found, when it differs
  std::string why;      // why it differs or cannot be read
};
FoundScenario find_batch_scenario(const std::string& recorded, const std::string& expected_sha,
                                  const std::string& results) {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates;
  if (fs::path(recorded).is_relative())
    candidates.push_back((fs::path(results).parent_path() / recorded).lexically_normal().string());
  candidates.push_back(recorded);
  FoundScenario found;
  std::vector<std::string> seen;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(c, ec)) continue;
    const std::string canonical = fs::weakly_canonical(c, ec).string();
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    try {
      Diagnostics quiet;
      const Scenario sc = parse_scenario(c, quiet);
      const std::string sha = sha256_of_files(sc.inputs);
      if (sha == expected_sha) {
        found.path = c;
        return found;
      }
      if (found.changed.empty()) {
        found.changed = c;
        found.why = "its SHA-256 (of the YAML file and the tables it names) begins " + sha.substr(0, 12) + " now, " +
                    expected_sha.substr(0, 12) + " when the batch ran it";
      }
    } catch (const InputError& e) {
      if (found.changed.empty()) {
        found.changed = c;
        found.why = "it no longer loads (" +
                    (e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().to_string()) + ")";
      }
    } catch (const std::exception& e) {
      if (found.changed.empty()) {
        found.changed = c;
        found.why = std::string("it cannot be read (") + e.what() + ")";
      }
    }
  }
  return found;
}

// "customers=N;seed=S;assumptions=X" as the options of `cxsim batch`.
std::string batch_options_words(const std::string& settings) {
  std::string words;
  std::stringstream ss(settings);
  for (std::string item; std::getline(ss, item, ';');) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "assumptions")
      words += " --assumptions" + (value == "scenario" ? std::string() : " " + shell_quote(value));
    else if (value != "scenario")
      words += " --" + key + " " + shell_quote(value);
  }
  return words;
}

// A figure of the section against the batch's: equal to the digits the file holds.
bool same_figure(double section, double batch) {
  return std::fabs(section - batch) <= 1e-12 + 1e-9 * std::fabs(batch);
}

// A batch's results file checked whole before anything is run or written: a cxsim batch, cut
// nowhere, each scenario once with its baseline first, one batch's settings, and not a lone shard
// (InputError or UsageError if not). What a page needs to say of it besides its rows.
struct BatchShape {
  std::size_t rows = 0;
  std::uint64_t shard_count = 0;
  std::vector<std::string> warnings;  // for the page; each also said on standard error
};

BatchShape check_batch_file(const std::string& path, BatchFormat format, const BatchFile& file) {
  namespace fs = std::filesystem;
  BatchShape shape;
  for (const auto& g : file.groups) shape.rows += g.rows.size();
  const std::size_t first_row_line = format == BatchFormat::csv ? 2 : 1;
  if (file.no_whole_line) {
    std::error_code ec;
    throw InputError({path, 1, 0}, fs::file_size(path, ec) == 0
                                       ? "the file is empty, not the results of a cxsim batch"
                                       : "the file ends inside the header of a cxsim batch: a batch stopped before "
                                         "any result; it holds nothing to report");
  }
  if (file.partial_last_line)
    throw InputError({path, first_row_line + shape.rows, 0},
                     "the file ends part-way through this line (a batch stopped while writing it, or the file was "
                     "cut short); finish the batch first (the same `cxsim batch` command with --resume), then make "
                     "its page");
  if (file.groups.empty())
    throw UsageError("'" + path + "' holds the header of a cxsim batch but no rows: there is nothing to report");
  std::map<std::string, std::size_t> seen;  // scenario file -> its first line
  std::set<std::uint64_t> shard_indices;
  for (const auto& g : file.groups) {
    const std::size_t line = g.row_lines.front();
    const BatchGroup& first = file.groups.front();
    if (g.options != first.options)
      throw InputError({path, line, 0}, "this row was run with " + settings_words(g.options) + " but line " +
                                            std::to_string(first.row_lines.front()) + " with " +
                                            settings_words(first.options) +
                                            ": rows of two batches, and one page shows one batch");
    const auto [it, fresh] = seen.emplace(g.scenario_file, line);
    if (!fresh)
      throw InputError({path, line, 0}, "scenario '" + g.scenario_file + "' has rows here and from line " +
                                            std::to_string(it->second) +
                                            "; a batch writes each scenario once (is this two files joined?)");
    for (std::size_t a = 0; a < g.variants.size(); ++a)
      for (std::size_t b = 0; b < a; ++b)
        if (g.variants[a] == g.variants[b])
          throw InputError({path, g.row_lines[a], 0}, "scenario '" + g.scenario_file + "' has a row of '" +
                                                          g.variants[a] + "' here and at line " +
                                                          std::to_string(g.row_lines[b]) +
                                                          "; a batch writes each scenario once (is this two files "
                                                          "joined?)");
    if (g.variants.front() != "baseline")
      throw InputError({path, line, 0}, "the rows of scenario '" + g.scenario_file + "' start with variant '" +
                                            g.variants.front() + "'; a batch writes the baseline first");
    const auto slash = g.shard.find('/');
    std::string why;
    const auto i = parse_count(g.shard.substr(0, slash == std::string::npos ? 0 : slash), why);
    const auto n = parse_count(slash == std::string::npos ? "" : g.shard.substr(slash + 1), why);
    if (!i || !n || *i < 1 || *i > *n) throw InputError({path, line, 0}, "the shard '" + g.shard + "' is not I/N");
    if (shape.shard_count && *n != shape.shard_count)
      throw InputError({path, line, 0}, "this row is of shard " + g.shard + " but line " +
                                            std::to_string(first.row_lines.front()) + " of shard " + first.shard +
                                            ": parts of different batches");
    shape.shard_count = *n;
    shard_indices.insert(*i);
  }
  if (shape.shard_count > 1 && shard_indices.size() == 1)
    throw UsageError("'" + path + "' holds only shard " + file.groups.front().shard +
                     " of a batch; merge every shard first (cxsim batch --merge OUT PARTS...), then make the page of "
                     "the merged file");
  if (shard_indices.size() < shape.shard_count) {
    std::string missing;
    for (std::uint64_t i = 1; i <= shape.shard_count; ++i)
      if (!shard_indices.count(i))
        missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(shape.shard_count);
    shape.warnings.push_back("The batch was run in " + std::to_string(shape.shard_count) +
                             " shards, and this file holds no row of " + missing +
                             ": either every scenario of those shards failed, or the file is not a whole merge (cxsim "
                             "batch --merge refuses missing shards). Journeys may be missing from this page.");
    std::cerr << "cxsim: report: warning: " << shape.warnings.back() << '\n';
  }

  return shape;
}

int run_report_batch(const ReportOptions& o) {
  using json = nlohmann::ordered_json;
  namespace fs = std::filesystem;
  const std::string& path = *o.batch;
  if (!o.scenarios.empty())
    throw UsageError(
        "--batch makes the page of a batch's results; name no scenario files with it (the page's "
        "journeys are those the batch ran)");
  if (o.segment || !o.variants.empty())
    throw UsageError(
        "--segment and --variant are for the report of one scenario; a batch's page shows every redesign of each "
        "scenario");
  if (o.seed)
    throw UsageError(
        "--seed does not go with --batch: each journey's sections use the seed the batch recorded for it, "
        "so they show the batch's figures");
  const std::uint64_t customers_override = o.customers ? customers_option(o.customers, 0) : 0;

  // ---- the results file, checked whole before anything is run or written ----
  const BatchFormat format = batch_format_of(path);
  const BatchFile file = read_batch_file(path, format, true);
  BatchShape shape = check_batch_file(path, format, file);
  const std::size_t rows = shape.rows;
  const std::uint64_t shard_count = shape.shard_count;
  std::vector<std::string> warnings = std::move(shape.warnings);

  // ---- the scenarios the batch ran, found again ----
  const std::string options = file.groups.front().options;
  std::optional<std::string> assumptions;
  {
    std::stringstream ss(options);
    for (std::string item; std::getline(ss, item, ';');)
      if (item.rfind("assumptions=", 0) == 0) assumptions = item.substr(12) == "scenario" ? "" : item.substr(12);
  }
  std::vector<FoundScenario> found;
  std::vector<std::string> inputs{path};
  for (const auto& g : file.groups) {
    found.push_back(find_batch_scenario(g.scenario_file, g.sha256, path));
    if (found.back().path) {
      Diagnostics quiet;
      const Scenario sc = parse_scenario(*found.back().path, quiet);
      inputs.insert(inputs.end(), sc.inputs.begin(), sc.inputs.end());
    }
  }
  // Opened (and so checked: never one of the inputs) before anything is run.
  const auto out = open_output(o.out, inputs);

  PortfolioInput portfolio;
  bool npv_derived = false;
  std::string batch_files;
  for (std::size_t k = 0; k < file.groups.size(); ++k) {
    const BatchGroup& g = file.groups[k];
    const json& base = g.rows.front();
    PortfolioJourney j;
    j.title = base["scenario"].get<std::string>();
    j.exact = base["exact_defection_rate"].is_number();
    j.defection_rate = j.exact ? base["exact_defection_rate"].get<double>()
                               : batch_number(base, "defection_rate", path, g.row_lines.front());
    j.currency = base["currency"].is_string() ? base["currency"].get<std::string>() : "";
    j.variants = batch_decisions(g, path, npv_derived);
    batch_files += " " + shell_quote(relative_to_output(found[k].path ? *found[k].path : g.scenario_file, o.out));
    if (!found[k].path) {
      // Said on standard error with the paths as found, on the page relative to the page.
      const auto problem = [&](const std::string& named) {
        return found[k].changed.empty()
                   ? "The scenario file '" + named +
                         "' the batch ran is gone (looked for from the results file's folder and from the current "
                         "folder): no sections for '" +
                         j.title + "', only its rows in the table."
                   : "The scenario file '" + named + "' has changed since the batch ran it: " + found[k].why +
                         ". Its sections are left out, so that the page does not mix two versions of '" + j.title +
                         "'; the table shows the batch's figures. Run the batch again with --resume to bring it up "
                         "to date.";
      };
      const std::string named = found[k].changed.empty() ? g.scenario_file : found[k].changed;
      std::cerr << "cxsim: report: warning: " << problem(named) << '\n';
      j.problems.push_back(problem(relative_to_output(named, o.out)));
      j.note = found[k].changed.empty() ? "no sections: its scenario file is gone"
                                        : "no sections: its scenario file has changed since the batch";
      warnings.push_back(j.problems.back());
      portfolio.journeys.push_back(std::move(j));
      continue;
    }
    std::cerr << "cxsim: report: " << *found[k].path << '\n';
    ReportOptions section = o;
    section.seed = std::to_string(g.seed);
    section.customers = o.customers ? *o.customers : std::to_string(g.customers);
    HtmlReportInput page = report_page(
        section, *found[k].path, [](const Scenario&) {}, assumptions);
    // The section walks the batch's customers with its seed: its figures must be the file's.
    if (!o.customers) {
      std::string differs;
      const double rate = page.run["defection_rate"].get<double>();
      if (!same_figure(rate, batch_number(base, "defection_rate", path, g.row_lines.front())))
        differs = "the baseline's simulated defection rate";
      if (page.comparison)
        for (const auto& v : (*page.comparison)["variants"])
          for (std::size_t r = 1; r < g.rows.size() && differs.empty(); ++r)
            if (g.rows[r]["variant"] == v["name"] && g.rows[r]["difference_vs_baseline"].is_number() &&
                !same_figure(v["difference"].get<double>(), g.rows[r]["difference_vs_baseline"].get<double>()))
              differs = "the change of '" + v["name"].get<std::string>() + "'";
      if (!differs.empty()) {
        const std::string problem = "The sections of '" + j.title +
                                    "' were simulated again with the batch's seed and customers but " + differs +
                                    " is not the batch's: the batch was made by another version of cxsim or with "
                                    "other options. The table shows the batch's figures.";
        std::cerr << "cxsim: report: warning: " << problem << '\n';
        j.note = "its sections do not reproduce the batch's figures (see above)";
        warnings.push_back(problem);
      }
    }
    const PortfolioJourney own = portfolio_journey(page);
    j.where = own.where;
    if (page.economics)
      j.value_at_stake = j.defection_rate * (*page.economics)["customers_per_year"].get<double>() *
                         (*page.economics)["value_per_customer"].get<double>();
    for (auto& v : j.variants)
      for (const auto& d : own.variants)
        if (d["name"] == v["name"]) v["description"] = d["description"];
    j.section = portfolio.scenarios.size();
    portfolio.scenarios.push_back(std::move(page));
    portfolio.journeys.push_back(std::move(j));
  }
  if (o.customers) {
    warnings.push_back("The sections below the table were simulated again with " +
                       grouped_text(static_cast<double>(customers_override)) +
                       " customers (--customers), not the batch's, so their simulated figures differ from the "
                       "table's by simulation noise; the table shows the batch's figures.");
    std::cerr << "cxsim: report: warning: " << warnings.back() << '\n';
  }

  const std::string results = relative_to_output(path, o.out);
  const std::string digest = sha256_of_files({path});
  portfolio.warnings = warnings;
  portfolio.source = "The figures of this table are the batch's own, read from '" + results + "' (SHA-256 " + digest +
                     "; " + std::to_string(file.groups.size()) + " scenario" + (file.groups.size() == 1 ? "" : "s") +
                     ", " + std::to_string(rows) + " rows, run with " + settings_words(options) +
                     (shard_count > 1 ? " in " + std::to_string(shard_count) + " shards" : std::string()) +
                     "); nothing in it was simulated again. The verdicts and the order are compare's rules applied "
                     "to them: defections by the adjusted p-value at 5%, money by whether the whole 95% interval is "
                     "above zero" +
                     (npv_derived ? "; an NPV's interval is the net benefit's interval over the horizon and discount "
                                    "rate of the file's money_basis, less the one-off cost"
                                  : std::string()) +
                     ".";
  portfolio.command = "cxsim report --batch " + shell_quote(results) +
                      (o.customers ? " --customers " + std::to_string(customers_override) : std::string()) + " --out " +
                      shell_quote(fs::path(o.out).filename().generic_string());
  portfolio.batch_command =
      "cxsim batch" + batch_files + batch_options_words(options) +
      (format == BatchFormat::jsonl ? " --format json" : "") + " --out " + shell_quote(results) +
      (shard_count > 1 ? "  # run as " + std::to_string(shard_count) + " shards (--shard I/" +
                             std::to_string(shard_count) + "), then joined with cxsim batch --merge"
                       : std::string());
  // The rows as read, each scenario file named relative to the page as everywhere on it.
  json rows_json = json::array();
  for (std::size_t k = 0; k < file.groups.size(); ++k)
    for (json r : file.groups[k].rows) {
      r["scenario_file"] = relative_to_output(found[k].path ? *found[k].path : file.groups[k].scenario_file, o.out);
      rows_json.push_back(std::move(r));
    }
  portfolio.batch_rows = json{{"file", results}, {"sha256", digest}, {"rows", std::move(rows_json)}};
  portfolio.version = "cxsim " CXSIM_VERSION;
  portfolio.date = utc_now();
  emit(out, html_portfolio(portfolio));
  std::cerr << "cxsim: report written to " << o.out << '\n';
  return 0;
}

}  // namespace

int run_report(const ReportOptions& o) {
  if (o.out.empty()) throw UsageError("report needs --out FILE.html");
  if (o.batch) return run_report_batch(o);
  if (o.scenarios.empty()) throw UsageError("report needs a scenario, several, or --batch RESULTS");
  std::unique_ptr<OutputFile> out;
  if (o.scenarios.size() == 1) {
    const HtmlReportInput page =
        report_page(o, o.scenarios.front(), [&](const Scenario& sc) { out = open_output(o.out, sc.inputs); });
    emit(out, html_report(page));
  } else {
    if (o.segment || !o.variants.empty())
      throw UsageError(
          "--segment and --variant are for the report of one scenario; a portfolio compares every "
          "redesign of each scenario");
    PortfolioInput portfolio;
    std::vector<std::string> inputs;
    for (const auto& path : o.scenarios) {
      std::cerr << "cxsim: report: " << path << '\n';
      portfolio.scenarios.push_back(report_page(
          o, path, [&](const Scenario& sc) { inputs.insert(inputs.end(), sc.inputs.begin(), sc.inputs.end()); }));
    }
    out = open_output(o.out, inputs);
    const std::optional<std::uint64_t> seed =
        o.seed ? std::optional<std::uint64_t>(count_option(o.seed, "--seed", 0, 0)) : std::nullopt;
    const std::optional<std::uint64_t> customers =
        o.customers ? std::optional<std::uint64_t>(customers_option(o.customers, 0)) : std::nullopt;
    portfolio.command = reproduce_portfolio_command(o.scenarios, o.out, seed, customers);
    portfolio.version = "cxsim " CXSIM_VERSION;
    portfolio.date = utc_now();
    emit(out, html_portfolio(portfolio));
  }
  std::cerr << "cxsim: report written to " << o.out << '\n';
  return 0;
}

int run_import_paths(const ImportPathsOptions& o) {
  if (o.out.empty()) throw UsageError("import-paths needs --out DIR, the folder for scenario.yaml and its tables");
  PathImportSettings settings;
  settings.min_count = count_option(o.min_count, "--min-count", settings.min_count, 1);
  settings.left_to_friction = o.left_to_friction;
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(o.out).lexically_normal();
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw UsageError("--out '" + o.out + "' is not a folder");
  for (const char* f :
       {"scenario.yaml", "touchpoints.csv", "transitions.csv", "observed.yaml", "observed_touchpoints.csv"})
    if (fs::exists(fs::symlink_status(dir / f, ec)))
      throw UsageError("'" + (dir / f).string() +
                       "' already exists; import into a new folder so nothing is overwritten");
  Diagnostics diag;
  const ImportedPaths imported = import_paths(o.paths, settings, diag);
  if (diag.has_errors()) throw InputError(diag.sorted());
  // All three files or none: written and checked in a private folder beside DIR, then moved in.
  fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  if (dir.filename().empty() || dir.filename() == "." || dir.filename() == "..") parent = dir;
  if (!fs::is_directory(parent, ec))
    throw UsageError("cannot import into '" + o.out + "': folder '" + parent.string() + "' does not exist");
  StagingFolder staged(parent.string(), dir.filename().empty() || parent == dir ? "import" : dir.filename().string());
  staged.write("touchpoints.csv", imported.touchpoints_csv);
  staged.write("transitions.csv", imported.transitions_csv);
  const std::string yaml = staged.write("scenario.yaml", imported.scenario_yaml);
  std::string observed;
  if (!imported.observed_yaml.empty()) {
    staged.write("observed_touchpoints.csv", imported.observed_csv);
    observed = staged.write("observed.yaml", imported.observed_yaml);
  }
  // The written scenario (and counts) must load: anything else is a bug here, not in the data.
  const CheckedScenario check = check_scenario(yaml);
  if (check.diagnostics.has_errors()) {
    for (const auto& d : check.diagnostics.sorted()) std::cerr << d.to_string() << '\n';
    throw std::runtime_error("the imported scenario does not load; please report this with the paths file");
  }
  if (!observed.empty()) {
    const ScenarioModel m = checked_model(check.scenario, nullptr);
    Diagnostics counts;
    load_observed(observed, m.journey, m.population, counts);
    if (counts.has_errors()) {
      for (const auto& d : counts.sorted()) std::cerr << d.to_string() << '\n';
      throw std::runtime_error("the observed counts of the import do not load; please report this with the paths file");
    }
  }
  staged.move_into(dir.string());
  std::cout << "imported " << imported.customers << " customers, " << imported.visits << " visits, "
            << imported.touchpoints << " touchpoints, " << imported.transitions << " transitions into "
            << (dir / "scenario.yaml").string() << '\n';
  if (!observed.empty())
    std::cout << "the same paths as observed counts, for calibrate: " << (dir / "observed.yaml").string() << '\n';
  for (const auto& f : imported.fallbacks) std::cout << "  " << f << '\n';
  if (o.left_to_friction) {
    const std::uint64_t left = imported.endings[1] + imported.endings[2];
    if (left > 0)
      std::cerr << "cxsim: note: " << left << " customers abandoned or churned silently in the paths; that is left to "
                << "friction, which is neutral until fitted: calibrate the journey to "
                << (dir / "observed.yaml").string() << " before reading defection figures off it.\n";
  } else if (const std::uint64_t churned = imported.endings[1]; churned > 0) {
    // Silent churn is a defection in the model, but the imported journey has no friction yet to
    // produce it: these customers end at a retained ending, and every figure says so.
    const auto share = [&](std::uint64_t n) {
      return formatted("%.1f%%", 100.0 * static_cast<double>(n) / static_cast<double>(imported.customers));
    };
    std::cerr << "cxsim: warning: " << churned << " customers (" << share(churned)
              << ") churned silently in the paths, but the imported journey ends them at 'ended_churned', a retained "
                 "ending: its defection rate is "
              << share(imported.endings[2] + imported.endings[3]) << " where the paths show "
              << share(churned + imported.endings[2] + imported.endings[3])
              << ". Fit silent churn with `cxsim calibrate` before reading defection figures off this journey.\n";
  }
  return 0;
}

int run_studio(const StudioCommandOptions& o) {
  std::string why;
  const auto port = parse_count(o.port, why);
  if (!port || *port > 65535)
    throw UsageError("--port must be a port number from 0 to 65535 (0: any free port), not '" + one_line(o.port) + "'");
  StudioOptions studio;
  studio.scenario = o.scenario;
  studio.port = static_cast<std::uint16_t>(*port);
  studio.open_browser = !o.no_browser;
  return serve_studio(studio);
}

int run_new(const NewOptions& o) {
  namespace fs = std::filesystem;
  const std::vector<std::string> templates = starter_template_names();
  if (std::find(templates.begin(), templates.end(), o.template_name) == templates.end())
    throw UsageError(unknown_name("template", o.template_name, templates) + "; templates: " + name_list(templates));
  if (o.dir.empty()) throw UsageError("new needs a folder to write the starter journey into");
  const fs::path dir = fs::path(o.dir).lexically_normal();
  std::error_code ec;
  // A designer's files are never overwritten: only a new folder, or an empty one, is filled.
  if (fs::exists(fs::symlink_status(dir, ec))) {
    if (!fs::is_directory(dir, ec)) throw UsageError("'" + o.dir + "' exists and is not a folder; name a new folder");
    if (!fs::is_empty(dir, ec))
      throw UsageError("'" + o.dir + "' already exists and is not empty; name a new folder so nothing is overwritten");
  }
  fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  if (dir.filename().empty() || dir.filename() == "." || dir.filename() == "..") parent = dir;
  if (!fs::is_directory(parent, ec))
    throw UsageError("cannot write into '" + o.dir + "': folder '" + parent.string() + "' does not exist");
  // All three files or none: written and checked in a private folder beside DIR, then moved in.
  StagingFolder staged(parent.string(), dir.filename().empty() || parent == dir ? "new" : dir.filename().string());
  std::string yaml;
  for (const auto& f : starter_files())
    if (f.template_name == o.template_name) {
      const std::string written = staged.write(std::string(f.file_name), std::string(f.text));
      if (f.file_name == "scenario.yaml") yaml = written;
    }
  // The starter must load: anything else is a bug in the template, not the designer's doing.
  const CheckedScenario check = check_scenario(yaml);
  if (check.diagnostics.has_errors()) {
    for (const auto& d : check.diagnostics.sorted()) std::cerr << d.to_string() << '\n';
    throw std::runtime_error("the '" + o.template_name + "' template does not load; please report this");
  }
  staged.move_into(dir.string());
  const std::string scenario = shell_quote((dir / "scenario.yaml").string());
  std::cout << "wrote a " << o.template_name << " journey into " << dir.string()
            << ": scenario.yaml, touchpoints.csv, transitions.csv\n"
            << "every number has a comment saying what it means; change them to yours, then:\n"
            << "  cxsim check " << scenario << "    # read back, with what the walk-away odds become\n"
            << "  cxsim run " << scenario << "      # how many customers are lost, where and why\n"
            << "  cxsim compare " << scenario << "  # the example redesign against the journey as it is\n"
            << "  cxsim report " << scenario << " --out " << shell_quote((dir / "report.html").string())
            << "  # one HTML page for everyone\n";
  return 0;
}

// calibrate --defection-rate R: one factor on every sensitivity meets a known headline.
int run_headline_fit(const CalibrateOptions& o, Format format) {
  std::string why;
  const auto target = parse_real(*o.defection_rate, why);
  if (!target) throw UsageError("--defection-rate " + *o.defection_rate + ": " + why);
  check_headline_target(*target, "--defection-rate");
  LoadedScenario loaded = load_scenario(o.scenario, "");
  print_warnings(loaded.warnings);
  refuse_if_too_large_to_fit(loaded.model.journey);
  OutputFile out(o.out, loaded.scenario.inputs);
  HeadlineStudy study;
  try {
    study = headline_study(loaded.scenario, loaded.model, o.scenario, *target);
  } catch (const std::domain_error& e) {
    throw std::runtime_error(std::string(e.what()) + "; nothing was written to '" + o.out + "'");
  }
  write_checked_scenario(out, study.fitted_yaml);
  const HeadlineFit& fit = study.fit;
  if (format == Format::json) {
    std::cout << study.to_json(o.out).dump(2) << '\n';
  } else {
    std::cout << formatted(
                     "Every sensitivity of every segment times %.6g: defection rate %.4f%% -> %.4f%% (target %.4f%%; "
                     "any factor reaches %.4f%% to %.4f%%)\n",
                     fit.factor, 100.0 * fit.defection_rate_before, 100.0 * fit.defection_rate_after, 100.0 * *target,
                     100.0 * fit.lowest, 100.0 * fit.highest)
              << "fitted scenario written to " << o.out << '\n';
  }
  for (const auto& v : study.unscaled_variants)
    std::cerr << "cxsim: warning: variant '" << v << "' sets sensitivities of its own; they were not scaled\n";
  return 0;
}

// The options wired into a CalibrationRequest; the fit itself is analysis/calibration_study.
int run_calibrate(const CalibrateOptions& o) {
  Format format = format_option(o.format);
  if (format == Format::csv)
    throw UsageError("--format must be table or json for calibrate (the report is not one table)");
  const std::uint64_t threads = threads_option(o.threads);
  if (o.out.empty()) throw UsageError("calibrate needs --out FITTED.yaml, the file to write the fitted scenario to");
  if (o.defection_rate) {
    if (!o.observed.empty() || !o.fit.empty())
      throw UsageError("--defection-rate fits one factor on every sensitivity; it takes no --observed or --fit");
    return run_headline_fit(o, format);
  }
  if (o.observed.empty() || o.fit.empty())
    throw UsageError("calibrate needs --observed OBSERVED.yaml and --fit PARAMETER (or --defection-rate RATE)");
  CalibrationRequest request;
  request.scenario_file = o.scenario;
  request.observed = o.observed;
  request.holdout = o.holdout;
  request.fit = o.fit;
  request.settings.starts =
      static_cast<int>(count_option(o.starts, "--starts", static_cast<std::uint64_t>(request.settings.starts), 1, 64));
  request.settings.seed = count_option(o.seed, "--seed", request.settings.seed, 0);
  request.settings.max_evaluations =
      static_cast<int>(count_option(o.max_evaluations, "--max-evaluations",
                                    static_cast<std::uint64_t>(request.settings.max_evaluations), 1, 100'000));
  request.settings.progress = [](const std::string& line) { std::cerr << "cxsim: calibrate: " << line << "\n"; };
  request.threads = threads;
  request.accept_poor_fit = o.accept_poor_fit;
  LoadedScenario loaded = load_scenario(o.scenario, "");
  print_warnings(loaded.warnings);
  const CalibrationInputs inputs = read_calibration_inputs(loaded.scenario, loaded.model, request);
  print_warnings(inputs.warnings);
  OutputFile out(o.out, inputs.files);
  const CalibrationStudy study = calibration_study(loaded.scenario, loaded.model, inputs, request);
  // Refused: the report (its residuals show where), the reason, and nothing written.
  if (study.refusal) {
    std::cout << format_calibration(study.report(""), format) << std::flush;
    throw std::runtime_error(*study.refusal + "; nothing was written to '" + o.out + "'");
  }
  write_checked_scenario(out, study.fitted_yaml);
  std::cout << format_calibration(study.report(o.out), format) << std::flush;
  for (const auto& w : study.result.warnings) std::cerr << "cxsim: warning: " << one_line(w) << '\n';
  return 0;
}

}  // namespace cxsim
