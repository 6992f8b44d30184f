// The Python front door: `import cxsim` (python/cxsim/__init__.py) over this module, `_cxsim`.
// It calls the same analysis layer as the cxsim command and hands back the command's own JSON,
// so a figure in a notebook is the figure the CLI prints, bit for bit. Long studies release the
// GIL and stop within a fraction of a second on KeyboardInterrupt, with nothing half-done kept.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <tbb/task_group.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/calibration_study.hpp"
#include "analysis/compare_study.hpp"
#include "analysis/report_study.hpp"
#include "analysis/run_study.hpp"
#include "analysis/threads.hpp"
#include "analysis/validation_study.hpp"
#include "analysis/what_if.hpp"
#include "io/comparison.hpp"
#include "io/diagnostics.hpp"
#include "io/html_report.hpp"
#include "io/output_file.hpp"
#include "io/report.hpp"
#include "io/scenario.hpp"
#include "analysis/sensitivity_study.hpp"
#include "io/sensitivity_report.hpp"
#include "sim/exact_solver.hpp"
#include "sim/sensitivity.hpp"

namespace py = pybind11;

namespace cxsim {
namespace {

PyObject* input_error_type = nullptr;
PyObject* usage_error_type = nullptr;
PyObject* solver_error_type = nullptr;
PyObject* calibration_error_type = nullptr;

// Runs f(context) on a worker thread with the GIL released, checking for Ctrl-C every 50 ms:
// on KeyboardInterrupt the study is cancelled, its partial result dropped, and the interrupt
// raised in Python.
template <class F>
auto cancellable(F&& f) {
  using Result = std::invoke_result_t<F&, tbb::task_group_context*>;
  tbb::task_group_context context;
  std::optional<Result> result;
  std::exception_ptr error;
  std::mutex m;
  std::condition_variable done_cv;
  bool done = false, interrupted = false;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        result.emplace(f(&context));
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(m);
      done = true;
      done_cv.notify_all();
    });
    for (;;) {
      {
        std::unique_lock lock(m);
        if (done_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
      }
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupted = true;
        context.cancel_group_execution();
        break;
      }
    }
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

std::string variant_key(const std::optional<std::string>& v) {
  return v ? *v : std::string();
}

// A scenario as Python holds it: checked, immutable, shared by the scenarios made from it.
class PyScenario {
 public:
  PyScenario(std::shared_ptr<const Scenario> source, std::vector<std::string> warnings, bool changed = false)
      : source_(std::move(source)), warnings_(std::move(warnings)), changed_(changed) {}

  static PyScenario load(const std::string& path) {
    LoadedScenario loaded = load_scenario(path, "");
    std::vector<std::string> warnings;
    for (const auto& w : loaded.warnings) warnings.push_back(w.to_string());
    return PyScenario(std::make_shared<const Scenario>(std::move(loaded.scenario)), std::move(warnings));
  }

