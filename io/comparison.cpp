#include "io/comparison.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <sstream>

#include "io/csv_escape.hpp"
#include "io/money.hpp"
#include "models/limits.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"

namespace cxsim {

namespace {

constexpr double significance = 0.05;

}  // namespace

std::string money_verdict(const Interval& ci) {
  return ci.lo > 0.0 ? "pays" : ci.hi < 0.0 ? "does not pay" : "cannot tell at this precision";
}

std::string defection_verdict(double p_adjusted, double difference) {
  return p_adjusted < significance ? (difference < 0.0 ? "better" : "worse") : "not distinguishable";
}

double annuity_factor(std::uint64_t horizon_years, double discount_rate) {
  double sum = 0.0, factor = 1.0;
  for (std::uint64_t y = 0; y < horizon_years; ++y, factor /= 1.0 + discount_rate) sum += factor;
  return sum;
}

// "per year", or with a horizon also the NPV's basis: the words every money figure is stated in.
std::string money_basis(const Economics& e) {
  std::string b = "per year";
  if (e.horizon_years)
    b += formatted("; npv over %llu years at %.6g%% a year, the first year undiscounted, less the one-off cost",
                   static_cast<unsigned long long>(*e.horizon_years), 100.0 * e.discount_rate);
  return b;
}

namespace {

using json = nlohmann::ordered_json;

json interval_json(const Interval& i) {
  return json::array({i.lo, i.hi});
}
json optional_json(const std::optional<double>& x) {
  return x ? json(*x) : json(nullptr);
}

json difference_json(const DifferenceFigure& d) {
  return {{"difference", d.difference},
          {"difference_ci95", interval_json(d.ci95)},
          {"standard_error", d.standard_error},
          {"p_value", d.p_value},
          {"discordant", {{"baseline_only", d.discordant.baseline_only}, {"variant_only", d.discordant.variant_only}}},
          {"exact_difference", optional_json(d.exact)},
          {"z_vs_exact", d.exact ? json(d.z_vs_exact) : json(nullptr)}};
}

json value_json(const RedesignValue& v, const Economics& e) {
  json j = {{"defections_avoided_per_year", v.defections_avoided},
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
  j["currency"] = e.currency;
  j["basis"] = money_basis(e);
  j["terms"] = v.terms;
  j["value_kept_per_year_exact"] = optional_json(v.value_kept_exact);
  j["cost_to_serve_change_per_year"] = optional_json(v.cost_to_serve_change);
  j["cost_to_serve_change_per_year_ci95"] =
      v.cost_to_serve_change ? interval_json(v.cost_to_serve_change_ci95) : json(nullptr);
  j["cost_to_serve_change_per_year_exact"] = optional_json(v.cost_to_serve_change_exact);
  if (!v.cost_to_serve_change) j["cost_to_serve_change_unavailable"] = v.cost_to_serve_missing;
  return j;
}

// An arm's exact cost to serve and effort per customer, and where its customers leave by stage.
void exact_arm_json(json& j, const ComparisonResult& r, std::size_t a) {
  const auto& x = r.exact[a];
  const Journey* journey = r.reports[a].journey;
  if (!x || !journey) {
    j["effort_minutes_per_customer_exact"] = nullptr;
    j["cost_to_serve_per_customer_exact"] = nullptr;
    return;
  }
  const PerCustomer each = per_customer(x->figures, *journey);
  j["effort_minutes_per_customer_exact"] = each.effort_minutes;
  j["cost_to_serve_per_customer_exact"] = optional_json(each.cost_to_serve);
  if (r.economics && !r.economics->value_by_stage.empty()) {
    json stages = json::object();
    for (const auto& [stage, share] : leaving_by_stage(x->figures, *journey)) stages[stage] = share;
    j["leaving_by_stage_exact"] = stages;
  }
}

}  // namespace

json to_json(const ComparisonResult& r) {
  json j;
  j["scenario"] = r.scenario;
  j["customers"] = r.customers;
  j["seed"] = r.seed;
  j["adjust"] = to_string(r.adjust);
  if (r.precision_target)
    j["precision"] = {
        {"target_half_width", *r.precision_target}, {"half_width", r.half_width}, {"reached", r.precision_reached}};
  if (r.economics)
    j["economics"] = {{"customers_per_year", r.economics->customers_per_year},
                      {"value_per_customer", r.economics->value_per_customer},
                      {"currency", r.economics->currency},
                      {"horizon_years", r.economics->horizon_years ? json(*r.economics->horizon_years) : json(nullptr)},
                      {"discount_rate", r.economics->discount_rate},
                      {"ranked_by", r.economics->horizon_years ? "npv" : "net_benefit_per_year"}};
  if (r.economics) {
    json stages = json::object();
    for (const auto& [stage, value] : r.economics->value_by_stage) stages[stage] = value;
    j["economics"]["value_by_stage"] = stages;
    j["economics"]["basis"] = money_basis(*r.economics);
  } else if (!r.money_unavailable.empty()) {
    j["economics"] = nullptr;
    j["economics_unavailable"] = r.money_unavailable;
  }
  json base = to_json(r.reports.front());
  if (r.exact.front()) base["exact_defection_rate"] = r.exact.front()->figures.defection_rate();
  exact_arm_json(base, r, 0);
  j["baseline"] = base;
  json variants = json::array();
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const auto& v = r.variants[i];
    json result = to_json(r.reports[i + 1]);
    if (r.exact[i + 1]) result["exact_defection_rate"] = r.exact[i + 1]->figures.defection_rate();
    exact_arm_json(result, r, i + 1);
    json x;
    x["name"] = v.name;
    if (i + 1 < r.descriptions.size() && !r.descriptions[i + 1].empty()) x["description"] = r.descriptions[i + 1];
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
    if (r.assumptions) x["assumptions"] = to_json(r.assumptions->redesigns[i]);
    if (v.value) {
      x["economics"] = value_json(*v.value, *r.economics);
    } else if (!r.money_unavailable.empty()) {
      x["economics"] = nullptr;
      x["economics_unavailable"] = r.money_unavailable;
    }
    variants.push_back(x);
  }
  j["variants"] = variants;
  json pairs = json::array();
  for (const auto& p : r.pairs) {
    json row = {{"a", p.a}, {"b", p.b}};
    row.update(difference_json(p.defection));
    row["p_adjusted"] = p.p_adjusted;
    if (r.economics) {
      row["net_benefit_difference_per_year"] = optional_json(p.net_benefit_difference);
      row["net_benefit_difference_per_year_ci95"] =
          p.net_benefit_difference ? interval_json(p.net_benefit_difference_ci95) : json(nullptr);
      row["net_benefit_difference_per_year_exact"] = optional_json(p.net_benefit_difference_exact);
      row["currency"] = r.economics->currency;
    }
    pairs.push_back(row);
  }
  j["pairs"] = pairs;
  j["pairs_adjust"] = std::string(to_string(r.adjust)) + " over the " + std::to_string(r.pairs.size()) +
                      " pairs of redesigns (a family of its own, apart from the comparisons with the baseline)";
  if (r.assumptions) {
    j["assumptions"] = to_json(*r.assumptions);
    if (j.contains("economics") && j["economics"].is_object())
      j["economics"]["ranked_by"] = "mean " + r.assumptions->decided_by + " under your assumptions";
  }
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
  TextTable ranked({{"rank", Align::left, 4},
                    {"redesign", Align::left, 26},
                    {"defection", Align::right, 10},
                    {"diff pp", Align::right, 9},
                    {"95% interval pp", Align::left, 20},
                    {"kept per 1,000 [95%]", Align::left, 22},
                    {"p adj.", Align::right, 9},
                    {"exact pp", Align::right, 9},
                    {" verdict", Align::left, 0}});
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
    o << formatted(
        "%s: %llu customers defect in the baseline only, %llu in the redesign only; the paired interval is "
        "%.0f%% as wide as one from two independent runs\n",
        v.name.c_str(), static_cast<unsigned long long>(v.defection.discordant.baseline_only),
        static_cast<unsigned long long>(v.defection.discordant.variant_only), 100.0 * ratio);
  }
  std::vector<std::string> better, worse, same;
  for (auto i : r.ranking)
    (r.variants[i].verdict == "better"  ? better
     : r.variants[i].verdict == "worse" ? worse
                                        : same)
        .push_back(r.variants[i].name);
  auto list = [](const std::vector<std::string>& xs) {
    std::string s;
    for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + xs[i];
    return s;
  };
  std::vector<std::string> sentences;
  if (!better.empty())
    sentences.push_back(list(better) + (better.size() == 1 ? " loses" : " lose") +
                        " fewer customers than the baseline");
  if (!worse.empty())
    sentences.push_back(list(worse) + (worse.size() == 1 ? " loses" : " lose") + " more customers than the baseline");
  if (!same.empty())
    sentences.push_back(list(same) + " cannot be told apart from the baseline with " + std::to_string(r.customers) +
                        " customers");
  o << "\nIn words, at the 5% level after " << to_string(r.adjust) << " adjustment: " << list(sentences) << ".\n";

