#include "analysis/report_study.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>

#include "analysis/compare_study.hpp"
#include "analysis/run_study.hpp"
#include "analysis/sweep_study.hpp"
#include "analysis/threads.hpp"
#include "analysis/compare_arms.hpp"
#include "io/comparison.hpp"
#include "io/diagnostics.hpp"
#include "io/file_digest.hpp"
#include "io/journey_map.hpp"
#include "io/number.hpp"
#include "io/report_context.hpp"
#include "io/report_format.hpp"
#include "io/sensitivity_report.hpp"
#include "io/sweep_report.hpp"
#include "io/text_table.hpp"
#include "models/limits.hpp"
#include "sim/engine_agreement.hpp"
#include "sim/exact_solver.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/sensitivity.hpp"

namespace cxsim {

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

// The response curves the scenario's `sweeps` ask for (exact), as `cxsim sweep --format json`.
nlohmann::ordered_json scenario_sweeps(const Scenario& sc, const ScenarioModel& model) {
  return to_json(sweep_curves(sc.name, model, scenario_curves(sc, model), {}));
}

}  // namespace

namespace {

// What every step of one scenario's page works from.
struct PageInputs {
  const Scenario& sc;
  const ScenarioModel& model;
  const std::optional<Economics>& economics;  // a persona's: its own customers per year
  const MonteCarloSettings& settings;
  const std::vector<std::string>& segment_names;
  const Say& say;
};

std::optional<std::string> persona_note(const ScenarioModel& model, const std::optional<Economics>& economics) {
  if (model.segment.empty()) return std::nullopt;
  return "Persona view: only the customers of segment '" + model.segment +
         "' walk, and every figure is per customer of that segment" +
         (economics ? "; money counts its customers only (" + formatted("%.0f", economics->customers_per_year) +
                          " a year), while each redesign's cost is its whole cost"
                    : std::string()) +
         ".";
}

// The redesigns asked for (every variant when none is named), each once.
std::vector<const VariantSource*> chosen_variants(const Scenario& sc, const ReportRequest& o) {
  std::vector<const VariantSource*> variants;
  std::set<std::string> seen;
  for (const auto& name : o.variants) {
    const VariantSource* v = sc.variant(name);
    if (!v) throw UsageError("scenario '" + o.scenario_file + "' " + no_variant_message(sc, name));
    if (!seen.insert(name).second) throw UsageError("--variant '" + name + "' is named twice");
    variants.push_back(v);
  }
  if (o.variants.empty())
    for (const auto& v : sc.variants) variants.push_back(&v);
  return variants;
}

// The baseline against the redesigns on common random numbers, with the scenario's assumptions
// drawn (not in a persona view: they price every customer).
ComparisonStudy compare_redesigns(const PageInputs& p, const ReportRequest& o,
                                  const std::vector<const VariantSource*>& variants, int threads,
                                  HtmlReportInput& page) {
  p.say("cxsim: report: simulating " + std::to_string(p.settings.customers) + " customers through the baseline and " +
        std::to_string(variants.size()) + " redesign" + (variants.size() == 1 ? "" : "s"));
  auto in = std::make_shared<ComparisonInput>();
  in->arms.push_back(ComparisonArm{"baseline", p.sc.name, p.model, std::nullopt, std::nullopt});
  for (const auto* v : variants) {
    in->arms.push_back(variant_arm(p.sc, *v));
    if (o.segment) keep_only_segment(in->arms.back().model, *o.segment);
  }
  in->economics = p.economics;
  in->settings.walk = p.settings.walk;
  in->settings.customers = p.settings.customers;
  ComparisonStudy study{in, compare_arms(*in)};
  study.result.threads = threads;
  if (p.sc.assumptions && p.economics) {
    if (o.segment)
      page.notes.push_back("The scenario's assumptions are not drawn in a persona view: they price every customer.");
    else if (o.assumptions)
      add_assumptions(study, p.sc, *o.assumptions, static_cast<std::uint64_t>(threads));
  }
  return study;
}

// The baseline alone, when there are no redesigns: walked, and solved where the solver can.
std::optional<ExactSolution> walk_and_solve_baseline(const PageInputs& p, int threads, Report& mc,
                                                     HtmlReportInput& page) {
  p.say("cxsim: report: simulating " + std::to_string(p.settings.customers) + " customers");
  const auto t0 = std::chrono::steady_clock::now();
  const MonteCarloRun run = run_monte_carlo(p.model.journey, p.model.population, p.settings);
  mc = monte_carlo_report(p.sc.name, p.model, run, p.settings.walk, threads, seconds_since(t0));
  mc.unfinished_warning = unfinished_warning(run.tally, p.settings.walk.max_steps, p.model);
  if (mc.unfinished_warning) page.notes.push_back(*mc.unfinished_warning);
  if (p.model.journey.size() > limits::exact_solver_touchpoints) {
    page.notes.push_back(
        "No exact figures, what-to-fix-first or validation: the journey has more touchpoints than the exact solver "
        "is meant for (" +
        std::to_string(limits::exact_solver_touchpoints) + ").");
    return std::nullopt;
  }
  try {
    return solve_exact(p.model.journey, p.model.population);
  } catch (const SolverError& e) {
    page.notes.push_back(std::string("No exact figures: ") + e.what());
    return std::nullopt;
  }
}

// What to fix first, the top pick's response curve and the scenario's own sweeps.
void add_what_to_fix(const PageInputs& p, HtmlReportInput& page) {
  p.say("cxsim: report: what to fix first");
  try {
    SensitivityReport s;
    s.scenario = p.sc.name;
    s.variant = p.model.variant;
    s.journey = &p.model.journey;
    s.population = &p.model.population;
    s.economics = p.economics;
    s.result = analyse_sensitivity(p.model.journey, p.model.population, {0.05, 10});
    page.sensitivity = to_json(s);
    const auto top = std::find_if(s.result.parameters.begin(), s.result.parameters.end(),
                                  [](const SensitivityParameter& x) { return x.delta_step.has_value(); });
    if (top != s.result.parameters.end())
      page.response = to_json(sweep_curves(p.sc.name, p.model, {{*top, sweep_values(0.0, 1.0, 21)}}, {}));
    if (!p.sc.sweeps.empty()) {
      try {
        page.sweeps = scenario_sweeps(p.sc, p.model);
      } catch (const UsageError& e) {  // a sweep of a segment the persona view left out
        page.notes.push_back(std::string("No response curves of the scenario's sweeps: ") + e.what());
      }
    }
  } catch (const SolverError& e) {
    page.notes.push_back(std::string("No what-to-fix-first: ") + e.what());
  }
}

// The two engines checked against each other on the page's own customers.
nlohmann::ordered_json engine_check(const PageInputs& p, const ExactSolution& exact) {
  p.say("cxsim: report: checking the Monte Carlo engine against the exact solver");
  const Agreement a =
      compare_engines(p.model.journey, p.model.population, p.settings.walk, p.settings.customers, exact);
  const FigureCheck* worst = a.worst();
  return {{"agrees", a.agrees()},
          {"figures", a.checks.size()},
          {"max_abs_z", a.max_abs_z()},
          {"worst", worst ? worst->figure : std::string()}};
}

// The best redesign (rank 1, as the table ranks them) drawn against the baseline.
void add_best_redesign_map(const PageInputs& p, const ComparisonStudy& study, const ExactSolution& exact,
                           HtmlReportInput& page) {
  const ComparisonResult& r = study.result;
  if (r.ranking.empty()) return;
  const std::size_t best = r.ranking.front() + 1;  // arm 0 is the baseline
  if (best >= r.exact.size() || !r.exact[best]) return;
  const MapBaseline against{&p.model.journey, &exact.figures};
  std::vector<std::string> ignored;
  page.redesign_map_svg = journey_map_svg(study.input->arms[best].model.journey, r.arm_names[best], p.segment_names,
                                          r.exact[best]->figures, ignored, page.redesign_map_legend, &against);
  page.redesign_map_name = r.arm_names[best];
}

}  // namespace

