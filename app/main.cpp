// cxsim: the command line. Parses options into the per-command structs and maps errors to exit
// codes: 0 success, 1 failure while running, 2 bad input or usage.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "app/commands.hpp"
#include "app/processes.hpp"
#include "io/diagnostics.hpp"
#include "io/names.hpp"
#include "io/output_file.hpp"
#include "sim/exact_solver.hpp"

namespace {

void add_output(CLI::App* cmd, cxsim::OutputOptions& o) {
  cmd->add_option("--format", o.format, "table (default), json or csv");
  cmd->add_option("--out", o.out, "write to FILE (atomically) instead of standard output");
}

// What each option takes, shown in --help (INT, not TEXT): one table for every command. The
// values are still read by app/commands.cpp, which gives each bad value its own message.
void label_option_types(CLI::App& app) {
  static const std::vector<std::pair<std::vector<std::string>, std::string>> kinds{
      {{"--customers", "--seed", "--threads", "--max-steps", "--top", "--steps", "--starts", "--max-evaluations",
        "--min-count", "--trace", "--assumptions", "--port"},
       "INT"},
      {{"--precision", "--step", "--from", "--to", "--defection-rate"}, "NUMBER"},
      {{"--out", "--trace-out", "--observed", "--holdout", "--merge", "--batch", "scenario", "paths", "dir"}, "FILE"},
      {{"--variant", "--segment", "--touchpoint", "--attribute", "--template"}, "NAME"},
      {{"--fit"}, "PATTERN"},
      {{"--shard"}, "I/N"},
      {{"--format", "--adjust"}, "WORD"},
  };
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    for (auto* opt : sub->get_options()) {
      const std::string name = opt->get_name(false, true);
      for (const auto& [names, kind] : kinds)
        if (std::find(names.begin(), names.end(), name) != names.end()) opt->type_name(kind);
    }
}

// The options many commands share, each with one help text.
void add_scenario(CLI::App* cmd, std::string& scenario) {
  cmd->add_option("scenario", scenario, "scenario YAML file")->required();
}
template <class Variant>
void add_variant(CLI::App* cmd, Variant& variant) {
  if constexpr (std::is_same_v<Variant, std::string>)
    cmd->add_option("--variant", variant, "a redesign defined in the scenario (default: baseline)");
  else
    cmd->add_option("--variant", variant, "a redesign to compare (repeatable; default: every variant)");
}
void add_segment(CLI::App* cmd, std::optional<std::string>& segment) {
  cmd->add_option("--segment", segment,
                  "only this segment's customers walk: the figures of one persona (default: every segment)");
}
void add_seed(CLI::App* cmd, std::optional<std::string>& seed, const char* help = "random seed, 0..2^64-1") {
  cmd->add_option("--seed", seed, help);
}
void add_threads(CLI::App* cmd, std::optional<std::string>& threads) {
  cmd->add_option("--threads", threads, "worker threads; 0 (default) = all cores");
}
void add_max_steps(CLI::App* cmd, std::optional<std::string>& max_steps) {
  cmd->add_option("--max-steps", max_steps, "visits before a walk counts as unfinished");
}

// A command: its subcommand, and what runs it once its options are parsed.
struct Command {
  CLI::App* cli = nullptr;
  std::function<int()> run;
};

// Adds a command whose options fill an `Options` that lives as long as `commands`; `wire` binds
// them.
template <class Options, class Wire>
void add_command(CLI::App& app, std::vector<Command>& commands, const char* name, const char* help,
                 int (*run)(const Options&), Wire wire) {
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(name, help);
  wire(cmd, *options);
  commands.push_back({cmd, [options, run] { return run(*options); }});
}

void add_commands(CLI::App& app, std::vector<Command>& commands) {
  using namespace cxsim;
  add_command(app, commands, "check", "validate a scenario and report every problem", run_check,
              [](CLI::App* c, CheckOptions& o) { add_scenario(c, o.scenario); });

  add_command(app, commands, "run", "simulate customers walking the journey (Monte Carlo)", run_run,
              [](CLI::App* c, RunOptions& o) {
                add_scenario(c, o.scenario);
                add_variant(c, o.variant);
                add_segment(c, o.segment);
                c->add_option("--customers", o.customers, "customers to simulate (with --precision: at most)");
                add_seed(c, o.seed);
                add_threads(c, o.threads);
                c->add_option("--precision", o.precision,
                              "simulate until the 95% interval of the defection rate has at most this half-width");
                add_max_steps(c, o.max_steps);
                c->add_option("--trace", o.trace, "trace the walks of customers 0..N-1");
                c->add_option("--trace-out", o.trace_out, "CSV file for --trace");
                add_output(c, o.output);
              });

  add_command(app, commands, "exact", "compute the expected figures exactly, without sampling", run_exact,
              [](CLI::App* c, ExactOptions& o) {
                add_scenario(c, o.scenario);
                add_variant(c, o.variant);
                add_segment(c, o.segment);
                add_output(c, o.output);
              });

  add_command(app, commands, "validate", "run both engines and compare every figure (z-scores)", run_validate,
              [](CLI::App* c, ValidateOptions& o) {
                add_scenario(c, o.scenario);
                add_variant(c, o.variant);
                c->add_option("--customers", o.customers, "Monte Carlo customers");
                add_seed(c, o.seed, "random seed");
                add_threads(c, o.threads);
                c->add_option("--format", o.format, "table (default), json or csv");
              });

  add_command(
      app, commands, "compare",
      "a baseline against its redesigns, paired on common random numbers (or whole scenario files)", run_compare,
      [](CLI::App* c, CompareOptions& o) {
        c->add_option("scenario", o.scenarios,
                      "scenario YAML file; or several files, the first the baseline, each file an arm")
            ->required();
        add_variant(c, o.variants);
        c->add_option("--customers", o.customers, "customers walked through every arm (with --precision: at most)");
        add_seed(c, o.seed);
        add_threads(c, o.threads);
        c->add_option("--precision", o.precision,
                      "simulate until every difference's 95% half-width is at most this share "
                      "(0.001 = 0.1 percentage points)");
        add_max_steps(c, o.max_steps);
        c->add_option("--adjust", o.adjust,
                      "p-value adjustment for several redesigns: holm (default), bonferroni, none");
        c->add_option("--assumptions", o.assumptions,
                      "draw N sets of the scenario's assumptions and solve every arm exactly for each (default N "
                      "from the scenario)")
            ->expected(0, 1);
        add_output(c, o.output);
      });

  add_command(app, commands, "batch", "the baseline and every variant of many scenarios, one row each", run_batch,
              [](CLI::App* c, BatchOptions& o) {
                c->add_option("paths", o.paths,
                              "scenario files or folders (searched for *.yaml); with --merge, the files to merge")
                    ->required();
                c->add_option("--out", o.out, "results file (rows are appended and synced as they finish)");
                c->add_option("--customers", o.customers, "customers per scenario (default: each scenario's own)");
                add_seed(c, o.seed, "random seed (default: each scenario's own)");
                add_threads(c, o.threads);
                c->add_flag("--resume", o.resume,
                            "continue a batch: keep the rows of unchanged scenarios, run the rest");
                c->add_option("--shard", o.shard, "I/N: run only shard I of N (a stable split by path)");
                c->add_option("--merge", o.merge, "OUT: merge the shard files given as paths into OUT");
                c->add_option("--format", o.format, "csv (default) or json (JSON Lines)");
                c->add_option("--assumptions", o.assumptions,
                              "N draws of each scenario's assumptions block (default N from the block); rows gain "
                              "P(pays) and more")
                    ->expected(0, 1);
              });

  add_command(app, commands, "sensitivity", "what to fix first: exact derivatives, and the effect of each improvement",
              run_sensitivity, [](CLI::App* c, SensitivityOptions& o) {
                add_scenario(c, o.scenario);
                add_variant(c, o.variant);
                c->add_option("--step", o.step, "the improvement tried on each attribute (default 0.05)");
                c->add_option("--top", o.top, "how many candidates to re-solve exactly (default 20)");
                add_threads(c, o.threads);
                add_output(c, o.output);
              });

  add_command(app, commands, "sweep", "a response curve: the defection rate as one attribute moves over a range",
              run_sweep, [](CLI::App* c, SweepOptions& o) {
                add_scenario(c, o.scenario);
                add_variant(c, o.variant);
                c->add_option("--touchpoint", o.touchpoint, "the touchpoint whose attribute moves");
                c->add_option("--segment", o.segment, "or: the segment whose parameter moves");
                c->add_option("--attribute", o.attribute,
                              "reliability, relevance, value, trust or recovery (touchpoint); value_expectation, "
                              "reliability_sensitivity, relevance_sensitivity, value_sensitivity, effort_sensitivity "
                              "or silent_churn (segment)");
                c->add_option("--from", o.from, "first value (default 0)");
                c->add_option("--to", o.to, "last value (default 1)");
                c->add_option("--steps", o.steps, "number of points, both ends included (default 11)");
                c->add_option("--customers", o.customers,
                              "also estimate each point by Monte Carlo with this many customers");
                add_seed(c, o.seed, "random seed for the Monte Carlo estimates (the same at every point)");
                add_max_steps(c, o.max_steps);
                add_threads(c, o.threads);
                add_output(c, o.output);
              });

  add_command(app, commands, "dot", "write the journey as a Graphviz DOT graph, or drawn as SVG or PNG", run_dot,
              [](CLI::App* c, DotOptions& o) {
                add_scenario(c, o.scenario);
                add_variant(c, o.variant);
                add_segment(c, o.segment);
                c->add_option("--out", o.out, "write to FILE instead of standard output");
                c->add_option("--format", o.format,
                              "dot (the graph as text, default), svg or png (drawn by the Graphviz library)");
                c->add_flag("--heat", o.heat,
                            "colour touchpoints by the customers lost there and size arrows by flow (exact)");
              });

  add_command(app, commands, "import-paths", "a starting scenario from observed customer paths (PATHS.csv)",
              run_import_paths, [](CLI::App* c, ImportPathsOptions& o) {
                c->add_option("paths", o.paths, "CSV of visits: customer,step,touchpoint,ending[,segment][,failed]")
                    ->required();
                c->add_option("--out", o.out, "folder to write scenario.yaml, touchpoints.csv and transitions.csv into")
                    ->required();
                c->add_option("--min-count", o.min_count,
                              "segment routes seen fewer times use the route of all customers (default 30)");
                c->add_flag("--left-to-friction", o.left_to_friction,
                            "leave abandonment and silent churn to friction (for calibrate) and write the paths as "
                            "observed.yaml too");
              });

  add_command(
      app, commands, "calibrate",
      "fit touchpoint attributes and segment parameters to observed counts (maximum likelihood)", run_calibrate,
      [](CLI::App* c, CalibrateOptions& o) {
        add_scenario(c, o.scenario);
        c->add_option("--observed", o.observed, "OBSERVED.yaml: the counts to fit to");
        c->add_option("--fit", o.fit,
                      "what to fit (repeatable): TOUCHPOINT.ATTRIBUTE, *.ATTRIBUTE, segment:NAME.PARAMETER, "
                      "segment:*.PARAMETER");
        c->add_option("--defection-rate", o.defection_rate,
                      "instead of --observed and --fit: scale every sensitivity of every segment by one factor so "
                      "that the exact defection rate is this share (e.g. 0.3)");
        c->add_option("--holdout", o.holdout, "more observed counts, not used in the fit, to check it against");
        c->add_option("--starts", o.starts, "starting points, against local optima (default 4)");
        add_seed(c, o.seed, "seed of the random starting points (default 1)");
        c->add_option("--max-evaluations", o.max_evaluations,
                      "likelihood evaluations per start, 1 to 100,000 (default 400; hundreds of parameters may need "
                      "more)");
        add_threads(c, o.threads);
        c->add_option("--format", o.format,
                      "the report on standard output: table (default), json, or csv (the fitted numbers, a row each)");
        c->add_option("--out", o.out, "FITTED.yaml: the scenario with the fitted values")->required();
        c->add_flag("--accept-poor-fit", o.accept_poor_fit,
                    "write the fit even when its deviance is more than 10 times its degrees of freedom (p < 0.001)");
      });

  add_command(app, commands, "new", "write a commented starter journey to fill in (scenario.yaml and its two tables)",
              run_new, [](CLI::App* c, NewOptions& o) {
                c->add_option("dir", o.dir, "a new (or empty) folder for the files")->required();
                c->add_option("--template", o.template_name,
                              "the journey's shape: service-order (default), subscription or support-case");
              });

  add_command(app, commands, "studio",
              "a local page to change the journey and see what it does to defection as you drag (exact solver)",
              run_studio, [](CLI::App* c, StudioCommandOptions& o) {
                add_scenario(c, o.scenario);
                c->add_option("--port", o.port, "port on 127.0.0.1 and ::1 (default 0: any free port)");
                c->add_flag("--no-browser", o.no_browser, "only print the page's address; do not open a browser");
              });

  add_command(app, commands, "report",
              "one self-contained HTML page: the journey as a heat map, losses, redesigns, fixes (several "
              "scenarios, or a batch's results: a portfolio)",
              run_report, [](CLI::App* c, ReportOptions& o) {
                c->add_option("scenario", o.scenarios, "scenario YAML file; several make one portfolio page");
                c->add_option("--batch", o.batch,
                              "a results file of cxsim batch: the portfolio page of its figures (the table as the "
                              "file has it)");
                add_variant(c, o.variants);
                add_segment(c, o.segment);
                c->add_option("--customers", o.customers,
                              "customers to simulate (default: the scenario's; with --batch, the batch's)");
                add_seed(c, o.seed);
                add_threads(c, o.threads);
                c->add_option("--out", o.out, "the HTML file to write")->required();
              });
}

// Swallows what is written to it: the streams of every MPI process but the first.
class Silence : public std::streambuf {
 protected:
  int overflow(int c) override { return c == EOF ? 0 : c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun every process runs this program; only the first speaks.
  const cxsim::Processes processes(argc, argv);
  static Silence silence;
  if (!processes.first()) {
    std::cout.rdbuf(&silence);
    std::cerr.rdbuf(&silence);
  }

  CLI::App app{"cxsim: customer-experience journey simulator and friction benchmark"};
  app.set_version_flag("--version", "cxsim " CXSIM_VERSION);
  app.require_subcommand(1);
  std::vector<Command> commands;
  add_commands(app, commands);

  // A mistyped command would otherwise read as a stray argument ("A subcommand is required").
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::string list;
      for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
      const auto best = cxsim::closest_name(argv[1], names);
      std::cerr << "cxsim: error: unknown command '" << cxsim::one_line(argv[1]) << "'"
                << (best ? " (did you mean '" + *best + "'?)" : std::string()) << "; commands: " << list
                << " (cxsim --help for more)\n";
      return 2;
    }
  }
  label_option_types(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    const int code = app.exit(err);
    return code == 0 ? 0 : 2;
  }

