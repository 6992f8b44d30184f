#include "io/assumptions.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>

#include "io/fit_parameters.hpp"
#include "io/money.hpp"
#include "io/names.hpp"
#include "io/number.hpp"
#include "io/text_table.hpp"
#include "models/limits.hpp"
#include "sim/attributes.hpp"
#include "sim/exact_solver.hpp"
#include "sim/prepared_journey.hpp"

namespace cxsim {

namespace {

using json = nlohmann::ordered_json;

// ---- what an input changes ----

enum class Target { touchpoint, segment, economics, cost_per_year, one_off_cost, transition };
enum EconomicsField { customers_per_year, value_per_customer, discount_rate, stage_value };

// The copy of every arm's numbers that one draw changes.
struct ArmNumbers {
  std::vector<Touchpoint> touchpoints;
  std::vector<Transition> transitions;
  std::vector<Segment> segments;
  std::size_t start = 0, route_segments = 1;
  double cost_per_year = 0.0, one_off_cost = 0.0;
};
struct World {
  std::vector<ArmNumbers> arms;
  Economics economics;
};

// One number an input sets, in one arm (or the economics).
struct Effect {
  Target target = Target::touchpoint;
  std::size_t arm = 0;
  std::size_t index = 0;  // touchpoint, segment or transition row of the arm; or the stage
  TouchpointAttribute attribute = TouchpointAttribute::reliability;
  SegmentParameter parameter = SegmentParameter::value_expectation;
  EconomicsField field = customers_per_year;
  double point = 0.0;  // the scenario's value (a transition row: its probability p0)
};

struct Input {
  AssumptionInput source;
  std::vector<Effect> effects;
  std::size_t dimension = 0;  // its column of the Latin hypercube (shared within a group)
};

std::vector<std::string> split_plus(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto plus = s.find('+', start);
    out.push_back(s.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (plus == std::string::npos) return out;
    start = plus + 1;
  }
}

class Resolver {
 public:
  Resolver(const Scenario& sc, const std::vector<ComparisonArm>& arms, const std::vector<std::string>& variants)
      : sc_(sc), arms_(arms), variants_(variants) {
    for (const auto& v : variants) sources_.push_back(v.empty() ? nullptr : sc.variant(v));
  }

  std::vector<Effect> resolve(const AssumptionInput& in) {
    in_ = &in;
    std::string name = in.name;
    std::string scope;  // a variant's own value
    if (name.rfind("variant:", 0) == 0) {
      const auto slash = name.find('/');
      if (slash == std::string::npos) fail("expected variant:NAME/NUMBER, like variant:fix/install.reliability");
      scope = name.substr(8, slash - 8);
      name = name.substr(slash + 1);
      if (!sc_.variant(scope)) {
        std::vector<std::string> names;
        for (const auto& v : sc_.variants) names.push_back(v.name);
        fail(unknown_name_message("variant", scope, names));
      }
      bool compared = false;
      for (std::size_t a = 0; a < arms_.size(); ++a) compared = compared || in_scope(a, scope);
      if (!compared) fail("variant '" + scope + "' is not among the redesigns compared");
    }
    std::vector<Effect> out;
    if (name.rfind("economics.", 0) == 0) {
      if (!scope.empty()) fail("economics numbers belong to the scenario, not to a variant");
      economics(name.substr(10), out);
    } else if (name == "cost_per_year" || name == "one_off_cost") {
      if (scope.empty()) fail("'" + name + "' is a variant's: name it variant:NAME/" + name);
      cost(scope, name, out);
    } else if (name.rfind("transition:", 0) == 0) {
      transition(scope, name.substr(11), out);
    } else {
      number(scope, name, out);
    }
    if (out.empty()) fail("no arm of this comparison has this number");
    for (const Effect& e : out)
      if (e.point < in.low || e.point > in.high)
        fail("the scenario's own value " + shortest_text(e.point) + " lies outside [" + shortest_text(in.low) + ", " +
             shortest_text(in.high) + "]; the range must include it");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(in_->name_where, "assumption '" + in_->name + "': " + why);
  }
  void range(double lo, double hi) const {
    if (in_->low < lo || in_->high > hi)
      fail("the range [" + shortest_text(in_->low) + ", " + shortest_text(in_->high) + "] goes outside [" +
           shortest_text(lo) + ", " + shortest_text(hi) + "], the values this number may take");
  }
  // Whether arm a is (or stacks) variant `scope`.
  bool in_scope(std::size_t a, const std::string& scope) const {
    if (variants_[a].empty()) return false;
    const auto parts = split_plus(variants_[a]);
    return std::find(parts.begin(), parts.end(), scope) != parts.end();
  }
  const TouchpointSource* patch_of(const VariantSource* v, const std::string& id) const {
    if (!v) return nullptr;
    for (const auto& t : v->touchpoints)
      if (t.touchpoint.id == id) return &t;
    return nullptr;
  }
  const SegmentSource* segment_patch_of(const VariantSource* v, const std::string& name) const {
    if (!v) return nullptr;
    for (const auto& s : v->segments)
      if (s.segment.name == name) return &s;
    return nullptr;
  }
  bool replaces_transitions(const VariantSource* v, const std::string& from) const {
    if (!v) return false;
    for (const auto& r : v->transitions)
      if (r.from == from) return true;
    return false;
  }