HtmlReportInput report_study(const ReportRequest& o, const Say& say) {
  using json = nlohmann::ordered_json;
  LoadedScenario loaded = load_scenario(o.scenario_file, "");
  for (const auto& w : loaded.warnings) say(w.to_string());
  if (o.segment) keep_only_segment(loaded.model, *o.segment);
  const Scenario& sc = loaded.scenario;
  const ScenarioModel& model = loaded.model;
  std::optional<Economics> economics = sc.economics;
  if (economics) economics->customers_per_year *= model.segment_share;
  const std::vector<const VariantSource*> variants = chosen_variants(sc, o);
  if (o.on_loaded) o.on_loaded(sc);

  MonteCarloSettings settings;
  settings.walk.seed = o.seed.value_or(sc.simulation.seed);
  settings.walk.max_steps = sc.simulation.max_steps;
  settings.customers = o.customers.value_or(sc.simulation.customers);
  std::vector<std::string> segment_names;
  for (const auto& seg : model.population.segments()) segment_names.push_back(seg.name);
  const PageInputs p{sc, model, economics, settings, segment_names, say};

  HtmlReportInput page;
  page.scenario = sc.name;
  page.variant = model.variant + (model.segment.empty() ? "" : " — segment " + model.segment + " only");
  if (const auto note = persona_note(model, economics)) page.notes.push_back(*note);
  with_threads(
      o.threads,
      [&](int n) {
        // Each arm is walked once and solved once: with redesigns, the comparison's baseline arm is
        // the run (the same customers a run alone would walk, so the same figures) and its exact
        // solution the exact figures.
        std::optional<ComparisonStudy> study;
        Report mc;
        std::optional<ExactSolution> exact;
        if (!variants.empty()) {
          study.emplace(compare_redesigns(p, o, variants, n, page));
          mc = study->result.reports.front();
          mc.threads = n;
          mc.elapsed_seconds = study->result.elapsed_seconds;
          exact = study->result.exact.front();
          if (!exact)
            page.notes.push_back(
                "No exact figures, what-to-fix-first or validation for the baseline (see the notes on the "
                "redesigns for why).");
        } else {
          exact = walk_and_solve_baseline(p, n, mc, page);
        }
        page.run = to_json(mc);
        page.journey_svg = journey_map_svg(model.journey, sc.name, segment_names, exact ? exact->figures : mc.figures,
                                           page.notes, page.map_legend);
        if (exact) {
          page.exact = to_json(exact_report(sc.name, model, *exact));
          page.personas = persona_losses(model);
          add_what_to_fix(p, page);
          page.validation = engine_check(p, *exact);
        }
        if (study) {
          for (const auto& w : study->result.warnings) page.notes.push_back(w);
          page.comparison = to_json(study->result);
          if (exact) add_best_redesign_map(p, *study, *exact, page);
        } else {
          page.notes.push_back("No redesigns: the scenario has no variants.");
        }
        return 0;
      },
      o.cancel);
  if (economics)
    page.economics = json{{"customers_per_year", economics->customers_per_year},
                          {"value_per_customer", economics->value_per_customer},
                          {"currency", economics->currency}};
  page.context = report_context(sc, model, variants, economics);
  page.reproduce = json{{"scenario_file", relative_to_output(o.scenario_file, o.out)},
                        {"sha256", sha256_of_files(sc.inputs)},
                        {"seed", settings.walk.seed},
                        {"customers", settings.customers},
                        {"version", "cxsim " CXSIM_VERSION},
                        {"date", utc_now()},
                        {"command", reproduce_command({o.scenario_file, o.out, settings.walk.seed, settings.customers,
                                                       o.segment, o.variants})}};
  return page;
}