  const Scenario& source() const { return *source_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The model of one arm, narrowed to one segment when asked.
  std::shared_ptr<const ScenarioModel> model(const std::optional<std::string>& variant,
                                             const std::optional<std::string>& segment) const {
    const std::string name = variant_key(variant);
    const VariantSource* v = nullptr;
    if (!name.empty() && name != "baseline") {
      v = source_->variant(name);
      if (!v) throw UsageError("scenario '" + source_->path + "' " + no_variant_message(*source_, name));
    }
    ScenarioModel m = checked_model(*source_, v);
    if (segment) keep_only_segment(m, *segment);
    return std::make_shared<const ScenarioModel>(std::move(m));
  }

  PyScenario with_changes(const std::vector<NamedChange>& changes) const {
    return PyScenario(std::make_shared<const Scenario>(cxsim::with_changes(*source_, changes)), {}, true);
  }

  // Made by with_changes: no longer the scenario its file holds.
  bool changed() const { return changed_; }

 private:
  std::shared_ptr<const Scenario> source_;
  std::vector<std::string> warnings_;
  bool changed_ = false;
};

WalkRequest walk_request(std::optional<std::uint64_t> customers, std::optional<std::uint64_t> seed,
                         std::optional<double> precision, std::optional<std::uint64_t> max_steps,
                         std::uint64_t threads) {
  WalkRequest w;
  w.customers = customers;
  w.seed = seed;
  w.precision = precision;
  w.max_steps = max_steps;
  w.threads = threads;
  check_walk_request(w);
  return w;
}

// (JSON of the command's --format json, warnings)
using Answer = std::pair<std::string, std::vector<std::string>>;

Answer run(const PyScenario& s, const std::optional<std::string>& variant, const std::optional<std::string>& segment,
           std::optional<std::uint64_t> customers, std::optional<std::uint64_t> seed, std::optional<double> precision,
           std::optional<std::uint64_t> max_steps, std::uint64_t threads) {
  RunRequest request;
  request.walk = walk_request(customers, seed, precision, max_steps, threads);
  const auto model = s.model(variant, segment);
  const StudyResult r = cancellable([&](tbb::task_group_context* cancel) {
    RunRequest mine = request;
    mine.walk.cancel = cancel;
    return run_study(model, s.source().name, s.source().simulation, mine);
  });
  return {format_report(r.report, Format::json), r.warnings};
}

Answer exact(const PyScenario& s, const std::optional<std::string>& variant,
             const std::optional<std::string>& segment) {
  const auto model = s.model(variant, segment);
  std::vector<std::string> warnings;
  if (const auto w = exact_size_warning(model->journey)) warnings.push_back(*w);
  const StudyResult r =
      cancellable([&](tbb::task_group_context* cancel) { return exact_study(model, s.source().name, cancel); });
  warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
  return {format_report(r.report, Format::json), warnings};
}

// `cxsim validate --format json`: the engines checked against each other, figure by figure.
Answer validate(const PyScenario& s, const std::optional<std::string>& variant, std::optional<std::uint64_t> customers,
                std::optional<std::uint64_t> seed, std::uint64_t threads) {
  const WalkRequest request = walk_request(customers, seed, std::nullopt, std::nullopt, threads);
  const auto model = s.model(variant, std::nullopt);
  const Validation v = cancellable([&](tbb::task_group_context* cancel) {
    WalkRequest mine = request;
    mine.cancel = cancel;
    return validation_study(s.source(), *model, mine);
  });
  return {format_validation(v, Format::json), {}};
}

Answer compare(const PyScenario& s, const std::vector<std::string>& variants, std::optional<std::uint64_t> customers,
               std::optional<std::uint64_t> seed, std::optional<double> precision,
               std::optional<std::uint64_t> max_steps, std::uint64_t threads, const std::string& adjust,
               std::optional<std::uint64_t> assumptions) {
  CompareRequest request;
  request.walk = walk_request(customers, seed, precision, max_steps, threads);
  if (adjust == "holm")
    request.adjust = Adjustment::holm;
  else if (adjust == "bonferroni")
    request.adjust = Adjustment::bonferroni;
  else if (adjust == "none")
    request.adjust = Adjustment::none;
  else
    throw UsageError("adjust must be holm, bonferroni or none, not '" + adjust + "'");
  ScenarioModel baseline = checked_model(s.source(), nullptr);
  ComparisonStudy study = cancellable([&](tbb::task_group_context* cancel) {
    CompareRequest mine = request;
    mine.walk.cancel = cancel;
    return compare_variants(s.source(), baseline, variants, mine);
  });
  // As `--assumptions N` (0: the scenario's own number of draws).
  if (assumptions)
    add_assumptions(study, s.source(), *assumptions == 0 ? std::string() : std::to_string(*assumptions), threads);
  return {format_comparison(study.result, Format::json), study.result.warnings};
}

Answer compare_scenarios(const std::vector<PyScenario>& arms, std::optional<std::uint64_t> customers,
                         std::optional<std::uint64_t> seed, std::optional<double> precision,
                         std::optional<std::uint64_t> max_steps, std::uint64_t threads) {
  if (arms.size() < 2) throw UsageError("compare_files needs at least two scenarios, the first as the baseline");
  CompareRequest request;
  request.walk = walk_request(customers, seed, precision, max_steps, threads);
  std::vector<std::string> paths;
  for (const auto& a : arms) paths.push_back(a.source().path);
  const ComparisonStudy study = cancellable([&](tbb::task_group_context* cancel) {
    std::vector<LoadedScenario> files;
    for (const auto& a : arms) files.push_back(LoadedScenario{a.source(), checked_model(a.source(), nullptr), {}});
    CompareRequest mine = request;
    mine.walk.cancel = cancel;
    return cxsim::compare_files(std::move(files), paths, mine);
  });
  return {format_comparison(study.result, Format::json), study.result.warnings};
}

Answer sensitivity(const PyScenario& s, const std::optional<std::string>& variant, double step, std::uint64_t top,
                   std::uint64_t threads) {
  if (!(step >= 1e-9 && step <= limits::max_sensitivity))
    throw UsageError("step must be between 1e-9 and " + std::to_string(limits::max_sensitivity));
  if (threads > max_threads) throw UsageError("threads must be at most " + std::to_string(max_threads));
  SensitivityRequest request;
  request.settings.step = step;
  request.settings.top = top;
  request.threads = threads;
  const SensitivityStudy study = cancellable([&](tbb::task_group_context* cancel) {
    request.cancel = cancel;
    return sensitivity_study(s.model(variant, std::nullopt), s.source(), request);
  });
  return {format_sensitivity(study.report, Format::json), study.warnings};
}

// A calibration as Python holds it: the study (its report, FITTED.yaml's text) and the warnings.
struct PyCalibration {
  std::shared_ptr<const CalibrationStudy> study;
  std::shared_ptr<const HeadlineStudy> headline;
  std::vector<std::string> warnings;