  cxsim::remove_unfinished_outputs_on_signals();
  try {
    int code = 2;
    if (processes.count() > 1 && !app.get_subcommand("run")->parsed())
      throw cxsim::UsageError("only `cxsim run` is spread over MPI processes; start `" +
                              app.get_subcommands().front()->get_name() +
                              "` without mpirun (to run many scenarios, shard them: docs/analysis.md)");
    for (const Command& command : commands)
      if (command.cli->parsed()) code = command.run();
    // Whatever a command printed must really have reached its reader (a full disk, a closed pipe).
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
      std::cerr << "cxsim: error: cannot write to standard output\n";
      return 1;
    }
    return code;
  } catch (const cxsim::InputError& err) {
    for (const auto& diag : err.diagnostics()) std::cerr << diag.to_string() << '\n';
    return 2;
  } catch (const cxsim::UsageError& err) {
    std::cerr << "cxsim: error: " << cxsim::one_line(err.what()) << '\n';
    return 2;
  } catch (const cxsim::SolverError& err) {
    std::cerr << "cxsim: the exact solver failed: " << cxsim::one_line(err.what()) << '\n';
    return 1;
  } catch (const cxsim::PeerFailed&) {
    return 2;  // the process that failed said why
  } catch (const std::exception& err) {
    std::cerr << "cxsim: error: " << cxsim::one_line(err.what()) << '\n';
    // The other processes may be waiting for this one in the middle of the run.
    if (processes.count() > 1) processes.abort(1);
    return 1;
  }
  return 2;
}