namespace {

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

BatchShape check_batch_file(const std::string& path, BatchFormat format, const BatchFile& file, const Say& say) {
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
      throw InputError({path, line, 0}, "this row was run with " + batch_settings_words(g.options) + " but line " +
                                            std::to_string(first.row_lines.front()) + " with " +
                                            batch_settings_words(first.options) +
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
    say("cxsim: report: warning: " + shape.warnings.back());
  }

  return shape;
}

}  // namespace

PortfolioInput batch_report_study(const BatchReportRequest& o, const Say& say) {
  using json = nlohmann::ordered_json;
  namespace fs = std::filesystem;
  const std::string& path = o.results;
  // ---- the results file, checked whole before anything is run or written ----
  const BatchFormat format = batch_format_of(path);
  const BatchFile file = read_batch_file(path, format, true);
  BatchShape shape = check_batch_file(path, format, file, say);
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
  if (o.on_checked) o.on_checked(inputs);

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
      say("cxsim: report: warning: " + problem(named));
      j.problems.push_back(problem(relative_to_output(named, o.out)));
      j.note = found[k].changed.empty() ? "no sections: its scenario file is gone"
                                        : "no sections: its scenario file has changed since the batch";
      warnings.push_back(j.problems.back());
      portfolio.journeys.push_back(std::move(j));
      continue;
    }
    say("cxsim: report: " + *found[k].path);
    ReportRequest section;
    section.scenario_file = *found[k].path;
    section.seed = g.seed;
    section.customers = o.customers.value_or(g.customers);
    section.threads = o.threads;
    section.assumptions = assumptions;
    section.out = o.out;
    HtmlReportInput page = report_study(section, say);
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
        say("cxsim: report: warning: " + problem);
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
                       grouped_text(static_cast<double>(*o.customers)) +
                       " customers (--customers), not the batch's, so their simulated figures differ from the "
                       "table's by simulation noise; the table shows the batch's figures.");
    say("cxsim: report: warning: " + warnings.back());
  }

  const std::string results = relative_to_output(path, o.out);
  const std::string digest = sha256_of_files({path});
  portfolio.warnings = warnings;
  portfolio.source = "The figures of this table are the batch's own, read from '" + results + "' (SHA-256 " + digest +
                     "; " + std::to_string(file.groups.size()) + " scenario" + (file.groups.size() == 1 ? "" : "s") +
                     ", " + std::to_string(rows) + " rows, run with " + batch_settings_words(options) +
                     (shard_count > 1 ? " in " + std::to_string(shard_count) + " shards" : std::string()) +
                     "); nothing in it was simulated again. The verdicts and the order are compare's rules applied "
                     "to them: defections by the adjusted p-value at 5%, money by whether the whole 95% interval is "
                     "above zero" +
                     (npv_derived ? "; an NPV's interval is the net benefit's interval over the horizon and discount "
                                    "rate of the file's money_basis, less the one-off cost"
                                  : std::string()) +
                     ".";
  portfolio.command = "cxsim report --batch " + shell_quote(results) +
                      (o.customers ? " --customers " + std::to_string(*o.customers) : std::string()) + " --out " +
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
  return portfolio;
}

}  // namespace cxsim