  void economics(const std::string& field, std::vector<Effect>& out) {
    if (!sc_.economics) fail("the scenario has no 'economics' block");
    Effect e;
    e.target = Target::economics;
    const Economics& x = *sc_.economics;
    if (field == "customers_per_year") {
      e.field = customers_per_year;
      e.point = x.customers_per_year;
      range(0.0, limits::max_money);
    } else if (field == "value_per_customer") {
      e.field = value_per_customer;
      e.point = x.value_per_customer;
      range(0.0, limits::max_money);
    } else if (field == "discount_rate") {
      e.field = discount_rate;
      e.point = x.discount_rate;
      range(0.0, 1.0);
    } else if (field.rfind("value_by_stage.", 0) == 0) {
      const std::string stage = field.substr(15);
      std::vector<std::string> stages;
      for (std::size_t i = 0; i < x.value_by_stage.size(); ++i) {
        stages.push_back(x.value_by_stage[i].first);
        if (x.value_by_stage[i].first == stage) {
          e.index = i;
          e.point = x.value_by_stage[i].second;
        }
      }
      if (std::find(stages.begin(), stages.end(), stage) == stages.end())
        fail(unknown_name_message("stage of value_by_stage", stage, stages));
      e.field = stage_value;
      range(0.0, limits::max_money);
    } else {
      fail(unknown_name_message("economics number", field,
                                {"customers_per_year", "value_per_customer", "discount_rate", "value_by_stage.STAGE"}));
    }
    out.push_back(e);
  }

  void cost(const std::string& scope, const std::string& name, std::vector<Effect>& out) {
    const VariantSource* v = sc_.variant(scope);
    const std::optional<double>& given = name == "cost_per_year" ? v->cost_per_year : v->one_off_cost;
    if (!given) fail("variant '" + scope + "' gives no " + name + " of its own to put a range on");
    if (name == "cost_per_year")
      range(-limits::max_money, limits::max_money);
    else
      range(0.0, limits::max_money);
    for (std::size_t a = 0; a < arms_.size(); ++a) {
      if (!in_scope(a, scope)) continue;
      Effect e;
      e.target = name == "cost_per_year" ? Target::cost_per_year : Target::one_off_cost;
      e.arm = a;
      // A stacked arm's cost is the sum of its parts': the range moves this variant's part.
      e.point = *given;
      out.push_back(e);
    }
  }