  if (!r.money_unavailable.empty()) o << "\nNo money figures: " << r.money_unavailable << "\n";
  if (r.economics) {
    const std::string cur = r.economics->currency.empty() ? "" : " " + r.economics->currency;
    const auto& h = r.economics->horizon_years;
    bool serve = false;
    for (const auto& v : r.variants) serve = serve || (v.value && v.value->cost_to_serve_change);
    o << "\nWhat each redesign is worth per year (" << money(r.economics->customers_per_year) << " customers a year, "
      << money(r.economics->value_per_customer) << cur << " per defection"
      << (r.economics->value_by_stage.empty() ? "" : " unless its stage is valued otherwise")
      << "); net benefit = value kept" << (serve ? " - change in cost to serve" : "")
      << " - cost per year; redesigns are ranked by "
      << (r.assumptions ? std::string("their mean under your assumptions (below)")
          : h           ? "net present value over " + std::to_string(*h) + (*h == 1 ? " year" : " years") + " at " +
                    formatted("%.4g", 100.0 * r.economics->discount_rate) + "% a year"
              : std::string("net benefit per year"))
      << ". Intervals cover simulation noise only, not the assumptions; the verdict is the interval's:\n";
    std::vector<TextTable::Column> columns{{"redesign", Align::left, 28},
                                           {"defections avoided/yr", Align::left, 24},
                                           {"value kept" + cur + "/yr", Align::left, 36}};
    if (serve) columns.push_back({"cost to serve change" + cur + "/yr", Align::left, 36});
    columns.push_back({"cost" + cur + "/yr", Align::left, 12});
    columns.push_back({"net benefit" + cur + "/yr [95%]", Align::left, 36});
    columns.push_back({"exact" + cur + "/yr", Align::left, 14});
    if (h) columns.push_back({"NPV" + cur + " [95%]", Align::left, 36});
    columns.push_back({"money verdict", Align::left, 0});
    TextTable worth(std::move(columns));
    auto interval = [](double x, const Interval& ci) {
      return money(x) + " [" + money(ci.lo) + ", " + money(ci.hi) + "]";
    };
    for (auto i : r.ranking) {
      const auto& v = r.variants[i];
      if (!v.value) continue;
      const RedesignValue& m = *v.value;
      std::vector<std::string> cells{v.name, interval(m.defections_avoided, m.defections_avoided_ci95),
                                     interval(m.value_kept, m.value_kept_ci95)};
      if (serve)
        cells.push_back(m.cost_to_serve_change ? interval(*m.cost_to_serve_change, m.cost_to_serve_change_ci95)
                                               : "unknown");
      cells.push_back(money(m.cost));
      cells.push_back(interval(m.net_benefit, m.net_benefit_ci95));
      cells.push_back(m.net_benefit_exact ? money(*m.net_benefit_exact) : "-");
      if (h) cells.push_back(m.npv ? interval(*m.npv, m.npv_ci95) : "-");
      cells.push_back(m.verdict);
      worth.add(std::move(cells));
    }
    o << worth.str();
  }

