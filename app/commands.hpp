#pragma once
// The cxsim commands: one options struct and one function each. The functions never see the
// command-line parser; they return the exit code (0 success, 1 failure while running) and throw
// InputError / UsageError for bad input (exit 2).
#include <optional>
#include <string>
#include <vector>

namespace cxsim {

struct OutputOptions {
  std::string format = "table";  // table | json | csv
  std::string out;               // file; empty: stdout
};

struct CheckOptions {
  std::string scenario;
};

struct RunOptions {
  std::string scenario, variant;
  std::optional<std::string> segment;  // a persona view
  std::optional<std::string> customers, seed, threads, precision, max_steps;
  std::optional<std::string> trace, trace_out;
  OutputOptions output;
};

struct ExactOptions {
  std::string scenario, variant;
  std::optional<std::string> segment;
  OutputOptions output;
};

struct ValidateOptions {
  std::string scenario, variant;
  std::optional<std::string> customers, seed, threads;
  std::string format = "table";  // table | json
};

struct CompareOptions {
  std::vector<std::string> scenarios;  // one scenario with variants, or several whole files
  std::vector<std::string> variants;
  std::optional<std::string> customers, seed, threads, precision, max_steps;
  std::string adjust = "holm";
  // Draws of the assumptions analysis ("" with the option but no number: the scenario's default).
  std::optional<std::string> assumptions;
  OutputOptions output;
};

struct BatchOptions {
  std::vector<std::string> paths;  // scenario files or folders; with --merge, the shard files
  std::string out;
  std::optional<std::string> customers, seed, threads, shard, merge;
  bool resume = false;
  std::string format = "csv";              // csv | json (JSON Lines)
  std::optional<std::string> assumptions;  // as CompareOptions::assumptions
};

struct SensitivityOptions {
  std::string scenario, variant;
  std::optional<std::string> step, top, threads;
  OutputOptions output;
};

struct SweepOptions {
  std::string scenario, variant;
  std::string touchpoint, segment, attribute;  // touchpoint or segment, and the number to move
  std::optional<std::string> from, to, steps;
  std::optional<std::string> customers, seed, threads, max_steps;  // Monte Carlo at each point
  OutputOptions output;
};

struct DotOptions {
  std::string scenario, variant, out;
  std::optional<std::string> segment;
  bool heat = false;           // colour by where customers are lost (exact figures)
  std::string format = "dot";  // dot (text), svg or png (rendered by the linked Graphviz library)
};

struct ImportPathsOptions {
  std::string paths, out;  // PATHS.csv and the folder to write the scenario into
  std::optional<std::string> min_count;
  bool left_to_friction = false;  // abandonment and silent churn for calibrate; observed.yaml too
};

struct ReportOptions {
  std::vector<std::string> scenarios;  // one: its page; several: one portfolio page
  std::optional<std::string> segment;  // a persona view
  std::vector<std::string> variants;   // redesigns to compare (default: every variant)
  std::optional<std::string> customers, seed, threads;
  std::string out;
  std::optional<std::string> batch;  // a `cxsim batch` results file: the portfolio page of its figures
};

struct NewOptions {
  std::string dir;                              // the folder to create (or an empty one to fill)
  std::string template_name = "service-order";  // which starter journey
};

struct StudioCommandOptions {
  std::string scenario;
  std::string port = "0";  // 0: any free port
  bool no_browser = false;
};

struct CalibrateOptions {
  std::string scenario, observed, holdout, out;
  std::vector<std::string> fit;  // what to fit, e.g. install.reliability, segment:*.silent_churn
  std::optional<std::string> starts, seed, threads, max_evaluations;
  std::string format = "table";  // table | json (the report, on standard output)
  bool accept_poor_fit = false;  // write a fit far from the counts anyway
  // Fit to a known headline instead: one factor on every sensitivity meets this defection rate.
  std::optional<std::string> defection_rate;
};

int run_check(const CheckOptions& o);
int run_run(const RunOptions& o);
int run_exact(const ExactOptions& o);
int run_validate(const ValidateOptions& o);
int run_dot(const DotOptions& o);
int run_compare(const CompareOptions& o);
int run_batch(const BatchOptions& o);
int run_sensitivity(const SensitivityOptions& o);
int run_sweep(const SweepOptions& o);
int run_report(const ReportOptions& o);
int run_import_paths(const ImportPathsOptions& o);
int run_calibrate(const CalibrateOptions& o);
int run_new(const NewOptions& o);
int run_studio(const StudioCommandOptions& o);

}  // namespace cxsim