  // TOUCHPOINT.ATTRIBUTE or segment:NAME.PARAMETER, named as `--fit` names them.
  void number(const std::string& scope, const std::string& name, std::vector<Effect>& out) {
    const std::size_t reference = scope.empty() ? 0 : first_arm_of(scope);
    const ScenarioModel& m = arms_[reference].model;
    std::vector<FitParameter> refs;
    try {
      refs = resolve_fit_parameters({name}, m.journey, m.population);
    } catch (const UsageError& e) {
      std::string why = e.what();
      const auto colon = why.find(": ");
      fail(colon == std::string::npos ? why : why.substr(colon + 2));
    }
    const VariantSource* own = scope.empty() ? nullptr : sc_.variant(scope);
    for (const FitParameter& f : refs) {
      if (f.ref.touchpoint) {
        range(0.0, touchpoint_attribute_max);
        const std::string& id = m.journey.touchpoint(*f.ref.touchpoint).id;
        if (own) {
          const TouchpointSource* p = patch_of(own, id);
          if (!p || !p->given.test(touchpoint_field(f.ref.attribute)))
            fail("variant '" + scope + "' does not patch " + id + "." + f.ref.attribute_name() +
                 "; put the range on the scenario's own number instead");
        }
        for (std::size_t a = 0; a < arms_.size(); ++a) {
          if (own ? !in_scope(a, scope) : patched_touchpoint(a, id, f.ref.attribute)) continue;
          const auto k = arms_[a].model.journey.find(id);
          if (!k) continue;
          Effect e;
          e.target = Target::touchpoint;
          e.arm = a;
          e.index = *k;
          e.attribute = f.ref.attribute;
          e.point = attribute_of(arms_[a].model.journey.touchpoint(*k), f.ref.attribute);
          out.push_back(e);
        }
      } else {
        range(0.0, segment_parameter_max(f.ref.parameter));
        const std::string& seg = m.population.segment(*f.ref.segment).name;
        if (own) {
          const SegmentSource* p = segment_patch_of(own, seg);
          if (!p || !p->given.test(segment_field(f.ref.parameter)))
            fail("variant '" + scope + "' does not patch segment '" + seg + "''s " + f.ref.attribute_name() +
                 "; put the range on the scenario's own number instead");
        }
        for (std::size_t a = 0; a < arms_.size(); ++a) {
          if (own ? !in_scope(a, scope) : patched_segment(a, seg, f.ref.parameter)) continue;
          const Population& pop = arms_[a].model.population;
          for (std::size_t s = 0; s < pop.size(); ++s) {
            if (pop.segment(s).name != seg) continue;
            Effect e;
            e.target = Target::segment;
            e.arm = a;
            e.index = s;
            e.parameter = f.ref.parameter;
            e.point = parameter_of(pop.segment(s), f.ref.parameter);
            out.push_back(e);
          }
        }
      }
    }
  }

  // A baseline number a redesign sets itself stays the redesign's.
  bool patched_touchpoint(std::size_t a, const std::string& id, TouchpointAttribute attr) const {
    const TouchpointSource* p = patch_of(sources_[a], id);
    return p && p->given.test(touchpoint_field(attr));
  }
  bool patched_segment(std::size_t a, const std::string& seg, SegmentParameter q) const {
    const SegmentSource* p = segment_patch_of(sources_[a], seg);
    return p && p->given.test(segment_field(q));
  }
  std::size_t first_arm_of(const std::string& scope) const {
    for (std::size_t a = 0; a < arms_.size(); ++a)
      if (in_scope(a, scope)) return a;
    return 0;
  }

  // transition:FROM->TO, with `when` and `segment` where needed to pick one row.
  void transition(const std::string& scope, const std::string& spec, std::vector<Effect>& out) {
    const auto arrow = spec.find("->");
    if (arrow == std::string::npos) fail("expected transition:FROM->TO, like transition:install->support");
    const std::string from = spec.substr(0, arrow), to = spec.substr(arrow + 2);
    range(0.0, 1.0);
    const VariantSource* own = scope.empty() ? nullptr : sc_.variant(scope);
    if (own && !replaces_transitions(own, from))
      fail("variant '" + scope + "' does not replace the transitions out of '" + from +
           "'; put the range on the scenario's own row instead");
    for (std::size_t a = 0; a < arms_.size(); ++a) {
      if (own ? !in_scope(a, scope) : replaces_transitions(sources_[a], from)) continue;
      const Journey& j = arms_[a].model.journey;
      const auto f = j.find(from), t = j.find(to);
      std::vector<std::string> ids;
      for (const auto& tp : j.touchpoints()) ids.push_back(tp.id);
      if (!f) fail(unknown_name_message("touchpoint", from, ids));
      if (!t) fail(unknown_name_message("touchpoint", to, ids));
      int segment = every_segment;
      if (!in_->segment.empty()) {
        const Population& pop = arms_[a].model.population;
        std::vector<std::string> names;
        for (std::size_t s = 0; s < pop.size(); ++s) {
          names.push_back(pop.segment(s).name);
          if (pop.segment(s).name == in_->segment) segment = static_cast<int>(s);
        }
        if (segment == every_segment) fail(unknown_name_message("segment", in_->segment, names));
      }
      std::vector<std::size_t> rows;
      const auto trs = j.transitions();
      for (std::size_t i = 0; i < trs.size(); ++i)
        if (trs[i].from == *f && trs[i].to == *t && trs[i].segment == segment &&
            (!in_->when || trs[i].when == *in_->when))
          rows.push_back(i);
      if (rows.empty())
        fail("no transition row from '" + from + "' to '" + to + "'" +
             (in_->when ? std::string(" with this 'when'") : std::string()) +
             (in_->segment.empty() ? std::string() : " for segment '" + in_->segment + "'"));
      if (rows.size() > 1) fail("several rows go from '" + from + "' to '" + to + "': add 'when' to pick one");
      const double p0 = trs[rows.front()].probability;
      if (!(p0 < 1.0))
        fail("its probability is 1, so the other rows of its set cannot be scaled by (1 - p) / (1 - p0)");
      Effect e;
      e.target = Target::transition;
      e.arm = a;
      e.index = rows.front();
      e.point = p0;
      out.push_back(e);
    }
  }