  // Cost to serve and customer effort per customer, every arm.
  {
    bool any = false;
    for (const auto& rep : r.reports) any = any || per_customer(rep.figures, *rep.journey).cost_to_serve.has_value();
    for (const auto& rep : r.reports) any = any || per_customer(rep.figures, *rep.journey).effort_minutes > 0.0;
    if (any) {
      const std::string cur = r.economics && !r.economics->currency.empty() ? " " + r.economics->currency : "";
      o << "\nPer customer (estimate, exact):\n";
      TextTable each(
          {{"arm", Align::left, 28}, {"cost to serve" + cur, Align::left, 24}, {"effort minutes", Align::left, 0}});
      for (std::size_t a = 0; a < r.reports.size(); ++a) {
        const PerCustomer mc = per_customer(r.reports[a].figures, *r.reports[a].journey);
        std::optional<PerCustomer> x;
        if (r.exact[a]) x = per_customer(r.exact[a]->figures, *r.reports[a].journey);
        each.add({r.arm_names[a],
                  mc.cost_to_serve ? formatted("%.4g", *mc.cost_to_serve) +
                                         (x && x->cost_to_serve ? formatted(", %.4g", *x->cost_to_serve) : "")
                                   : "unknown (no touchpoint gives a cost)",
                  formatted("%.4g", mc.effort_minutes) + (x ? formatted(", %.4g", x->effort_minutes) : "")});
      }
      o << each.str();
    }
  }

