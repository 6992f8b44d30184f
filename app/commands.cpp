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
#include "analysis/batch_study.hpp"
#include "analysis/compare_study.hpp"
#include "analysis/import_study.hpp"
#include "analysis/report_study.hpp"
#include "analysis/run_study.hpp"
#include "analysis/sensitivity_study.hpp"
#include "analysis/sweep_study.hpp"
#include "analysis/threads.hpp"
#include "analysis/validation_study.hpp"
#include "app/processes.hpp"
#include "app/progress.hpp"
#include "io/csv_escape.hpp"
#include "io/output_file.hpp"
#include "io/batch.hpp"
#include "io/assumptions.hpp"
#include "io/comparison.hpp"
#include "io/diagnostics.hpp"
#include "io/dot_writer.hpp"
#include "io/number.hpp"
#include "io/report.hpp"
#include "io/graphviz_svg.hpp"
#include "io/html_report.hpp"
#include "io/report_context.hpp"
#include "io/path_import.hpp"
#include "io/staging_folder.hpp"
#include "io/starter_templates.hpp"
#include "io/calibration_report.hpp"
#include "io/observed_loader.hpp"
#include "io/names.hpp"
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

}  // namespace

int run_batch(const BatchOptions& o) {
  if (o.format != "csv" && o.format != "json") throw UsageError("--format must be csv or json");
  const BatchFormat format = o.format == "csv" ? BatchFormat::csv : BatchFormat::jsonl;
  const Say say = [](const std::string& line) { std::cerr << line << '\n'; };
  if (o.merge) {
    merge_batch_files(o.paths, *o.merge, format, say);
    return 0;
  }
  if (o.out.empty()) throw UsageError("batch needs --out FILE for its results");
  if (o.paths.empty()) throw UsageError("batch needs scenario files or folders");
  BatchRequest request;
  request.paths = o.paths;
  request.out = o.out;
  request.format = format;
  request.resume = o.resume;
  request.walk.threads = threads_option(o.threads);
  // Parsed here so a bad value is a usage error before anything runs.
  if (o.customers) request.walk.customers = customers_option(o.customers, 0);
  if (o.seed) request.walk.seed = count_option(o.seed, "--seed", 0, 0);
  request.assumptions = o.assumptions;
  if (o.shard) std::tie(request.shard, request.shards) = shard_option(*o.shard);
  const BatchSummary done = batch_study(request, say);
  std::cerr << "cxsim: " << done.ran << " scenario" << (done.ran == 1 ? "" : "s") << " run, " << done.kept << " kept, "
            << done.failed << " failed; results in " << o.out << '\n';
  return done.failed > 0 ? 1 : 0;
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
  const Format format = format_option(o.format);
  WalkRequest walk;
  walk.threads = threads_option(o.threads);
  if (o.seed) walk.seed = count_option(o.seed, "--seed", 0, 0);
  if (o.customers) walk.customers = customers_option(o.customers, 0, validation_min_customers);
  LoadedScenario loaded = load_scenario(o.scenario, o.variant);
  print_warnings(loaded.warnings);
  const Validation v = validation_study(loaded.scenario, loaded.model, walk);
  std::cout << format_validation(v, format);
  return v.agrees() ? 0 : 1;
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

int run_report(const ReportOptions& o) {
  if (o.out.empty()) throw UsageError("report needs --out FILE.html");
  const Say say = [](const std::string& line) { std::cerr << line << '\n'; };
  std::unique_ptr<OutputFile> out;
  if (o.batch) {
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
    BatchReportRequest request;
    request.results = *o.batch;
    if (o.customers) request.customers = customers_option(o.customers, 0);
    request.threads = threads_option(o.threads);
    request.out = o.out;
    // Opened (and so checked: never one of the inputs) before anything is run.
    request.on_checked = [&](const std::vector<std::string>& inputs) { out = open_output(o.out, inputs); };
    emit(out, html_portfolio(batch_report_study(request, say)));
    std::cerr << "cxsim: report written to " << o.out << '\n';
    return 0;
  }
  if (o.scenarios.empty()) throw UsageError("report needs a scenario, several, or --batch RESULTS");
  ReportRequest request;
  request.variants = o.variants;
  request.segment = o.segment;
  if (o.customers) request.customers = customers_option(o.customers, 0);
  if (o.seed) request.seed = count_option(o.seed, "--seed", 0, 0);
  request.threads = threads_option(o.threads);
  request.out = o.out;
  if (o.scenarios.size() == 1) {
    request.scenario_file = o.scenarios.front();
    request.on_loaded = [&](const Scenario& sc) { out = open_output(o.out, sc.inputs); };
    emit(out, html_report(report_study(request, say)));
  } else {
    if (o.segment || !o.variants.empty())
      throw UsageError(
          "--segment and --variant are for the report of one scenario; a portfolio compares every "
          "redesign of each scenario");
    PortfolioInput portfolio;
    std::vector<std::string> inputs;
    request.on_loaded = [&](const Scenario& sc) { inputs.insert(inputs.end(), sc.inputs.begin(), sc.inputs.end()); };
    for (const auto& path : o.scenarios) {
      std::cerr << "cxsim: report: " << path << '\n';
      request.scenario_file = path;
      portfolio.scenarios.push_back(report_study(request, say));
    }
    out = open_output(o.out, inputs);
    portfolio.command = reproduce_portfolio_command(o.scenarios, o.out, request.seed, request.customers);
    portfolio.version = "cxsim " CXSIM_VERSION;
    portfolio.date = utc_now();
    emit(out, html_portfolio(portfolio));
  }
  std::cerr << "cxsim: report written to " << o.out << '\n';
  return 0;
}

int run_import_paths(const ImportPathsOptions& o) {
  if (o.out.empty()) throw UsageError("import-paths needs --out DIR, the folder for scenario.yaml and its tables");
  ImportRequest request;
  request.paths_file = o.paths;
  request.out = o.out;
  request.settings.min_count = count_option(o.min_count, "--min-count", request.settings.min_count, 1);
  request.settings.left_to_friction = o.left_to_friction;
  const ImportStudy study = import_study(request);
  const ImportedPaths& imported = study.imported;
  std::cout << "imported " << imported.customers << " customers, " << imported.visits << " visits, "
            << imported.touchpoints << " touchpoints, " << imported.transitions << " transitions into "
            << study.scenario_file << '\n';
  if (study.observed_file)
    std::cout << "the same paths as observed counts, for calibrate: " << *study.observed_file << '\n';
  for (const auto& f : imported.fallbacks) std::cout << "  " << f << '\n';
  for (const auto& n : study.notes) std::cerr << "cxsim: note: " << n << '\n';
  print_study_warnings(study.warnings);
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
  } else if (format == Format::csv) {
    // The one fitted number: the factor on every sensitivity, unbounded above, with no interval.
    std::cout << calibration_csv_header() << csv_escape(study.scenario) << ",sensitivity factor,1,"
              << table_number(fit.factor) << ",,,,0,,false\n";
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
  const Format format = format_option(o.format);
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