  const Scenario& sc_;
  const std::vector<ComparisonArm>& arms_;
  const std::vector<std::string>& variants_;
  std::vector<const VariantSource*> sources_;
  const AssumptionInput* in_ = nullptr;
};

void apply(World& w, const Effect& e, double x) {
  switch (e.target) {
    case Target::touchpoint: attribute_of(w.arms[e.arm].touchpoints[e.index], e.attribute) = x; break;
    case Target::segment: parameter_of(w.arms[e.arm].segments[e.index], e.parameter) = x; break;
    case Target::cost_per_year: w.arms[e.arm].cost_per_year += x - e.point; break;
    case Target::one_off_cost: w.arms[e.arm].one_off_cost += x - e.point; break;
    case Target::economics:
      switch (e.field) {
        case customers_per_year: w.economics.customers_per_year = x; break;
        case value_per_customer: w.economics.value_per_customer = x; break;
        case discount_rate: w.economics.discount_rate = x; break;
        case stage_value: w.economics.value_by_stage[e.index].second = x; break;
      }
      break;
    case Target::transition: {
      // The drawn probability replaces the row's; the other rows of its set are scaled by
      // (1 - p) / (1 - p0), so the set still sums to 1.
      auto& trs = w.arms[e.arm].transitions;
      const Transition row = trs[e.index];
      const double scale = (1.0 - x) / (1.0 - row.probability);
      for (std::size_t i = 0; i < trs.size(); ++i) {
        if (i == e.index) continue;
        if (trs[i].from == row.from && trs[i].segment == row.segment && trs[i].when == row.when)
          trs[i].probability *= scale;
      }
      trs[e.index].probability = x;
      break;
    }
  }
}

// What one set of numbers gives, per arm: the exact defection rate, value lost and cost to serve
// per customer.
struct ArmFigures {
  double defection = 0.0, loss = 0.0;
  std::optional<double> cost_to_serve;
};
struct DrawOutcome {
  std::vector<ArmFigures> arms;
  Economics economics;
  std::vector<double> cost_per_year, one_off_cost;
};

Journey journey_of(const ArmNumbers& a) {
  return Journey(a.touchpoints, a.transitions, a.start, a.route_segments);
}

// Every arm prepared for warm re-solves, on one thread, from one world's numbers.
using PreparedArms = std::vector<std::unique_ptr<PreparedJourney>>;

// With `prepared` (one thread's), each arm is re-solved warm where its numbers keep the pattern
// of the world it was prepared on; the figures are those of a cold solve to rounding, and, as
// the prepared journeys keep their first pattern and pivots, the same whichever draws a thread
// solved before.
DrawOutcome solve_world(const World& w, const World* base = nullptr, PreparedArms* prepared = nullptr) {
  DrawOutcome o;
  o.economics = w.economics;
  if (prepared && prepared->empty()) prepared->resize(w.arms.size());
  for (std::size_t arm = 0; arm < w.arms.size(); ++arm) {
    const ArmNumbers& a = w.arms[arm];
    const Journey j = journey_of(a);
    const Population p(a.segments);
    ExactSolution x;
    if (prepared) {
      auto& mine = (*prepared)[arm];
      if (!mine)
        mine = std::make_unique<PreparedJourney>(
            journey_of(base->arms[arm]), Population(base->arms[arm].segments),
            PreparedJourney::Options{.adopt_new_pattern = false, .nodes_in_parallel = false});
      x = mine->solve(j, p);
    } else {
      x = solve_exact(j, p);
    }
    o.arms.push_back({x.figures.defection_rate(), expected_loss(x.figures, j, w.economics),
                      per_customer(x.figures, j).cost_to_serve});
    o.cost_per_year.push_back(a.cost_per_year);
    o.one_off_cost.push_back(a.one_off_cost);
  }
  return o;
}

// Net benefit per year of arm a against the baseline, as compare prices it exactly.
double net_benefit(const DrawOutcome& o, std::size_t a) {
  const double n = o.economics.customers_per_year;
  double nb = n * (o.arms[0].loss - o.arms[a].loss) - o.cost_per_year[a];
  if (o.arms[0].cost_to_serve && o.arms[a].cost_to_serve)
    nb -= n * (*o.arms[a].cost_to_serve - *o.arms[0].cost_to_serve);
  return nb;
}
std::optional<double> npv(const DrawOutcome& o, std::size_t a) {
  if (!o.economics.horizon_years) return std::nullopt;
  return annuity_factor(*o.economics.horizon_years, o.economics.discount_rate) * net_benefit(o, a) - o.one_off_cost[a];
}

DrawSummary summary_of(std::vector<double> x) {
  DrawSummary s;
  if (x.empty()) return s;
  s.mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  std::sort(x.begin(), x.end());
  const auto quantile = [&](double p) {
    const double h = p * static_cast<double>(x.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
  };
  s.p5 = quantile(0.05);
  s.p95 = quantile(0.95);
  return s;
}

// A uniform in [0, 1) from 53 random bits: the same on every platform (std:: distributions differ).
double unit(std::mt19937_64& g) {
  return static_cast<double>(g() >> 11) * 0x1.0p-53;
}

// Latin hypercube: per dimension, one draw in each of N equal strata, in a random order.
std::vector<std::vector<double>> latin_hypercube(std::size_t dimensions, std::uint64_t draws, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<std::vector<double>> u(dimensions, std::vector<double>(draws));
  for (auto& column : u) {
    std::vector<std::uint64_t> order(draws);
    std::iota(order.begin(), order.end(), 0);
    for (std::uint64_t i = draws; i > 1; --i) std::swap(order[i - 1], order[g() % i]);
    for (std::uint64_t i = 0; i < draws; ++i)
      column[i] = (static_cast<double>(order[i]) + unit(g)) / static_cast<double>(draws);
  }
  return u;
}

}  // namespace

void check_assumptions(const Scenario& sc, Diagnostics& diagnostics) {
  if (!sc.assumptions || diagnostics.has_errors()) return;
  std::vector<ComparisonArm> arms{ComparisonArm{"baseline", sc.name, checked_model(sc, nullptr), std::nullopt}};
  std::vector<std::string> variants{""};
  for (const auto& v : sc.variants) {
    arms.push_back(ComparisonArm{v.name, sc.name, checked_model(sc, &v), v.cost_per_year, v.one_off_cost});
    variants.push_back(v.name);
  }
  Resolver resolver(sc, arms, variants);
  for (const AssumptionInput& in : sc.assumptions->inputs) {
    try {
      resolver.resolve(in);
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) diagnostics.error(d.where, d.message);
    }
  }
}

double assumption_quantile(const AssumptionInput& in, double u) {
  const double a = in.low, b = in.high;
  if (!(b > a)) return a;
  if (!in.mode) return a + u * (b - a);
  const double c = *in.mode;
  const double fc = (c - a) / (b - a);
  return u < fc ? a + std::sqrt(u * (b - a) * (c - a)) : b - std::sqrt((1.0 - u) * (b - a) * (b - c));
}

AssumptionResult analyse_assumptions(const Scenario& sc, const std::vector<ComparisonArm>& arms,
                                     const std::vector<std::string>& variants, const AssumptionSettings& settings) {
  if (!sc.assumptions) throw UsageError("--assumptions needs an 'assumptions' block in the scenario");
  if (!sc.economics) throw UsageError("--assumptions prices every draw: the scenario needs an 'economics' block");
  AssumptionResult r;
  r.draws = settings.draws;
  r.seed = settings.seed;
  r.decided_by = sc.economics->horizon_years ? "npv" : "net_benefit_per_year";

  // Resolve every input; the groups and the ungrouped inputs are the hypercube's dimensions.
  Resolver resolver(sc, arms, variants);
  std::vector<Input> inputs;
  std::vector<std::string> dimension_names;
  std::vector<std::vector<std::size_t>> members;  // by dimension, the inputs
  for (const AssumptionInput& in : sc.assumptions->inputs) {
    Input x{in, resolver.resolve(in), 0};
    const std::string key = in.group.empty() ? in.name : in.group;
    const auto it =
        in.group.empty() ? dimension_names.end() : std::find(dimension_names.begin(), dimension_names.end(), key);
    if (it == dimension_names.end()) {
      x.dimension = dimension_names.size();
      dimension_names.push_back(key);
      members.emplace_back();
    } else {
      x.dimension = static_cast<std::size_t>(it - dimension_names.begin());
    }
    members[x.dimension].push_back(inputs.size());
    r.inputs.push_back(in.name);
    inputs.push_back(std::move(x));
  }

  // The scenario's own numbers.
  World point;
  point.economics = *sc.economics;
  for (const ComparisonArm& a : arms) {
    const Journey& j = a.model.journey;
    point.arms.push_back(ArmNumbers{{j.touchpoints().begin(), j.touchpoints().end()},
                                    {j.transitions().begin(), j.transitions().end()},
                                    {a.model.population.segments().begin(), a.model.population.segments().end()},
                                    j.start(),
                                    j.segments(),
                                    a.cost_per_year.value_or(0.0),
                                    a.one_off_cost.value_or(0.0)});
  }
  const auto world_at = [&](const std::vector<double>& value) {  // by input
    World w = point;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      for (const Effect& e : inputs[i].effects) apply(w, e, value[i]);
    return w;
  };

  // Every draw solved on its own: the results do not depend on how draws meet threads. Each
  // thread prepares every arm once, on the first draw's numbers (inside every range, unlike the
  // scenario's own, which may sit on a range's end: a pattern of its own), and re-solves it warm.
  const auto u = latin_hypercube(dimension_names.size(), settings.draws, settings.seed);
  const auto draw_values = [&](std::size_t d) {
    std::vector<double> value(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
      value[i] = assumption_quantile(inputs[i].source, u[inputs[i].dimension][d]);
    return value;
  };
  const World base = settings.draws > 0 ? world_at(draw_values(0)) : point;
  tbb::enumerable_thread_specific<PreparedArms> prepared;
  std::vector<DrawOutcome> outcomes(settings.draws);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, settings.draws, 1),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t d = range.begin(); d != range.end(); ++d)
                        outcomes[d] = settings.warm ? solve_world(world_at(draw_values(d)), &base, &prepared.local())
                                                    : solve_world(world_at(draw_values(d)));
                    });

  // Per redesign, over the draws.
  const std::size_t n_arms = arms.size();
  const bool horizon = sc.economics->horizon_years.has_value();
  std::vector<std::vector<double>> decide(n_arms, std::vector<double>(settings.draws, 0.0));  // arm 0: nothing
  std::vector<std::vector<double>> per_year(n_arms, std::vector<double>(settings.draws, 0.0));
  for (std::size_t a = 1; a < n_arms; ++a) {
    std::vector<double> change, kept, npvs;
    std::size_t pays = 0;
    for (std::size_t d = 0; d < settings.draws; ++d) {
      const DrawOutcome& o = outcomes[d];
      change.push_back(o.arms[a].defection - o.arms[0].defection);
      kept.push_back(o.economics.customers_per_year * (o.arms[0].loss - o.arms[a].loss));
      per_year[a][d] = net_benefit(o, a);
      decide[a][d] = horizon ? *npv(o, a) : per_year[a][d];
      if (horizon) npvs.push_back(decide[a][d]);
      pays += decide[a][d] > 0.0;
    }
    RedesignUnderAssumptions x;
    x.name = arms[a].name;
    x.defection_change = summary_of(change);
    x.value_kept = summary_of(kept);
    x.net_benefit = summary_of(per_year[a]);
    if (horizon) x.npv = summary_of(npvs);
    x.p_pays = static_cast<double>(pays) / static_cast<double>(settings.draws);
    x.verdict = x.p_pays >= 0.95 ? "pays" : x.p_pays <= 0.05 ? "does not pay" : "uncertain under your assumptions";
    r.redesigns.push_back(std::move(x));
  }
  // The best choice in each draw (doing nothing first among equals), and the value of knowing it.
  std::vector<std::size_t> best_count(n_arms, 0);
  const auto evpi_of = [&](const std::vector<std::vector<double>>& q) {
    double expected_max = 0.0;
    std::vector<double> mean(n_arms, 0.0);
    for (std::size_t d = 0; d < settings.draws; ++d) {
      double best = 0.0;
      for (std::size_t a = 1; a < n_arms; ++a) {
        best = std::max(best, q[a][d]);
        mean[a] += q[a][d];
      }
      expected_max += best;
    }
    const double draws = static_cast<double>(settings.draws);
    double max_mean = 0.0;
    for (std::size_t a = 1; a < n_arms; ++a) max_mean = std::max(max_mean, mean[a] / draws);
    return std::max(0.0, expected_max / draws - max_mean);
  };
  for (std::size_t d = 0; d < settings.draws; ++d) {
    std::size_t best = 0;
    for (std::size_t a = 1; a < n_arms; ++a)
      if (decide[a][d] > decide[best][d]) best = a;
    ++best_count[best];
  }
  r.p_best_nothing = static_cast<double>(best_count[0]) / static_cast<double>(settings.draws);
  for (std::size_t a = 1; a < n_arms; ++a)
    r.redesigns[a - 1].p_best = static_cast<double>(best_count[a]) / static_cast<double>(settings.draws);
  r.evpi_per_year = evpi_of(per_year);
  if (horizon) r.evpi_npv = evpi_of(decide);

  // The tornado of the redesign with the highest mean, exact, one dimension at a time.
  if (!r.redesigns.empty()) {
    std::size_t top = 0;
    const auto mean_of = [&](std::size_t i) {
      return horizon ? r.redesigns[i].npv->mean : r.redesigns[i].net_benefit.mean;
    };
    for (std::size_t i = 1; i < r.redesigns.size(); ++i)
      if (mean_of(i) > mean_of(top)) top = i;
    r.tornado_for = top;
    World pair = point;  // the baseline and the chosen redesign only
    pair.arms = {point.arms[0], point.arms[top + 1]};
    r.tornado.resize(dimension_names.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, dimension_names.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t d = range.begin(); d != range.end(); ++d) {
                          TornadoBar bar;
                          bar.input = dimension_names[d];
                          if (members[d].size() > 1 || !inputs[members[d].front()].source.group.empty())
                            for (const std::size_t i : members[d]) bar.members.push_back(inputs[i].source.name);
                          else {
                            bar.low = inputs[members[d].front()].source.low;
                            bar.high = inputs[members[d].front()].source.high;
                          }
                          for (const bool high : {false, true}) {
                            World w = pair;
                            for (std::size_t i : members[d]) {
                              const double x = high ? inputs[i].source.high : inputs[i].source.low;
                              for (const Effect& e : inputs[i].effects) {
                                if (e.target != Target::economics && e.arm != 0 && e.arm != top + 1) continue;
                                Effect moved = e;
                                if (moved.target != Target::economics) moved.arm = e.arm == 0 ? 0 : 1;
                                apply(w, moved, x);
                              }
                            }
                            const DrawOutcome o = solve_world(w);
                            (high ? bar.net_benefit_at_high : bar.net_benefit_at_low) = net_benefit(o, 1);
                            if (horizon) (high ? bar.npv_at_high : bar.npv_at_low) = npv(o, 1);
                          }
                          r.tornado[d] = std::move(bar);
                        }
                      });
    std::stable_sort(r.tornado.begin(), r.tornado.end(), [](const TornadoBar& a, const TornadoBar& b) {
      return std::fabs(a.net_benefit_at_high - a.net_benefit_at_low) >
             std::fabs(b.net_benefit_at_high - b.net_benefit_at_low);
    });
  }
  return r;
}

