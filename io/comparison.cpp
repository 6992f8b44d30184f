#include "io/comparison.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <sstream>

#include "io/csv_escape.hpp"
#include "models/limits.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"

namespace cxsim {

namespace {

constexpr double significance = 0.05;

DifferenceFigure difference_of(const Discordant& d, std::uint64_t n, std::optional<double> exact) {
  const PairedDifference p = paired_difference(d.baseline_only, d.variant_only, n);
  DifferenceFigure f;
  f.difference = p.difference;
  f.standard_error = p.standard_error;
  f.ci95 = p.ci95;
  f.p_value = p.p_value;
  f.discordant = d;
  f.exact = exact;
  if (exact) {
    // The floor of one customer's worth keeps a rare event (no discordant customer yet) from
    // giving an infinite z.
    const double floor = n > 0 ? 1.0 / static_cast<double>(n) : 1.0;
    f.z_vs_exact = (f.difference - *exact) / std::sqrt(f.standard_error * f.standard_error + floor * floor);
  }
  return f;
}

// Touchpoints of every arm, matched by id: the baseline's first, then those a redesign adds.
std::vector<std::string> shared_touchpoints(const std::vector<ComparisonArm>& arms, std::vector<Arm>& out) {
  std::vector<std::string> ids;
  std::map<std::string, std::uint32_t> index;
  for (const ComparisonArm& a : arms) {
    Arm arm{&a.model.journey, &a.model.population, {}};
    for (const Touchpoint& t : a.model.journey.touchpoints()) {
      auto [it, fresh] = index.emplace(t.id, static_cast<std::uint32_t>(ids.size()));
      if (fresh) ids.push_back(t.id);
      arm.shared_index.push_back(it->second);
    }
    out.push_back(std::move(arm));
  }
  return ids;
}

Report report_of(const ComparisonArm& arm, const Tally& tally, const PairedSettings& s) {
  Report r;
  r.scenario = arm.scenario;
  r.variant = arm.name;
  r.journey = &arm.model.journey;
  r.population = &arm.model.population;
  r.figures = figures_of(tally);
  r.tally = tally;
  r.seed = s.walk.seed;
  r.max_steps = s.walk.max_steps;
  return r;
}

// Exact defections blamed on each shared touchpoint (0 where the arm has no such touchpoint).
std::vector<double> exact_defections(const Arm& arm, const ExactSolution& x, std::size_t shared_touchpoints) {
  std::vector<double> out(shared_touchpoints, 0.0);
  for (std::size_t k = 0; k < arm.shared_index.size(); ++k) out[arm.shared_index[k]] = x.figures.touchpoints[k].defections();
  return out;
}

std::optional<double> exact_segment_rate(const ComparisonArm& arm, const ExactSolution& x, const std::string& name) {
  const auto segs = arm.model.population.segments();
  for (std::size_t s = 0; s < segs.size(); ++s)
    if (segs[s].name == name && s < x.figures.segments.size()) return x.figures.segments[s].defection_rate;
  return std::nullopt;
}

RedesignValue value_of(const DifferenceFigure& d, const Economics& e, std::optional<double> cost,
                       std::optional<double> one_off_cost) {
  RedesignValue v;
  v.defections_avoided = -d.difference * e.customers_per_year;
  v.defections_avoided_ci95 = {-d.ci95.hi * e.customers_per_year, -d.ci95.lo * e.customers_per_year};
  v.value_kept = v.defections_avoided * e.value_per_customer;
  v.value_kept_ci95 = {v.defections_avoided_ci95.lo * e.value_per_customer,
                       v.defections_avoided_ci95.hi * e.value_per_customer};
  v.cost = cost.value_or(0.0);
  v.net_benefit = v.value_kept - v.cost;
  v.net_benefit_ci95 = {v.value_kept_ci95.lo - v.cost, v.value_kept_ci95.hi - v.cost};
  if (d.exact) v.net_benefit_exact = -*d.exact * e.customers_per_year * e.value_per_customer - v.cost;
  v.verdict = v.net_benefit_ci95.lo > 0.0   ? "pays"
              : v.net_benefit_ci95.hi < 0.0 ? "does not pay"
                                            : "cannot tell at this precision";
  v.one_off_cost = one_off_cost.value_or(0.0);
  if (e.horizon_years) {
    const double a = annuity_factor(*e.horizon_years, e.discount_rate);
    v.npv = a * v.net_benefit - v.one_off_cost;
    v.npv_ci95 = {a * v.net_benefit_ci95.lo - v.one_off_cost, a * v.net_benefit_ci95.hi - v.one_off_cost};
    if (v.net_benefit_exact) v.npv_exact = a * *v.net_benefit_exact - v.one_off_cost;
    // Over a horizon the one-off cost counts too: the verdict is the NPV's.
    v.verdict = v.npv_ci95.lo > 0.0 ? "pays" : v.npv_ci95.hi < 0.0 ? "does not pay" : "cannot tell at this precision";
  }
  return v;
}

}  // namespace

double annuity_factor(std::uint64_t horizon_years, double discount_rate) {
  double sum = 0.0, factor = 1.0;
  for (std::uint64_t y = 0; y < horizon_years; ++y, factor /= 1.0 + discount_rate) sum += factor;
  return sum;
}

ComparisonResult compare_arms(const ComparisonInput& in) {
  const auto t0 = std::chrono::steady_clock::now();
  ComparisonResult r;
  r.scenario = in.arms.front().scenario;
  r.economics = in.economics;
  r.adjust = in.adjust;
  r.seed = in.settings.walk.seed;
  if (in.settings.precision > 0.0) r.precision_target = in.settings.precision;
  for (const auto& a : in.arms) r.arm_names.push_back(a.name);

  std::vector<Arm> arms;
  const std::vector<std::string> ids = shared_touchpoints(in.arms, arms);
  const PairedRun run = run_paired(arms, ids.size(), in.settings);
  r.customers = run.tally.arms.front().customers;
  r.precision_reached = run.precision_reached;
  r.half_width = run.half_width;
  for (std::size_t a = 0; a < in.arms.size(); ++a) r.reports.push_back(report_of(in.arms[a], run.tally.arms[a], in.settings));

  for (const ComparisonArm& a : in.arms) {
    if (a.model.journey.size() > limits::exact_solver_touchpoints) {
      r.exact.push_back(std::nullopt);
      r.warnings.push_back("no exact figures for '" + a.name + "': its " + std::to_string(a.model.journey.size()) +
                           " touchpoints are more than the exact solver is meant for (" +
                           std::to_string(limits::exact_solver_touchpoints) + ")");
      continue;
    }
    try {
      r.exact.push_back(solve_exact(a.model.journey, a.model.population));
    } catch (const SolverError& e) {
      r.exact.push_back(std::nullopt);
      r.warnings.push_back("no exact figures for '" + a.name + "': " + e.what());
    }
  }
  // More than 0.1% of an arm's customers cut off at max_steps bias its defection rate low.
  for (std::size_t a = 0; a < in.arms.size(); ++a) {
    const Tally& t = run.tally.arms[a];
    const std::uint64_t unfinished = t.endings[static_cast<int>(Ending::unfinished)];
    if (t.customers == 0 || unfinished * 1000 <= t.customers) continue;
    std::string w = formatted(
        "'%s': %llu customers (%.3f%%) were still walking after %llu visits (max_steps) and count as "
        "unfinished, so its defection rate is biased low",
        in.arms[a].name.c_str(), static_cast<unsigned long long>(unfinished),
        100.0 * static_cast<double>(unfinished) / static_cast<double>(t.customers),
        static_cast<unsigned long long>(in.settings.walk.max_steps));
    if (r.exact[a])
      w += formatted("; its exact defection rate, which has no step limit, is %.3f%%",
                     100.0 * r.exact[a]->figures.defection_rate());
    r.warnings.push_back(w);
  }

  const std::uint64_t n = r.customers;
  const ComparisonArm& base = in.arms.front();
  const auto& bx = r.exact.front();
  const std::vector<double> base_blamed = bx ? exact_defections(arms.front(), *bx, ids.size()) : std::vector<double>();
  for (std::size_t a = 1; a < in.arms.size(); ++a) {
    const ComparisonArm& arm = in.arms[a];
    const PairTally& pair = run.tally.pairs[a - 1];
    const auto& vx = r.exact[a];
    const bool exact = bx && vx;
    VariantComparison v;
    v.name = arm.name;
    v.defection = difference_of(pair.defection, n,
                                exact ? std::optional(vx->figures.defection_rate() - bx->figures.defection_rate())
                                      : std::nullopt);
    const Figures& bf = r.reports.front().figures;
    const Figures& vf = r.reports[a].figures;
    v.unpaired_standard_error = unpaired_standard_error(bf.defection_rate(), vf.defection_rate(), n);
    for (int e = 0; e < ending_count; ++e) {
      std::optional<double> x;
      // The exact solver has no step limit: nobody is unfinished there.
      if (exact) x = vx->figures.outcomes[e] - bx->figures.outcomes[e];
      v.outcomes[e] = difference_of(pair.outcomes[e], n, x);
    }
    const auto segs = base.model.population.segments();
    for (std::size_t s = 0; s < segs.size(); ++s) {
      std::optional<double> x;
      if (exact) {
        const auto xb = exact_segment_rate(base, *bx, segs[s].name), xv = exact_segment_rate(arm, *vx, segs[s].name);
        if (xb && xv) x = *xv - *xb;
      }
      v.segments.push_back({segs[s].name, pair.segment_customers[s],
                            difference_of(pair.segments[s], pair.segment_customers[s], x)});
    }
    const std::vector<double> blamed = exact ? exact_defections(arms[a], *vx, ids.size()) : std::vector<double>();
    for (std::size_t k = 0; k < ids.size(); ++k) {
      std::optional<double> x;
      if (exact) x = blamed[k] - base_blamed[k];
      v.touchpoints.push_back({ids[k], difference_of(pair.touchpoints[k], n, x)});
    }
    if (in.economics) v.value = value_of(v.defection, *in.economics, arm.cost_per_year, arm.one_off_cost);
    // No customer defected in one arm and not the other: the paired interval is [0, 0], which
    // is no evidence that nothing changed, only that this many customers could not show it.
    if (pair.defection.baseline_only == 0 && pair.defection.variant_only == 0) {
      std::string w = formatted("'%s': no customer's defection differed from the baseline in %llu customers, so its "
                                "interval [0, 0] is degenerate: it only says the change is too small to show in this "
                                "many customers",
                                arm.name.c_str(), static_cast<unsigned long long>(n));
      if (v.defection.exact) w += formatted("; the exact difference is %+.4g percentage points", 100.0 * *v.defection.exact);
      r.warnings.push_back(w);
    }
    r.variants.push_back(std::move(v));
  }

  std::vector<double> p;
  for (const auto& v : r.variants) p.push_back(v.defection.p_value);
  const std::vector<double> adjusted = adjust_p_values(p, in.adjust);
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    auto& v = r.variants[i];
    v.p_adjusted = adjusted[i];
    v.verdict = v.p_adjusted < significance ? (v.defection.difference < 0.0 ? "better" : "worse") : "not distinguishable";
  }
  r.ranking.resize(r.variants.size());
  std::iota(r.ranking.begin(), r.ranking.end(), 0);
  std::stable_sort(r.ranking.begin(), r.ranking.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = r.variants[a];
    const auto& y = r.variants[b];
    if (x.value && y.value)
      return x.value->npv ? *x.value->npv > *y.value->npv : x.value->net_benefit > y.value->net_benefit;
    return x.defection.difference < y.defection.difference;
  });
  r.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