  if (r.assumptions) o << format_assumptions(*r.assumptions, r.economics ? r.economics->currency : std::string());

  if (!r.pairs.empty()) {
    const std::string cur = r.economics && !r.economics->currency.empty() ? " " + r.economics->currency : "";
    o << "\nRedesign against redesign (a minus b, on the same customers; p-values adjusted by " << to_string(r.adjust)
      << " over the " << r.pairs.size() << (r.pairs.size() == 1 ? " pair" : " pairs") << "):\n";
    std::vector<TextTable::Column> columns{{"a", Align::left, 26},        {"b", Align::left, 26},
                                           {"diff pp", Align::right, 9},  {"95% interval pp", Align::left, 20},
                                           {"exact pp", Align::right, 9}, {"p adj.", Align::right, 9}};
    if (r.economics) {
      columns.push_back({" net benefit a-b" + cur + "/yr [95%]", Align::left, 40});
      columns.push_back({"exact", Align::left, 0});
    }
    TextTable pairs(std::move(columns));
    for (const auto& p : r.pairs) {
      std::vector<std::string> cells{p.a,
                                     p.b,
                                     pp(p.defection.difference),
                                     "[" + pp(p.defection.ci95.lo) + ", " + pp(p.defection.ci95.hi) + "]",
                                     p.defection.exact ? pp(*p.defection.exact) : "-",
                                     pvalue(p.p_adjusted)};
      if (r.economics) {
        cells.push_back(p.net_benefit_difference
                            ? " " + money(*p.net_benefit_difference) + " [" + money(p.net_benefit_difference_ci95.lo) +
                                  ", " + money(p.net_benefit_difference_ci95.hi) + "]"
                            : " -");
        cells.push_back(p.net_benefit_difference_exact ? money(*p.net_benefit_difference_exact) : "-");
      }
      pairs.add(std::move(cells));
    }
    o << pairs.str();
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
       "baseline_only,variant_only,currency,basis\n";
  const std::string money_tail =
      r.economics ? "," + csv_escape(r.economics->currency) + "," + csv_escape(money_basis(*r.economics)) + "\n"
                  : ",,\n";
  const std::string lead = csv_escape(r.scenario) + ',' + csv_escape(r.arm_names.front()) + ',';
  for (const auto& v : r.variants) {
    auto put = [&](const char* scope, const std::string& id, const DifferenceFigure& d,
                   std::optional<double> adjusted) {
      o << lead << csv_escape(v.name) << ',' << scope << ',' << csv_escape(id) << ',' << table_number(d.difference)
        << ',' << table_number(d.ci95.lo) << ',' << table_number(d.ci95.hi) << ',' << table_number(d.p_value) << ',';
      if (adjusted) o << table_number(*adjusted);
      o << ',';
      if (d.exact) o << table_number(*d.exact);
      o << ',' << d.discordant.baseline_only << ',' << d.discordant.variant_only << ",,\n";
    };
    put("defection_rate", "", v.defection, v.p_adjusted);
    for (int e = 0; e < ending_count; ++e) put("outcome", ending_names[e], v.outcomes[e], std::nullopt);
    for (const auto& s : v.segments) put("segment", s.name, s.difference, std::nullopt);
    for (const auto& t : v.touchpoints) put("touchpoint", t.id, t.difference, std::nullopt);
    if (v.value) {
      auto money_row = [&](const char* id, double x, const Interval& ci, std::optional<double> exact = std::nullopt) {
        o << lead << csv_escape(v.name) << ",economics," << id << ',' << table_number(x) << ',' << table_number(ci.lo)
          << ',' << table_number(ci.hi) << ",,,";
        if (exact) o << table_number(*exact);
        o << ",," << money_tail;
      };
      money_row("defections_avoided_per_year", v.value->defections_avoided, v.value->defections_avoided_ci95);
      money_row("value_kept_per_year", v.value->value_kept, v.value->value_kept_ci95, v.value->value_kept_exact);
      if (v.value->cost_to_serve_change)
        money_row("cost_to_serve_change_per_year", *v.value->cost_to_serve_change, v.value->cost_to_serve_change_ci95,
                  v.value->cost_to_serve_change_exact);
      money_row("net_benefit_per_year", v.value->net_benefit, v.value->net_benefit_ci95, v.value->net_benefit_exact);
      if (v.value->npv) money_row("npv", *v.value->npv, v.value->npv_ci95, v.value->npv_exact);
    }
  }
  if (r.assumptions) {
    // Under the assumptions: the mean, and the 5-95% range in the interval columns.
    const std::string tail =
        r.economics ? "," + csv_escape(r.economics->currency) + ",your assumptions\n" : ",,your assumptions\n";
    for (const auto& x : r.assumptions->redesigns) {
      const auto row = [&](const char* id, const DrawSummary& d, const std::string& end) {
        o << lead << csv_escape(x.name) << ",assumptions," << id << ',' << table_number(d.mean) << ','
          << table_number(d.p5) << ',' << table_number(d.p95) << ",,,,," << end;
      };
      row("defection_change", x.defection_change, ",,your assumptions\n");
      row("net_benefit_per_year", x.net_benefit, tail);
      row("value_kept_per_year", x.value_kept, tail);
      o << lead << csv_escape(x.name) << ",assumptions,p_pays," << table_number(x.p_pays) << ",,,,,,," << tail;
      o << lead << csv_escape(x.name) << ",assumptions,p_best," << table_number(x.p_best) << ",,,,,,," << tail;
    }
  }
  for (const auto& p : r.pairs) {
    const std::string lead_pair = csv_escape(r.scenario) + ',' + csv_escape(p.b) + ',' + csv_escape(p.a) + ",pair,";
    const DifferenceFigure& d = p.defection;
    o << lead_pair << "defection_rate," << table_number(d.difference) << ',' << table_number(d.ci95.lo) << ','
      << table_number(d.ci95.hi) << ',' << table_number(d.p_value) << ',' << table_number(p.p_adjusted) << ',';
    if (d.exact) o << table_number(*d.exact);
    o << ',' << d.discordant.baseline_only << ',' << d.discordant.variant_only << ",,\n";
    if (p.net_benefit_difference) {
      o << lead_pair << "net_benefit_per_year," << table_number(*p.net_benefit_difference) << ','
        << table_number(p.net_benefit_difference_ci95.lo) << ',' << table_number(p.net_benefit_difference_ci95.hi)
        << ",,,";
      if (p.net_benefit_difference_exact) o << table_number(*p.net_benefit_difference_exact);
      o << ",," << money_tail;
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