json to_json(const RedesignUnderAssumptions& r) {
  const auto s = [](const DrawSummary& x) { return json{{"mean", x.mean}, {"p5", x.p5}, {"p95", x.p95}}; };
  json j;
  j["net_benefit_per_year"] = s(r.net_benefit);
  j["defection_change"] = s(r.defection_change);
  j["value_kept_per_year"] = s(r.value_kept);
  j["npv"] = r.npv ? s(*r.npv) : json(nullptr);
  j["p_pays"] = r.p_pays;
  j["p_best"] = r.p_best;
  j["verdict"] = r.verdict;
  j["interval_covers"] = "your assumptions";
  return j;
}

json to_json(const AssumptionResult& r) {
  json j;
  j["draws"] = r.draws;
  j["seed"] = r.seed;
  j["sampling"] = "latin hypercube";
  j["inputs"] = r.inputs;
  j["decided_by"] = r.decided_by;
  j["p_best_nothing"] = r.p_best_nothing;
  j["evpi_per_year"] = r.evpi_per_year;
  j["evpi_npv"] = r.evpi_npv ? json(*r.evpi_npv) : json(nullptr);
  j["tornado_for"] = r.tornado_for ? json(r.redesigns[*r.tornado_for].name) : json(nullptr);
  json bars = json::array();
  for (const auto& b : r.tornado) {
    json x = {{"input", b.input},
              {"low", b.low ? json(*b.low) : json(nullptr)},
              {"high", b.high ? json(*b.high) : json(nullptr)},
              {"net_benefit_at_low", b.net_benefit_at_low},
              {"net_benefit_at_high", b.net_benefit_at_high}};
    if (!b.members.empty()) x["members"] = b.members;
    if (b.npv_at_low) {
      x["npv_at_low"] = *b.npv_at_low;
      x["npv_at_high"] = *b.npv_at_high;
    }
    bars.push_back(x);
  }
  j["tornado"] = bars;
  j["interval_covers"] = "your assumptions";
  return j;
}