namespace {

using json = nlohmann::ordered_json;

json interval_json(const Interval& i) { return json::array({i.lo, i.hi}); }
json optional_json(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

json difference_json(const DifferenceFigure& d) {
  return {{"difference", d.difference},
          {"difference_ci95", interval_json(d.ci95)},
          {"standard_error", d.standard_error},
          {"p_value", d.p_value},
          {"discordant", {{"baseline_only", d.discordant.baseline_only}, {"variant_only", d.discordant.variant_only}}},
          {"exact_difference", optional_json(d.exact)},
          {"z_vs_exact", d.exact ? json(d.z_vs_exact) : json(nullptr)}};
}

json value_json(const RedesignValue& v) {
  return {{"defections_avoided_per_year", v.defections_avoided},
          {"defections_avoided_per_year_ci95", interval_json(v.defections_avoided_ci95)},
          {"value_kept_per_year", v.value_kept},
          {"value_kept_per_year_ci95", interval_json(v.value_kept_ci95)},
          {"cost_per_year", v.cost},
          {"net_benefit_per_year", v.net_benefit},
          {"net_benefit_per_year_ci95", interval_json(v.net_benefit_ci95)},
          {"net_benefit_per_year_exact", optional_json(v.net_benefit_exact)},
          {"interval_covers", "simulation noise"},
          {"one_off_cost", v.one_off_cost},
          {"npv", optional_json(v.npv)},
          {"npv_ci95", v.npv ? interval_json(v.npv_ci95) : json(nullptr)},
          {"npv_exact", optional_json(v.npv_exact)},
          {"verdict", v.verdict}};
}

}  // namespace

json to_json(const ComparisonResult& r) {
  json j;
  j["scenario"] = r.scenario;
  j["customers"] = r.customers;
  j["seed"] = r.seed;
  j["adjust"] = to_string(r.adjust);
  if (r.precision_target)
    j["precision"] = {{"target_half_width", *r.precision_target}, {"half_width", r.half_width}, {"reached", r.precision_reached}};
  if (r.economics)
    j["economics"] = {{"customers_per_year", r.economics->customers_per_year},
                      {"value_per_customer", r.economics->value_per_customer},
                      {"currency", r.economics->currency},
                      {"horizon_years", r.economics->horizon_years ? json(*r.economics->horizon_years) : json(nullptr)},
                      {"discount_rate", r.economics->discount_rate},
                      {"ranked_by", r.economics->horizon_years ? "npv" : "net_benefit_per_year"}};
  json base = to_json(r.reports.front());
  if (r.exact.front()) base["exact_defection_rate"] = r.exact.front()->figures.defection_rate();
  j["baseline"] = base;
  json variants = json::array();
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const auto& v = r.variants[i];
    json result = to_json(r.reports[i + 1]);
    if (r.exact[i + 1]) result["exact_defection_rate"] = r.exact[i + 1]->figures.defection_rate();
    json x;
    x["name"] = v.name;
    x["rank"] = std::find(r.ranking.begin(), r.ranking.end(), i) - r.ranking.begin() + 1;
    x["verdict"] = v.verdict;
    x["result"] = result;
    x["difference"] = v.defection.difference;
    x["difference_ci95"] = interval_json(v.defection.ci95);
    x["standard_error"] = v.defection.standard_error;
    x["unpaired_standard_error"] = v.unpaired_standard_error;
    x["p_value"] = v.defection.p_value;
    x["p_adjusted"] = v.p_adjusted;
    x["discordant"] = {{"baseline_only", v.defection.discordant.baseline_only},
                       {"variant_only", v.defection.discordant.variant_only}};
    x["exact_difference"] = optional_json(v.defection.exact);
    x["z_vs_exact"] = v.defection.exact ? json(v.defection.z_vs_exact) : json(nullptr);
    x["customers_kept_per_1000"] = -1000.0 * v.defection.difference;
    x["customers_kept_per_1000_ci95"] = {-1000.0 * v.defection.ci95.hi, -1000.0 * v.defection.ci95.lo};
    json outcomes = json::object();
    for (int e = 0; e < ending_count; ++e) outcomes[ending_names[e]] = difference_json(v.outcomes[e]);
    x["outcomes"] = outcomes;
    json segs = json::array();
    for (const auto& s : v.segments) {
      json row = {{"name", s.name}, {"customers", s.customers}};
      row.update(difference_json(s.difference));
      segs.push_back(row);
    }
    x["segments"] = segs;
    json tps = json::array();
    for (const auto& t : v.touchpoints) {
      json row = {{"id", t.id}};
      row.update(difference_json(t.difference));
      tps.push_back(row);
    }
    x["touchpoints"] = tps;
    if (v.value) x["economics"] = value_json(*v.value);
    variants.push_back(x);
  }
  j["variants"] = variants;
  j["warnings"] = r.warnings;
  j["threads"] = r.threads;
  j["elapsed_seconds"] = r.elapsed_seconds;
  return j;
}

