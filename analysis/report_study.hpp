#pragma once
// `cxsim report` as studies: what a page shows, computed once and typed (io/html_report.hpp
// renders it). The page of one scenario walks each arm once and solves each exactly once: with
// redesigns, the comparison's baseline arm is the run and its exact solution the exact figures.
// The portfolio of a batch reads the batch's own figures and makes a section per scenario found
// unchanged. Nothing is printed and only the caller writes the page; what a study has to say
// (its progress, warnings) goes to `say`, one line at a time.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <tbb/task_group.h>

#include "analysis/batch_study.hpp"
#include "io/html_report.hpp"
#include "io/scenario.hpp"

namespace cxsim {

struct ReportRequest {
  std::string scenario_file;
  std::vector<std::string> variants;             // the redesigns to compare (empty: every variant)
  std::optional<std::string> segment;            // a persona view: only this segment's customers walk
  std::optional<std::uint64_t> customers, seed;  // unset: the scenario's own
  std::uint64_t threads = 0;                     // 0: every core
  // The draws of the scenario's `assumptions` block ("": the block's own number), or nullopt to
  // leave them out.
  std::optional<std::string> assumptions = std::string();
  std::string out;  // where the page goes: its reproduce line names files relative to it
  // Sees the scenario once it is read and checked, before the runs (so that a bad output path
  // fails before minutes of work).
  std::function<void(const Scenario&)> on_loaded;
  tbb::task_group_context* cancel = nullptr;  // cancelling it stops the walks (Cancelled is thrown)
};

// One scenario's page. Throws InputError for a scenario that does not load and UsageError for an
// unknown or repeated variant or segment.
HtmlReportInput report_study(const ReportRequest& request, const Say& say);

struct BatchReportRequest {
  std::string results;                     // a `cxsim batch` results file (CSV or JSON Lines)
  std::optional<std::uint64_t> customers;  // sections walk these many, not the batch's
  std::uint64_t threads = 0;
  std::string out;  // where the page goes
  // Sees every file the page is made from (the results and the scenarios found), once they are
  // checked and before any section is run.
  std::function<void(const std::vector<std::string>& inputs)> on_checked;
};

// The portfolio page of a batch's results: the decision table from the file's own figures
// (compare's verdicts and order applied), a section per scenario found unchanged, warnings for
// those gone or changed. Throws InputError (file, line) or UsageError, before anything runs, for
// a file that is not one whole batch.
PortfolioInput batch_report_study(const BatchReportRequest& request, const Say& say);

}  // namespace cxsim