std::string format_assumptions(const AssumptionResult& r, const std::string& currency) {
  std::ostringstream o;
  const std::string cur = currency.empty() ? "" : " " + currency;
  const auto money = [](double x) {
    std::string s = formatted("%.0f", x);
    const bool negative = !s.empty() && s[0] == '-';
    std::string digits = negative ? s.substr(1) : s;
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
    return (negative ? "-" : "") + digits;
  };
  o << "\nUnder your assumptions (" << r.draws << " draws, Latin hypercube, seed " << r.seed << ", every arm solved "
    << "exactly): the ranges cover your assumptions, not simulation noise; decided by "
    << (r.decided_by == "npv" ? "NPV" : "net benefit per year") << ":\n";
  using Align = TextTable::Align;
  TextTable t({{"redesign", Align::left, 28},
               {"defection change pp [5%, 95%]", Align::left, 30},
               {"net benefit" + cur + "/yr mean [5%, 95%]", Align::left, 40},
               {"P(pays)", Align::right, 8},
               {"P(best)", Align::right, 8},
               {" verdict", Align::left, 0}});
  for (const auto& x : r.redesigns)
    t.add({x.name,
           formatted("%+.3f [%+.3f, %+.3f]", 100 * x.defection_change.mean, 100 * x.defection_change.p5,
                     100 * x.defection_change.p95),
           money(x.net_benefit.mean) + " [" + money(x.net_benefit.p5) + ", " + money(x.net_benefit.p95) + "]",
           formatted("%.3f", x.p_pays), formatted("%.3f", x.p_best), " " + x.verdict});
  o << t.str();
  o << formatted("Doing nothing is best in %.1f%% of the draws. ", 100.0 * r.p_best_nothing)
    << "Expected value of perfect information: " << money(r.evpi_per_year) << cur
    << " a year (what knowing every assumed number exactly would be worth to this decision"
    << (r.evpi_npv ? "; " + money(*r.evpi_npv) + cur + " over the horizon" : std::string()) << ").\n";
  if (r.tornado_for && !r.tornado.empty()) {
    o << "\nWhich assumption to firm up first: " << r.redesigns[*r.tornado_for].name << "'s net benefit" << cur
      << "/yr with one input at its low and at its high, everything else as the "
      << "scenario gives it (largest swing first):\n";
    TextTable bars({{"input", Align::left, 48},
                    {"range", Align::left, 22},
                    {"at low", Align::right, 14},
                    {"at high", Align::right, 14},
                    {"swing", Align::right, 0}});
    for (const auto& b : r.tornado)
      bars.add({b.input + (b.members.empty() ? "" : " (group)"),
                b.low ? "[" + shortest_text(*b.low) + ", " + shortest_text(*b.high) + "]" : "together",
                money(b.net_benefit_at_low), money(b.net_benefit_at_high),
                money(std::fabs(b.net_benefit_at_high - b.net_benefit_at_low))});
    o << bars.str();
  }
  return o.str();
}