namespace {

std::string pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", 100.0 * x);
  return buf;
}

// A difference of shares in percentage points.
std::string pp(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.3f", 100.0 * x);
  return buf;
}

std::string pvalue(double p) {
  char buf[32];
  if (p < 1e-300) return "<1e-300";
  std::snprintf(buf, sizeof buf, p < 0.001 ? "%.1e" : "%.3f", p);
  return buf;
}

std::string money(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0f", x);
  std::string s = buf;
  // Thousands separators, for people.
  const bool negative = !s.empty() && s[0] == '-';
  std::string digits = negative ? s.substr(1) : s;
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return (negative ? "-" : "") + digits;
}

std::string table(const ComparisonResult& r) {
  std::ostringstream o;
  o << r.scenario << ": " << r.variants.size() << " redesign" << (r.variants.size() == 1 ? "" : "s")
    << " against the baseline, paired on common random numbers\n";
  o << r.customers << " customers, seed " << r.seed << ", " << r.threads << (r.threads == 1 ? " thread" : " threads")
    << ", p-values adjusted by " << to_string(r.adjust) << "\n";
  if (r.precision_target) {
    o << formatted("Precision target ±%g %s (widest 95%% half-width %.3g)\n", *r.precision_target,
                   r.precision_reached ? "reached" : "NOT reached", r.half_width);
  }
  const Figures& bf = r.reports.front().figures;
  o << "baseline defection rate " << pct(bf.defection_rate());
  if (r.exact.front()) o << " (exact " << pct(r.exact.front()->figures.defection_rate()) << ")";
  o << "\n\nDifferences are redesign minus baseline, in percentage points (pp) of customers; negative\n"
       "means fewer defections. Intervals are 95%, from the same customers walked in both journeys.\n\n";
  using Align = TextTable::Align;
  TextTable ranked({{"rank", Align::left, 4}, {"redesign", Align::left, 26}, {"defection", Align::right, 10},
                    {"diff pp", Align::right, 9}, {"95% interval pp", Align::left, 20},
                    {"kept per 1,000 [95%]", Align::left, 22}, {"p adj.", Align::right, 9},
                    {"exact pp", Align::right, 9}, {" verdict", Align::left, 0}});
  bool flagged = false;
  for (std::size_t pos = 0; pos < r.ranking.size(); ++pos) {
    const auto& v = r.variants[r.ranking[pos]];
    const Figures& vf = r.reports[r.ranking[pos] + 1].figures;
    std::string exact = v.defection.exact ? pp(*v.defection.exact) : "-";
    if (v.defection.flagged()) {
      exact += " (!)";
      flagged = true;
    }
    ranked.add({std::to_string(pos + 1), v.name, pct(vf.defection_rate()), pp(v.defection.difference),
                "[" + pp(v.defection.ci95.lo) + ", " + pp(v.defection.ci95.hi) + "]",
                formatted("%.1f [%.1f, %.1f]", -1000.0 * v.defection.difference, -1000.0 * v.defection.ci95.hi,
                          -1000.0 * v.defection.ci95.lo),
                pvalue(v.p_adjusted), exact, " " + v.verdict});
  }
  o << ranked.str();
  if (flagged)
    o << "(!) the estimate is more than 5 standard errors from the exact difference: check max_steps and the "
         "warnings\n";

  o << "\n";
  for (std::size_t pos = 0; pos < r.ranking.size(); ++pos) {
    const auto& v = r.variants[r.ranking[pos]];
    const double ratio = v.unpaired_standard_error > 0 ? v.defection.standard_error / v.unpaired_standard_error : 0.0;
    o << formatted("%s: %llu customers defect in the baseline only, %llu in the redesign only; the paired interval is "
                   "%.0f%% as wide as one from two independent runs\n",
                   v.name.c_str(), static_cast<unsigned long long>(v.defection.discordant.baseline_only),
                   static_cast<unsigned long long>(v.defection.discordant.variant_only), 100.0 * ratio);
  }
  std::vector<std::string> better, worse, same;
  for (auto i : r.ranking)
    (r.variants[i].verdict == "better" ? better : r.variants[i].verdict == "worse" ? worse : same).push_back(r.variants[i].name);
  auto list = [](const std::vector<std::string>& xs) {
    std::string s;
    for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + xs[i];
    return s;
  };
  std::vector<std::string> sentences;
  if (!better.empty())
    sentences.push_back(list(better) + (better.size() == 1 ? " loses" : " lose") + " fewer customers than the baseline");
  if (!worse.empty()) sentences.push_back(list(worse) + (worse.size() == 1 ? " loses" : " lose") + " more customers than the baseline");
  if (!same.empty())
    sentences.push_back(list(same) + " cannot be told apart from the baseline with " + std::to_string(r.customers) +
                        " customers");
  o << "\nIn words, at the 5% level after " << to_string(r.adjust) << " adjustment: " << list(sentences) << ".\n";

  if (r.economics) {
    const std::string cur = r.economics->currency.empty() ? "" : " " + r.economics->currency;
    const auto& h = r.economics->horizon_years;
    o << "\nWhat each redesign is worth per year (" << money(r.economics->customers_per_year) << " customers a year, "
      << money(r.economics->value_per_customer) << cur << " per defection); redesigns are ranked by "
      << (h ? "net present value over " + std::to_string(*h) + (*h == 1 ? " year" : " years") + " at " +
                  formatted("%.4g", 100.0 * r.economics->discount_rate) + "% a year"
            : std::string("net benefit per year"))
      << ". Intervals cover simulation noise only, not the assumptions; the verdict is the interval's:\n";
    std::vector<TextTable::Column> columns{{"redesign", Align::left, 28}, {"defections avoided", Align::left, 24},
                                           {"value kept" + cur, Align::left, 36}, {"cost" + cur, Align::left, 12},
                                           {"net benefit" + cur + " [95%]", Align::left, 36}};
    if (h) columns.push_back({"NPV" + cur + " [95%]", Align::left, 36});
    columns.push_back({"money verdict", Align::left, 0});
    TextTable worth(std::move(columns));
    auto interval = [](double x, const Interval& ci) { return money(x) + " [" + money(ci.lo) + ", " + money(ci.hi) + "]"; };
    for (auto i : r.ranking) {
      const auto& v = r.variants[i];
      if (!v.value) continue;
      const RedesignValue& m = *v.value;
      std::vector<std::string> cells{v.name, interval(m.defections_avoided, m.defections_avoided_ci95),
                                     interval(m.value_kept, m.value_kept_ci95), money(m.cost),
                                     interval(m.net_benefit, m.net_benefit_ci95)};
      if (h) cells.push_back(m.npv ? interval(*m.npv, m.npv_ci95) : "-");
      cells.push_back(m.verdict);
      worth.add(std::move(cells));
    }
    o << worth.str();
  }

  // Where each redesign moves defections: the touchpoints with the largest changes.
  for (auto i : r.ranking) {
    const auto& v = r.variants[i];
    std::vector<const VariantComparison::Touchpoint*> moved;
    for (const auto& t : v.touchpoints)
      if (t.difference.discordant.baseline_only + t.difference.discordant.variant_only > 0) moved.push_back(&t);
    if (moved.empty()) continue;
    std::stable_sort(moved.begin(), moved.end(), [](const auto* a, const auto* b) {
      return std::fabs(a->difference.difference) > std::fabs(b->difference.difference);
    });
    o << "\n" << v.name << ": defections blamed per touchpoint, per 1,000 customers (largest changes first)\n";
    TextTable changes({{"", Align::left, 24}, {"", Align::right, 8}, {}, {}, {"", Align::right, 0}}, "  ");
    for (std::size_t k = 0; k < moved.size() && k < 5; ++k) {
      const auto& d = moved[k]->difference;
      changes.add({moved[k]->id, formatted("%+.2f", 1000.0 * d.difference),
                   formatted(" [%+.2f, %+.2f]", 1000.0 * d.ci95.lo, 1000.0 * d.ci95.hi), " exact",
                   d.exact ? formatted("%+.2f", 1000.0 * *d.exact) : "-"});
    }
    o << changes.str();
  }
  for (const auto& w : r.warnings) o << "\nwarning: " << w << "\n";
  return o.str();
}

