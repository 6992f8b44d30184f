// cxsim: the command line. Parses options into the per-command structs and maps errors to exit
// codes: 0 success, 1 failure while running, 2 bad input or usage.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

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

  cxsim::CheckOptions check;
  auto* c = app.add_subcommand("check", "validate a scenario and report every problem");
  c->add_option("scenario", check.scenario, "scenario YAML file")->required();

  cxsim::RunOptions run;
  auto* r = app.add_subcommand("run", "simulate customers walking the journey (Monte Carlo)");
  r->add_option("scenario", run.scenario, "scenario YAML file")->required();
  r->add_option("--variant", run.variant, "a redesign defined in the scenario (default: baseline)");
  r->add_option("--segment", run.segment,
                "only this segment's customers walk: the figures of one persona (default: every segment)");
  r->add_option("--customers", run.customers, "customers to simulate (with --precision: at most)");
  r->add_option("--seed", run.seed, "random seed, 0..2^64-1");
  r->add_option("--threads", run.threads, "worker threads; 0 (default) = all cores");
  r->add_option("--precision", run.precision,
                "simulate until the 95% interval of the defection rate has at most this half-width");
  r->add_option("--max-steps", run.max_steps, "visits before a walk counts as unfinished");
  r->add_option("--trace", run.trace, "trace the walks of customers 0..N-1");
  r->add_option("--trace-out", run.trace_out, "CSV file for --trace");
  add_output(r, run.output);

  cxsim::ExactOptions exact;
  auto* e = app.add_subcommand("exact", "compute the expected figures exactly, without sampling");
  e->add_option("scenario", exact.scenario, "scenario YAML file")->required();
  e->add_option("--variant", exact.variant, "a redesign defined in the scenario (default: baseline)");
  e->add_option("--segment", exact.segment,
                "only this segment's customers walk: the figures of one persona (default: every segment)");
  add_output(e, exact.output);

  cxsim::ValidateOptions validate;
  auto* v = app.add_subcommand("validate", "run both engines and compare every figure (z-scores)");
  v->add_option("scenario", validate.scenario, "scenario YAML file")->required();
  v->add_option("--variant", validate.variant, "a redesign defined in the scenario (default: baseline)");
  v->add_option("--customers", validate.customers, "Monte Carlo customers");
  v->add_option("--seed", validate.seed, "random seed");
  v->add_option("--threads", validate.threads, "worker threads; 0 (default) = all cores");
  v->add_option("--format", validate.format, "table (default), json or csv");

  cxsim::CompareOptions compare;
  auto* cmp = app.add_subcommand(
      "compare", "a baseline against its redesigns, paired on common random numbers (or whole scenario files)");
  cmp->add_option("scenario", compare.scenarios,
                  "scenario YAML file; or several files, the first the baseline, each file an arm")
      ->required();
  cmp->add_option("--variant", compare.variants, "a redesign to compare (repeatable; default: every variant)");
  cmp->add_option("--customers", compare.customers, "customers walked through every arm (with --precision: at most)");
  cmp->add_option("--seed", compare.seed, "random seed, 0..2^64-1");
  cmp->add_option("--threads", compare.threads, "worker threads; 0 (default) = all cores");
  cmp->add_option("--precision", compare.precision,
                  "simulate until every difference's 95% half-width is at most this share "
                  "(0.001 = 0.1 percentage points)");
  cmp->add_option("--max-steps", compare.max_steps, "visits before a walk counts as unfinished");
  cmp->add_option("--adjust", compare.adjust,
                  "p-value adjustment for several redesigns: holm (default), bonferroni, none");
  cmp->add_option(
         "--assumptions", compare.assumptions,
         "draw N sets of the scenario's assumptions and solve every arm exactly for each (default N from the scenario)")
      ->expected(0, 1);
  add_output(cmp, compare.output);

  cxsim::BatchOptions batch;
  auto* b = app.add_subcommand("batch", "the baseline and every variant of many scenarios, one row each");
  b->add_option("paths", batch.paths,
                "scenario files or folders (searched for *.yaml); with --merge, the files to merge")
      ->required();
  b->add_option("--out", batch.out, "results file (rows are appended and synced as they finish)");
  b->add_option("--customers", batch.customers, "customers per scenario (default: each scenario's own)");
  b->add_option("--seed", batch.seed, "random seed (default: each scenario's own)");
  b->add_option("--threads", batch.threads, "worker threads; 0 (default) = all cores");
  b->add_flag("--resume", batch.resume, "continue a batch: keep the rows of unchanged scenarios, run the rest");
  b->add_option("--shard", batch.shard, "I/N: run only shard I of N (a stable split by path)");
  b->add_option("--merge", batch.merge, "OUT: merge the shard files given as paths into OUT");
  b->add_option("--format", batch.format, "csv (default) or json (JSON Lines)");
  b->add_option("--assumptions", batch.assumptions,
                "N draws of each scenario's assumptions block (default N from the block); rows gain P(pays) and more")
      ->expected(0, 1);

  cxsim::SensitivityOptions sens;
  auto* sn =
      app.add_subcommand("sensitivity", "what to fix first: exact derivatives, and the effect of each improvement");
  sn->add_option("scenario", sens.scenario, "scenario YAML file")->required();
  sn->add_option("--variant", sens.variant, "a redesign defined in the scenario (default: baseline)");
  sn->add_option("--step", sens.step, "the improvement tried on each attribute (default 0.05)");
  sn->add_option("--top", sens.top, "how many candidates to re-solve exactly (default 20)");
  sn->add_option("--threads", sens.threads, "worker threads; 0 (default) = all cores");
  add_output(sn, sens.output);

  cxsim::SweepOptions sweep;
  auto* sw = app.add_subcommand("sweep", "a response curve: the defection rate as one attribute moves over a range");
  sw->add_option("scenario", sweep.scenario, "scenario YAML file")->required();
  sw->add_option("--variant", sweep.variant, "a redesign defined in the scenario (default: baseline)");
  sw->add_option("--touchpoint", sweep.touchpoint, "the touchpoint whose attribute moves");
  sw->add_option("--segment", sweep.segment, "or: the segment whose parameter moves");
  sw->add_option("--attribute", sweep.attribute,
                 "reliability, relevance, value, trust or recovery (touchpoint); value_expectation, "
                 "reliability_sensitivity, relevance_sensitivity, value_sensitivity, effort_sensitivity or "
                 "silent_churn (segment)");
  sw->add_option("--from", sweep.from, "first value (default 0)");
  sw->add_option("--to", sweep.to, "last value (default 1)");
  sw->add_option("--steps", sweep.steps, "number of points, both ends included (default 11)");
  sw->add_option("--customers", sweep.customers, "also estimate each point by Monte Carlo with this many customers");
  sw->add_option("--seed", sweep.seed, "random seed for the Monte Carlo estimates (the same at every point)");
  sw->add_option("--max-steps", sweep.max_steps, "visits before a walk counts as unfinished");
  sw->add_option("--threads", sweep.threads, "worker threads; 0 (default) = all cores");
  add_output(sw, sweep.output);

  cxsim::DotOptions dot;
  auto* d = app.add_subcommand("dot", "write the journey as a Graphviz DOT graph, or drawn as SVG or PNG");
  d->add_option("scenario", dot.scenario, "scenario YAML file")->required();
  d->add_option("--variant", dot.variant, "a redesign defined in the scenario (default: baseline)");
  d->add_option("--segment", dot.segment,
                "only this segment's customers walk: the figures of one persona (default: every segment)");
  d->add_option("--out", dot.out, "write to FILE instead of standard output");
  d->add_option("--format", dot.format, "dot (the graph as text, default), svg or png (drawn by the Graphviz library)");
  d->add_flag("--heat", dot.heat, "colour touchpoints by the customers lost there and size arrows by flow (exact)");

  cxsim::ImportPathsOptions import;
  auto* ip = app.add_subcommand("import-paths", "a starting scenario from observed customer paths (PATHS.csv)");
  ip->add_option("paths", import.paths, "CSV of visits: customer,step,touchpoint,ending[,segment][,failed]")
      ->required();
  ip->add_option("--out", import.out, "folder to write scenario.yaml, touchpoints.csv and transitions.csv into")
      ->required();
  ip->add_option("--min-count", import.min_count,
                 "segment routes seen fewer times use the route of all customers (default 30)");
  ip->add_flag(
      "--left-to-friction", import.left_to_friction,
      "leave abandonment and silent churn to friction (for calibrate) and write the paths as observed.yaml too");

  cxsim::CalibrateOptions cal;
  auto* cb = app.add_subcommand(
      "calibrate", "fit touchpoint attributes and segment parameters to observed counts (maximum likelihood)");
  cb->add_option("scenario", cal.scenario, "scenario YAML file")->required();
  cb->add_option("--observed", cal.observed, "OBSERVED.yaml: the counts to fit to");
  cb->add_option(
      "--fit", cal.fit,
      "what to fit (repeatable): TOUCHPOINT.ATTRIBUTE, *.ATTRIBUTE, segment:NAME.PARAMETER, segment:*.PARAMETER");
  cb->add_option("--defection-rate", cal.defection_rate,
                 "instead of --observed and --fit: scale every sensitivity of every segment by one factor so that "
                 "the exact defection rate is this share (e.g. 0.3)");
  cb->add_option("--holdout", cal.holdout, "more observed counts, not used in the fit, to check it against");
  cb->add_option("--starts", cal.starts, "starting points, against local optima (default 4)");
  cb->add_option("--seed", cal.seed, "seed of the random starting points (default 1)");
  cb->add_option("--max-evaluations", cal.max_evaluations,
                 "likelihood evaluations per start, 1 to 100,000 (default 400; hundreds of parameters may need more)");
  cb->add_option("--threads", cal.threads, "worker threads; 0 (default) = all cores");
  cb->add_option("--format", cal.format, "the report on standard output: table (default) or json");
  cb->add_option("--out", cal.out, "FITTED.yaml: the scenario with the fitted values")->required();
  cb->add_flag("--accept-poor-fit", cal.accept_poor_fit,
               "write the fit even when its deviance is more than 10 times its degrees of freedom (p < 0.001)");

  cxsim::NewOptions starter;
  auto* nw =
      app.add_subcommand("new", "write a commented starter journey to fill in (scenario.yaml and its two tables)");
  nw->add_option("dir", starter.dir, "a new (or empty) folder for the files")->required();
  nw->add_option("--template", starter.template_name,
                 "the journey's shape: service-order (default), subscription or support-case");

  cxsim::StudioCommandOptions studio;
  auto* st = app.add_subcommand(
      "studio", "a local page to change the journey and see what it does to defection as you drag (exact solver)");
  st->add_option("scenario", studio.scenario, "scenario YAML file")->required();
  st->add_option("--port", studio.port, "port on 127.0.0.1 and ::1 (default 0: any free port)");
  st->add_flag("--no-browser", studio.no_browser, "only print the page's address; do not open a browser");

  cxsim::ReportOptions report;
  auto* rp = app.add_subcommand("report",
                                "one self-contained HTML page: the journey as a heat map, losses, redesigns, fixes "
                                "(several scenarios, or a batch's results: a portfolio)");
  rp->add_option("scenario", report.scenarios, "scenario YAML file; several make one portfolio page");
  rp->add_option("--batch", report.batch,
                 "a results file of cxsim batch: the portfolio page of its figures (the table as the file has it)");
  rp->add_option("--variant", report.variants, "a redesign to compare (repeatable; default: every variant)");
  rp->add_option("--segment", report.segment,
                 "only this segment's customers walk: the figures of one persona (default: every segment)");
  rp->add_option("--customers", report.customers,
                 "customers to simulate (default: the scenario's; with --batch, the batch's)");
  rp->add_option("--seed", report.seed, "random seed, 0..2^64-1");
  rp->add_option("--threads", report.threads, "worker threads; 0 (default) = all cores");
  rp->add_option("--out", report.out, "the HTML file to write")->required();

  // A mistyped command would otherwise read as a stray argument ("A subcommand is required").
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      std::string list;
      for (const auto& name : commands) list += (list.empty() ? "" : ", ") + name;
      const auto best = cxsim::closest_name(argv[1], commands);
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
    if (processes.count() > 1 && !r->parsed())
      throw cxsim::UsageError("only `cxsim run` is spread over MPI processes; start `" +
                              app.get_subcommands().front()->get_name() +
                              "` without mpirun (to run many scenarios, shard them: docs/analysis.md)");
    if (c->parsed())
      code = cxsim::run_check(check);
    else if (r->parsed())
      code = cxsim::run_run(run);
    else if (e->parsed())
      code = cxsim::run_exact(exact);
    else if (v->parsed())
      code = cxsim::run_validate(validate);
    else if (d->parsed())
      code = cxsim::run_dot(dot);
    else if (cmp->parsed())
      code = cxsim::run_compare(compare);
    else if (b->parsed())
      code = cxsim::run_batch(batch);
    else if (sn->parsed())
      code = cxsim::run_sensitivity(sens);
    else if (sw->parsed())
      code = cxsim::run_sweep(sweep);
    else if (ip->parsed())
      code = cxsim::run_import_paths(import);
    else if (cb->parsed())
      code = cxsim::run_calibrate(cal);
    else if (nw->parsed())
      code = cxsim::run_new(starter);
    else if (rp->parsed())
      code = cxsim::run_report(report);
    else if (st->parsed())
      code = cxsim::run_studio(studio);
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