void add_assumptions(ComparisonResult& result, const Scenario& scenario, const ComparisonInput& input,
                     const std::vector<std::string>& variants, const std::string& draws_option) {
  if (!scenario.assumptions) throw UsageError("--assumptions needs an 'assumptions' block in the scenario");
  AssumptionSettings s;
  s.seed = scenario.assumptions->seed;
  s.draws = scenario.assumptions->draws.value_or(1000);
  if (!draws_option.empty()) {
    std::string why;
    const auto n = parse_count(draws_option, why);
    if (!n || *n < 2 || *n > limits::max_assumption_draws)
      throw UsageError("--assumptions must be a number of draws from 2 to " +
                       std::to_string(limits::max_assumption_draws) + ", not '" + draws_option + "'");
    s.draws = *n;
  }
  result.assumptions = analyse_assumptions(scenario, input.arms, variants, s);
  // Decisions use the assumptions: redesigns ranked by their mean under them.
  const AssumptionResult& a = *result.assumptions;
  const auto mean_of = [&](std::size_t i) {
    return a.redesigns[i].npv ? a.redesigns[i].npv->mean : a.redesigns[i].net_benefit.mean;
  };
  std::stable_sort(result.ranking.begin(), result.ranking.end(),
                   [&](std::size_t x, std::size_t y) { return mean_of(x) > mean_of(y); });
}

}  // namespace cxsim