  // The JSON of `cxsim calibrate --format json` with --out `fitted_file` ("" for none).
  std::string json(const std::string& fitted_file) const {
    if (headline) return headline->to_json(fitted_file).dump(2) + "\n";
    return format_calibration(study->report(fitted_file), Format::json);
  }
  std::optional<std::string> refusal() const { return study ? study->refusal : std::nullopt; }

  // Writes FITTED.yaml to `path` as --out does: checked to load, never over an input, whole or
  // not at all.
  void save(const std::string& path) const {
    const std::string& yaml = headline ? headline->fitted_yaml : study->fitted_yaml;
    if (yaml.empty()) throw std::runtime_error(*study->refusal + "; nothing was written to '" + path + "'");
    OutputFile out(path, headline ? headline->files : study->files);
    py::gil_scoped_release release;
    write_checked_scenario(out, yaml);
  }
};

// `does` what the study does with the file: "calibrate fits", "report shows".
void refuse_changed(const PyScenario& s, const std::string& does) {
  if (s.changed())
    throw UsageError(does + " the scenario as its file '" + s.source().path +
                     "' has it, and this one was changed by with_changes; save the changes to a file and load that");
}

PyCalibration calibrate_counts(const PyScenario& s, const std::string& observed, const std::string& holdout,
                               const std::vector<std::string>& fit, std::uint64_t starts, std::uint64_t seed,
                               std::uint64_t max_evaluations, std::uint64_t threads, bool accept_poor_fit) {
  refuse_changed(s, "calibrate fits");
  if (starts < 1 || starts > 64) throw UsageError("starts must be between 1 and 64, not " + std::to_string(starts));
  if (max_evaluations < 1 || max_evaluations > 100'000)
    throw UsageError("max_evaluations must be between 1 and 100,000, not " + std::to_string(max_evaluations));
  CalibrationRequest request;
  request.scenario_file = s.source().path;
  request.observed = observed;
  request.holdout = holdout;
  request.fit = fit;
  request.settings.starts = static_cast<int>(starts);
  request.settings.seed = seed;
  request.settings.max_evaluations = static_cast<int>(max_evaluations);
  request.threads = threads;
  request.accept_poor_fit = accept_poor_fit;
  request.accept_poor_fit_option = "pass accept_poor_fit=True";
  const auto model = s.model(std::nullopt, std::nullopt);
  const CalibrationInputs inputs = read_calibration_inputs(s.source(), *model, request);
  PyCalibration out;
  for (const auto& w : inputs.warnings) out.warnings.push_back(w.to_string());
  out.study = std::make_shared<const CalibrationStudy>(cancellable([&](tbb::task_group_context* cancel) {
    CalibrationRequest mine = request;
    mine.cancel = cancel;
    return calibration_study(s.source(), *model, inputs, mine);
  }));
  out.warnings.insert(out.warnings.end(), out.study->result.warnings.begin(), out.study->result.warnings.end());
  return out;
}

PyCalibration calibrate_headline(const PyScenario& s, double defection_rate) {
  refuse_changed(s, "calibrate fits");
  check_headline_target(defection_rate, "defection_rate");
  const auto model = s.model(std::nullopt, std::nullopt);
  PyCalibration out;
  try {
    out.headline = std::make_shared<const HeadlineStudy>(cancellable(
        [&](tbb::task_group_context*) { return headline_study(s.source(), *model, s.source().path, defection_rate); }));
  } catch (const std::domain_error& e) {
    PyErr_SetString(calibration_error_type, e.what());
    throw py::error_already_set();
  }
  for (const auto& v : out.headline->unscaled_variants)
    out.warnings.push_back("variant '" + v + "' sets sensitivities of its own; they were not scaled");
  return out;
}

// `cxsim report SCENARIO --out PATH`: the same page, written whole or not at all, never over the
// scenario's own files. Returns the warnings the command prints (progress lines are left out).
std::vector<std::string> report(const PyScenario& s, const std::string& out, const std::vector<std::string>& variants,
                                const std::optional<std::string>& segment, std::optional<std::uint64_t> customers,
                                std::optional<std::uint64_t> seed, std::uint64_t threads) {
  refuse_changed(s, "report shows");
  check_walk_request(walk_request(customers, seed, std::nullopt, std::nullopt, threads));
  std::vector<std::string> warnings;
  std::unique_ptr<OutputFile> file;
  const std::string page = cancellable([&](tbb::task_group_context* cancel) {
    ReportRequest request;
    request.scenario_file = s.source().path;
    request.variants = variants;
    request.segment = segment;
    request.customers = customers;
    request.seed = seed;
    request.threads = threads;
    request.out = out;
    request.cancel = cancel;
    request.on_loaded = [&](const Scenario& sc) { file = std::make_unique<OutputFile>(out, sc.inputs); };
    const Say keep_warnings = [&](const std::string& line) {
      if (line.find("warning: ") != std::string::npos) warnings.push_back(line);
    };
    return html_report(report_study(request, keep_warnings));
  });
  py::gil_scoped_release release;
  file->stream() << page;
  file->commit();
  return warnings;
}

// The scenario files `cxsim batch` finds under `paths`, and the files it skips with the reason.
std::pair<std::vector<std::string>, std::vector<std::string>> scenario_files(const std::vector<std::string>& paths) {
  const ScenarioSearch search = find_scenario_files(paths);
  std::vector<std::string> files;
  for (const auto& f : search.files) files.push_back(f.path);
  return {files, search.skipped};
}

// The error a Python caller sees for bad input: cxsim.InputError (a ValueError) carrying the
// CLI's message and, for the first problem, its file, line and column.
void raise_input_error(const InputError& e) {
  std::string message;
  py::list problems;
  for (const auto& d : e.diagnostics()) {
    message += (message.empty() ? "" : "\n") + d.to_string();
    py::dict p;
    p["file"] = d.where.file.str();
    p["line"] = d.where.line;
    p["column"] = d.where.column;
    p["severity"] = d.severity == Severity::error ? "error" : "warning";
    p["message"] = d.message;
    problems.append(p);
  }
  if (message.empty()) message = e.what();
  py::object error = py::reinterpret_borrow<py::object>(input_error_type)(message);
  const auto first = e.diagnostics().empty() ? nullptr : &e.diagnostics().front();
  error.attr("file") = first ? py::cast(first->where.file.str()) : py::none();
  error.attr("line") = first && first->where.line ? py::cast(first->where.line) : py::none();
  error.attr("column") = first && first->where.column ? py::cast(first->where.column) : py::none();
  error.attr("problems") = problems;
  PyErr_SetObject(input_error_type, error.ptr());
}

}  // namespace
}  // namespace cxsim

PYBIND11_MODULE(_cxsim, m) {
  using namespace cxsim;
  m.doc() = "cxsim's engines and analyses; use the `cxsim` package, which wraps this module";
  input_error_type = PyErr_NewExceptionWithDoc(
      "cxsim.InputError",
      "A scenario (or its tables) is not valid: file, line, column and the message as the CLI gives it.",
      PyExc_ValueError, nullptr);
  usage_error_type = PyErr_NewExceptionWithDoc(
      "cxsim.UsageError", "An argument cxsim cannot use (the CLI's exit code 2).", PyExc_ValueError, nullptr);
  solver_error_type = PyErr_NewExceptionWithDoc("cxsim.SolverError", "The exact solver could not solve the journey.",
                                                PyExc_RuntimeError, nullptr);
  m.add_object("InputError", py::handle(input_error_type));
  m.add_object("UsageError", py::handle(usage_error_type));
  calibration_error_type = PyErr_NewExceptionWithDoc(
      "cxsim.CalibrationError",
      "A calibration that must not be written: the fit never moved, the model cannot fit the counts, or no factor "
      "meets the defection rate. The message is the CLI's.",
      PyExc_RuntimeError, nullptr);
  m.add_object("SolverError", py::handle(solver_error_type));
  m.add_object("CalibrationError", py::handle(calibration_error_type));
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      raise_input_error(e);
    } catch (const UsageError& e) {
      PyErr_SetString(usage_error_type, e.what());
    } catch (const SolverError& e) {
      PyErr_SetString(solver_error_type, e.what());
    }
  });

  py::class_<PyScenario>(m, "Scenario")
      .def_property_readonly("name", [](const PyScenario& s) { return s.source().name; })
      .def_property_readonly("path", [](const PyScenario& s) { return s.source().path; })
      .def_property_readonly("description", [](const PyScenario& s) { return s.source().description; })
      .def_property_readonly("warnings", &PyScenario::warnings)
      .def_property_readonly("variants",
                             [](const PyScenario& s) {
                               py::list out;
                               for (const auto& v : s.source().variants) {
                                 py::dict d;
                                 d["name"] = v.name;
                                 d["description"] = v.description;
                                 d["cost_per_year"] = v.cost_per_year ? py::cast(*v.cost_per_year) : py::none();
                                 d["one_off_cost"] = v.one_off_cost ? py::cast(*v.one_off_cost) : py::none();
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("segments",
                             [](const PyScenario& s) {
                               py::list out;
                               const auto model = s.model(std::nullopt, std::nullopt);
                               for (const auto& g : model->population.segments()) {
                                 py::dict d;
                                 d["segment"] = g.name;
                                 d["share"] = g.share;
                                 d["value_expectation"] = g.value_expectation;
                                 d["sensitivity_reliability"] = g.reliability_sensitivity;
                                 d["sensitivity_relevance"] = g.relevance_sensitivity;
                                 d["sensitivity_value"] = g.value_sensitivity;
                                 d["sensitivity_effort"] = g.effort_sensitivity;
                                 d["silent_churn"] = g.silent_churn;
                                 d["heterogeneity"] = g.heterogeneity;
                                 out.append(d);
                               }
                               return out;
                             })
      .def_property_readonly("economics",
                             [](const PyScenario& s) -> py::object {
                               const auto& e = s.source().economics;
                               if (!e) return py::none();
                               py::dict d;
                               d["customers_per_year"] = e->customers_per_year;
                               d["value_per_customer"] = e->value_per_customer;
                               d["currency"] = e->currency;
                               d["horizon_years"] = e->horizon_years ? py::cast(*e->horizon_years) : py::none();
                               d["discount_rate"] = e->discount_rate;
                               return d;
                             })
      .def("with_changes", &PyScenario::with_changes, py::arg("changes"));

  py::class_<PyCalibration>(m, "Calibration")
      .def("json", &PyCalibration::json, py::arg("fitted_file"))
      .def_property_readonly("refusal", &PyCalibration::refusal)
      .def_readonly("warnings", &PyCalibration::warnings)
      .def("save", &PyCalibration::save, py::arg("path"));

  m.def("load", &PyScenario::load, py::arg("path"));
  m.def("calibrate", &calibrate_counts, py::arg("scenario"), py::arg("observed"), py::arg("holdout"), py::arg("fit"),
        py::arg("starts"), py::arg("seed"), py::arg("max_evaluations"), py::arg("threads"), py::arg("accept_poor_fit"));
  m.def("calibrate_headline", &calibrate_headline, py::arg("scenario"), py::arg("defection_rate"));
  m.def("run", &run, py::arg("scenario"), py::arg("variant"), py::arg("segment"), py::arg("customers"), py::arg("seed"),
        py::arg("precision"), py::arg("max_steps"), py::arg("threads"));
  m.def("report", &report, py::arg("scenario"), py::arg("out"), py::arg("variants"), py::arg("segment"),
        py::arg("customers"), py::arg("seed"), py::arg("threads"));
  m.def("validate", &validate, py::arg("scenario"), py::arg("variant"), py::arg("customers"), py::arg("seed"),
        py::arg("threads"));
  m.def("scenario_files", &scenario_files, py::arg("paths"));
  m.def("exact", &exact, py::arg("scenario"), py::arg("variant"), py::arg("segment"));
  m.def("compare", &compare, py::arg("scenario"), py::arg("variants"), py::arg("customers"), py::arg("seed"),
        py::arg("precision"), py::arg("max_steps"), py::arg("threads"), py::arg("adjust"), py::arg("assumptions"));
  m.def("compare_files", &compare_scenarios, py::arg("scenarios"), py::arg("customers"), py::arg("seed"),
        py::arg("precision"), py::arg("max_steps"), py::arg("threads"));
  m.def("sensitivity", &sensitivity, py::arg("scenario"), py::arg("variant"), py::arg("step"), py::arg("top"),
        py::arg("threads"));
}
