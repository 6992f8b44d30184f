#include "analysis/compare_arms.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "io/money.hpp"
#include "io/text_table.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

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
  for (std::size_t k = 0; k < arm.shared_index.size(); ++k)
    out[arm.shared_index[k]] = x.figures.touchpoints[k].defections();
  return out;
}

std::optional<double> exact_segment_rate(const ComparisonArm& arm, const ExactSolution& x, const std::string& name) {
  const auto segs = arm.model.population.segments();
  for (std::size_t s = 0; s < segs.size(); ++s)
    if (segs[s].name == name && s < x.figures.segments.size()) return x.figures.segments[s].defection_rate;
  return std::nullopt;
}

bool has_cost(const Journey& j) {
  for (const Touchpoint& t : j.touchpoints())
    if (t.cost) return true;
  return false;
}

// What arm `a` (> 0) is worth against the baseline. With per-customer money tallies, the value
// kept (by stage), the cost to serve and the net benefit each get the paired interval of their
// own per-customer differences; without, everything follows from the defection difference.
struct MoneyContext {
  const Economics& e;
  const std::vector<ComparisonArm>& arms;
  const std::vector<std::optional<ExactSolution>>& exact;
  const PairedTally& tally;
  std::uint64_t n;
  double scale;
};

RedesignValue value_of(const DifferenceFigure& d, const MoneyContext& c, std::size_t a,
                       std::vector<std::string>& warnings) {
  const Economics& e = c.e;
  const ComparisonArm& base = c.arms.front();
  const ComparisonArm& arm = c.arms[a];
  const double per_year = e.customers_per_year;
  RedesignValue v;
  v.defections_avoided = -d.difference * per_year;
  v.defections_avoided_ci95 = {-d.ci95.hi * per_year, -d.ci95.lo * per_year};
  v.value_kept = v.defections_avoided * e.value_per_customer;
  v.value_kept_ci95 = {v.defections_avoided_ci95.lo * e.value_per_customer,
                       v.defections_avoided_ci95.hi * e.value_per_customer};
  const MoneyPairTally* m =
      c.tally.money_pairs.empty() ? nullptr : &c.tally.money_pairs[arm_pair_index(0, a, c.arms.size())];
  if (m && !e.value_by_stage.empty()) {
    const MeanEstimate kept = mean_estimate(m->loss.value(), m->loss_sq.value(), c.n, c.scale * per_year);
    v.value_kept = kept.mean;
    v.value_kept_ci95 = kept.ci95;
  }
  const auto& bx = c.exact.front();
  const auto& vx = c.exact[a];
  if (bx && vx)
    v.value_kept_exact = per_year * (expected_loss(bx->figures, base.model.journey, e) -
                                     expected_loss(vx->figures, arm.model.journey, e));
  v.cost = arm.cost_per_year.value_or(0.0);
  v.terms.push_back("value_kept_per_year");
  // Cost to serve: included when both journeys give costs.
  const bool cost_b = has_cost(base.model.journey), cost_v = has_cost(arm.model.journey);
  if (cost_b && cost_v && m) {
    const MeanEstimate saved = mean_estimate(m->cost.value(), m->cost_sq.value(), c.n, c.scale * per_year);
    v.cost_to_serve_change = -saved.mean;
    v.cost_to_serve_change_ci95 = {-saved.ci95.hi, -saved.ci95.lo};
    if (bx && vx) {
      const auto pb = per_customer(bx->figures, base.model.journey), pv = per_customer(vx->figures, arm.model.journey);
      v.cost_to_serve_change_exact = per_year * (pv.cost_to_serve.value_or(0.0) - pb.cost_to_serve.value_or(0.0));
    }
    v.terms.push_back("cost_to_serve_change_per_year");
  } else if (cost_b != cost_v) {
    v.cost_to_serve_missing = "'" + (cost_b ? arm.name : base.name) +
                              "' gives no touchpoint a cost, so its cost to serve is unknown and the change in "
                              "cost to serve is left out of the net benefit";
    warnings.push_back(v.cost_to_serve_missing);
  } else {
    v.cost_to_serve_missing = "no touchpoint gives a cost";
  }
  v.terms.push_back("cost_per_year");
  if (v.cost_to_serve_change) {
    const MeanEstimate total = mean_estimate(m->total.value(), m->total_sq.value(), c.n, c.scale * per_year);
    v.net_benefit = total.mean - v.cost;
    v.net_benefit_ci95 = {total.ci95.lo - v.cost, total.ci95.hi - v.cost};
  } else {
    v.net_benefit = v.value_kept - v.cost;
    v.net_benefit_ci95 = {v.value_kept_ci95.lo - v.cost, v.value_kept_ci95.hi - v.cost};
  }
  if (v.value_kept_exact)
    v.net_benefit_exact = *v.value_kept_exact - v.cost_to_serve_change_exact.value_or(0.0) - v.cost;
  v.verdict = money_verdict(v.net_benefit_ci95);
  v.one_off_cost = arm.one_off_cost.value_or(0.0);
  if (e.horizon_years) {
    const double af = annuity_factor(*e.horizon_years, e.discount_rate);
    v.npv = af * v.net_benefit - v.one_off_cost;
    v.npv_ci95 = {af * v.net_benefit_ci95.lo - v.one_off_cost, af * v.net_benefit_ci95.hi - v.one_off_cost};
    if (v.net_benefit_exact) v.npv_exact = af * *v.net_benefit_exact - v.one_off_cost;
    // Over a horizon the one-off cost counts too: the verdict is the NPV's.
    v.verdict = money_verdict(v.npv_ci95);
  }
  return v;
}