// Tidy long format: one difference a row.
std::string csv(const ComparisonResult& r) {
  std::ostringstream o;
  o << "scenario,baseline,variant,scope,id,difference,ci95_low,ci95_high,p_value,p_adjusted,exact_difference,"
       "baseline_only,variant_only\n";
  const std::string lead = csv_escape(r.scenario) + ',' + csv_escape(r.arm_names.front()) + ',';
  for (const auto& v : r.variants) {
    auto put = [&](const char* scope, const std::string& id, const DifferenceFigure& d, std::optional<double> adjusted) {
      o << lead << csv_escape(v.name) << ',' << scope << ',' << csv_escape(id) << ',' << table_number(d.difference)
        << ',' << table_number(d.ci95.lo) << ',' << table_number(d.ci95.hi) << ',' << table_number(d.p_value) << ',';
      if (adjusted) o << table_number(*adjusted);
      o << ',';
      if (d.exact) o << table_number(*d.exact);
      o << ',' << d.discordant.baseline_only << ',' << d.discordant.variant_only << '\n';
    };
    put("defection_rate", "", v.defection, v.p_adjusted);
    for (int e = 0; e < ending_count; ++e) put("outcome", ending_names[e], v.outcomes[e], std::nullopt);
    for (const auto& s : v.segments) put("segment", s.name, s.difference, std::nullopt);
    for (const auto& t : v.touchpoints) put("touchpoint", t.id, t.difference, std::nullopt);
    if (v.value) {
      auto money_row = [&](const char* id, double x, const Interval& ci, std::optional<double> exact = std::nullopt) {
        o << lead << csv_escape(v.name) << ",economics," << id << ',' << table_number(x) << ','
          << table_number(ci.lo) << ',' << table_number(ci.hi) << ",,,";
        if (exact) o << table_number(*exact);
        o << ",,\n";
      };
      money_row("defections_avoided_per_year", v.value->defections_avoided, v.value->defections_avoided_ci95);
      money_row("value_kept_per_year", v.value->value_kept, v.value->value_kept_ci95);
      money_row("net_benefit_per_year", v.value->net_benefit, v.value->net_benefit_ci95, v.value->net_benefit_exact);
      if (v.value->npv) money_row("npv", *v.value->npv, v.value->npv_ci95, v.value->npv_exact);
    }
  }
  return o.str();
}

}  // namespace

std::string format_comparison(const ComparisonResult& r, Format f) {
  switch (f) {
    case Format::json: return to_json(r).dump(2) + "\n";
    case Format::csv: return csv(r);
    case Format::table: break;
  }
  return table(r);
}

}  // namespace cxsim