// Every arm solved exactly where the solver is meant for it; where not, a warning says why.
void solve_arms_exactly(const ComparisonInput& in, ComparisonResult& r) {
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
}

// More than 0.1% of an arm's customers cut off at max_steps bias its defection rate low.
void warn_of_unfinished_walks(const ComparisonInput& in, const PairedRun& run, ComparisonResult& r) {
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
}

// What the pass walked, and the touchpoints every arm shares, for the differences.
struct Walked {
  const PairedRun& run;
  const std::vector<Arm>& arms;
  const std::vector<std::string>& ids;  // shared touchpoints
  double scale;                         // of the money tallies
};

// Redesign `a` against the baseline: every figure's paired difference with the exact one beside
// it, and its money.
VariantComparison against_baseline(const ComparisonInput& in, const Walked& w, std::size_t a, ComparisonResult& r) {
  const std::uint64_t n = r.customers;
  const ComparisonArm& base = in.arms.front();
  const ComparisonArm& arm = in.arms[a];
  const PairTally& pair = w.run.tally.pairs[a - 1];
  const auto& bx = r.exact.front();
  const auto& vx = r.exact[a];
  const bool exact = bx && vx;
  VariantComparison v;
  v.name = arm.name;
  v.defection =
      difference_of(pair.defection, n,
                    exact ? std::optional(vx->figures.defection_rate() - bx->figures.defection_rate()) : std::nullopt);
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
    v.segments.push_back(
        {segs[s].name, pair.segment_customers[s], difference_of(pair.segments[s], pair.segment_customers[s], x)});
  }
  if (exact) {
    const std::vector<double> before = exact_defections(w.arms.front(), *bx, w.ids.size());
    const std::vector<double> after = exact_defections(w.arms[a], *vx, w.ids.size());
    for (std::size_t k = 0; k < w.ids.size(); ++k)
      v.touchpoints.push_back({w.ids[k], difference_of(pair.touchpoints[k], n, after[k] - before[k])});
  } else {
    for (std::size_t k = 0; k < w.ids.size(); ++k)
      v.touchpoints.push_back({w.ids[k], difference_of(pair.touchpoints[k], n, std::nullopt)});
  }
  if (in.economics)
    v.value =
        value_of(v.defection, MoneyContext{*in.economics, in.arms, r.exact, w.run.tally, n, w.scale}, a, r.warnings);
  // No customer defected in one arm and not the other: the paired interval is [0, 0], which
  // is no evidence that nothing changed, only that this many customers could not show it.
  if (pair.defection.baseline_only == 0 && pair.defection.variant_only == 0) {
    std::string warning = formatted(
        "'%s': no customer's defection differed from the baseline in %llu customers, so its "
        "interval [0, 0] is degenerate: it only says the change is too small to show in this "
        "many customers",
        arm.name.c_str(), static_cast<unsigned long long>(n));
    if (v.defection.exact)
      warning += formatted("; the exact difference is %+.4g percentage points", 100.0 * *v.defection.exact);
    r.warnings.push_back(warning);
  }
  return v;
}

// The adjusted p-values and verdicts, and the order: by money when both redesigns have it (the
// NPV over a horizon), else by the change in defections.
void adjust_and_rank(ComparisonResult& r) {
  std::vector<double> p;
  for (const auto& v : r.variants) p.push_back(v.defection.p_value);
  const std::vector<double> adjusted = adjust_p_values(p, r.adjust);
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    auto& v = r.variants[i];
    v.p_adjusted = adjusted[i];
    v.verdict = defection_verdict(v.p_adjusted, v.defection.difference);
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
}

// Redesign i against redesign j (both > 0) on the same customers: i minus j.
PairComparison between_redesigns(const ComparisonInput& in, const Walked& w, std::size_t i, std::size_t j,
                                 const ComparisonResult& r) {
  const std::uint64_t n = r.customers;
  const std::size_t at = arm_pair_index(i, j, in.arms.size());
  const Discordant& between = w.run.tally.between[at];
  PairComparison pc;
  pc.a = in.arms[i].name;
  pc.b = in.arms[j].name;
  std::optional<double> exact;
  if (r.exact[i] && r.exact[j]) exact = r.exact[i]->figures.defection_rate() - r.exact[j]->figures.defection_rate();
  // As "baseline" b, as "variant" a: the difference is a minus b.
  pc.defection = difference_of(Discordant{between.variant_only, between.baseline_only}, n, exact);
  const auto& va = r.variants[i - 1].value;
  const auto& vb = r.variants[j - 1].value;
  if (!va || !vb) return pc;
  const double dc = va->cost - vb->cost;
  const double per_year = in.economics->customers_per_year;
  const bool costs = va->cost_to_serve_change && vb->cost_to_serve_change;
  if (!w.run.tally.money_pairs.empty() && (costs || !in.economics->value_by_stage.empty())) {
    // Per customer, money lost in a minus in b: a is worth the opposite.
    const MoneyPairTally& m = w.run.tally.money_pairs[at];
    const MeanEstimate lost = costs ? mean_estimate(m.total.value(), m.total_sq.value(), n, w.scale * per_year)
                                    : mean_estimate(m.loss.value(), m.loss_sq.value(), n, w.scale * per_year);
    pc.net_benefit_difference = -lost.mean - dc;
    pc.net_benefit_difference_ci95 = {-lost.ci95.hi - dc, -lost.ci95.lo - dc};
  } else {
    const double v = per_year * in.economics->value_per_customer;
    pc.net_benefit_difference = -pc.defection.difference * v - dc;
    pc.net_benefit_difference_ci95 = {-pc.defection.ci95.hi * v - dc, -pc.defection.ci95.lo * v - dc};
  }
  if (va->net_benefit_exact && vb->net_benefit_exact)
    pc.net_benefit_difference_exact = *va->net_benefit_exact - *vb->net_benefit_exact;
  return pc;
}

}  // namespace

ComparisonArm whole_file_arm(std::string name, const Scenario& sc, ScenarioModel model) {
  ComparisonArm arm{std::move(name), sc.name, std::move(model), std::nullopt};
  if (sc.redesign) {
    arm.cost_per_year = sc.redesign->cost_per_year;
    arm.one_off_cost = sc.redesign->one_off_cost;
    arm.description = sc.redesign->description;
  }
  if (arm.description.empty()) arm.description = sc.description;
  return arm;
}

void whole_file_economics(ComparisonInput& in, const std::vector<const Scenario*>& files) {
  const Scenario& base = *files.front();
  in.economics = base.economics;
  bool priced = false;
  for (std::size_t i = 1; i < files.size(); ++i) {
    const Scenario& f = *files[i];
    priced = priced || f.economics || (f.redesign && (f.redesign->cost_per_year || f.redesign->one_off_cost));
    if (base.economics && f.economics &&
        (f.economics->customers_per_year != base.economics->customers_per_year ||
         f.economics->value_per_customer != base.economics->value_per_customer ||
         f.economics->currency != base.economics->currency))
      in.notes.push_back("'" + f.path + "' has an 'economics' block of its own; the baseline's ('" + base.path +
                         "') prices every arm");
  }
  if (!base.economics && priced)
    in.money_unavailable = "the baseline's file '" + base.path +
                           "' has no 'economics' block (customers_per_year, value_per_customer), so no redesign's "
                           "money can be computed; add one to it";
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

  r.money_unavailable = in.money_unavailable;
  r.warnings = in.notes;
  if (!in.money_unavailable.empty()) r.warnings.push_back("no money figures: " + in.money_unavailable);
  for (const auto& a : in.arms) r.descriptions.push_back(a.description);

  std::vector<Arm> arms;
  const std::vector<std::string> ids = shared_touchpoints(in.arms, arms);
  // Money customer by customer where values by stage or costs to serve make it more than a
  // multiple of the defection counts.
  std::vector<const Journey*> journeys;
  for (const auto& a : in.arms) journeys.push_back(&a.model.journey);
  std::vector<ArmMoney> money;
  double scale = 1.0;
  if (in.economics && money_per_customer(journeys, *in.economics)) {
    scale = money_scale(journeys, *in.economics);
    for (const auto* j : journeys) money.push_back(arm_money(*j, *in.economics, scale));
    for (std::size_t a = 0; a < arms.size(); ++a) arms[a].money = &money[a];
  }
  const PairedRun run = run_paired(arms, ids.size(), in.settings);
  r.customers = run.tally.arms.front().customers;
  r.precision_reached = run.precision_reached;
  r.half_width = run.half_width;
  for (std::size_t a = 0; a < in.arms.size(); ++a)
    r.reports.push_back(report_of(in.arms[a], run.tally.arms[a], in.settings));
  solve_arms_exactly(in, r);
  warn_of_unfinished_walks(in, run, r);

  const Walked walked{run, arms, ids, scale};
  for (std::size_t a = 1; a < in.arms.size(); ++a) r.variants.push_back(against_baseline(in, walked, a, r));
  adjust_and_rank(r);
  for (std::size_t i = 1; i < in.arms.size(); ++i)
    for (std::size_t j = i + 1; j < in.arms.size(); ++j) r.pairs.push_back(between_redesigns(in, walked, i, j, r));
  std::vector<double> pair_p;
  for (const auto& pc : r.pairs) pair_p.push_back(pc.defection.p_value);
  const std::vector<double> pair_adjusted = adjust_p_values(pair_p, in.adjust);
  for (std::size_t i = 0; i < r.pairs.size(); ++i) r.pairs[i].p_adjusted = pair_adjusted[i];
  r.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace cxsim
