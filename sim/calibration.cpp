#include "sim/calibration.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <Eigen/Dense>
#include <nlopt.hpp>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "sim/exact_gradient.hpp"
#include "sim/parallel.hpp"
#include "sim/prepared_journey.hpp"

// The likelihood, per group of customers (N of them, expected figures E per customer, the
// share-weighted mean of its segments'):
//   outcomes       multinomial: the observed outcomes, and the customers of the outcomes not
//                  observed pooled into one cell;
//   visits         Poisson with mean N E(visits): a touchpoint can be visited more than once;
//   failures, repeats, abandoned
//                  binomial among the observed visits, with the expected share per visit
//                  E(count) / E(visits); Poisson with mean N E(count) where visits were not observed.
// Its derivatives with respect to each segment's figures are weights on those figures, which the
// adjoint method turns into derivatives with respect to every parameter at once.

namespace cxsim {

namespace {

// Expected shares below this are taken as this: a count the model makes impossible costs a
// large but finite log-likelihood, so the optimiser can move away from it.
constexpr double floor_probability = 1e-12;

double clamp_probability(double p) {
  return std::clamp(p, floor_probability, 1.0 - 1e-15);
}
double clamp_mean(double m) {
  return std::max(m, floor_probability);
}

// x log(x / y), 0 when x is 0.
double xlog(double x, double y) {
  return x > 0.0 ? x * std::log(x / y) : 0.0;
}

const char* figure_word(int f) {
  static constexpr std::array<const char*, weighted_figure_count> words{"visits", "failures", "repeats", "abandoned"};
  return words[static_cast<std::size_t>(f)];
}

int touchpoint_figure_of(int f) {
  switch (f) {
    case weight_visits: return fig_visits;
    case weight_failures: return fig_failures;
    case weight_repeats: return fig_repeats;
    default: return fig_abandoned;
  }
}

std::string measure_name(const ObservedGroup& g, const std::string& what) {
  return g.name.empty() ? what : "segment:" + g.name + "." + what;
}

// A group's expected figures per customer: its segments' figures averaged by share.
struct GroupFigures {
  std::vector<double> mix;  // by segment of the group, the weight of its figures
  std::array<double, ending_count> outcomes{};
};

GroupFigures group_figures(const Population& population, const ExactSolution& at, const ObservedGroup& g) {
  GroupFigures out;
  double share_sum = 0.0;
  for (const auto s : g.segments) share_sum += population.segment(s).share;
  for (const auto s : g.segments) {
    const double w =
        share_sum > 0.0 ? population.segment(s).share / share_sum : 1.0 / static_cast<double>(g.segments.size());
    out.mix.push_back(w);
    for (int e = 0; e < ending_count; ++e)
      out.outcomes[static_cast<std::size_t>(e)] += w * at.segment_figures[s].outcomes[static_cast<std::size_t>(e)];
  }
  return out;
}

double group_touchpoint_figure(const ExactSolution& at, const ObservedGroup& g, const GroupFigures& gf, std::size_t k,
                               int f) {
  double v = 0.0;
  for (std::size_t i = 0; i < g.segments.size(); ++i)
    v += gf.mix[i] * at.segment_figures[g.segments[i]].touchpoints[k][touchpoint_figure_of(f)];
  return v;
}

// d(log-likelihood)/d(a group's figures), before they are spread over its segments.
struct GroupWeights {
  std::array<double, ending_count> outcomes{};
  std::vector<std::pair<std::size_t, std::array<double, weighted_figure_count>>> touchpoints;
};

void spread(const Journey& journey, const ObservedGroup& g, const GroupFigures& gf, const GroupWeights& w,
            std::vector<FigureWeights>& weights) {
  const std::size_t n = journey.size();
  for (std::size_t i = 0; i < g.segments.size(); ++i) {
    FigureWeights& fw = weights[g.segments[i]];
    if (fw.touchpoint.empty()) fw.touchpoint.assign(n, {});
    const double mix = gf.mix[i];
    const auto outcome = [&](Ending e) { return mix * w.outcomes[static_cast<std::size_t>(e)]; };
    // retained = staying; silent churn = reaching a retained ending, less staying; routed
    // defection = reaching a `defected` ending; abandonment = the touchpoints' abandonments.
    fw.stay += outcome(Ending::retained) - outcome(Ending::silent_churn);
    for (std::size_t k = 0; k < n; ++k) {
      if (journey.is_terminal(k)) {
        const bool retained = journey.outcomes()[k] != Outcome::defected;
        fw.touchpoint[k][weight_visits] += retained ? outcome(Ending::silent_churn) : outcome(Ending::routed_defection);
      } else {
        fw.touchpoint[k][weight_abandoned] += outcome(Ending::abandoned);
      }
    }
    for (const auto& [k, tw] : w.touchpoints)
      for (int f = 0; f < weighted_figure_count; ++f)
        fw.touchpoint[k][static_cast<std::size_t>(f)] += mix * tw[static_cast<std::size_t>(f)];
  }
}

void outcome_terms(const ObservedGroup& g, const GroupFigures& gf, GoodnessOfFit& fit, GroupWeights& w) {
  static constexpr std::array<Ending, 4> observable{Ending::retained, Ending::abandoned, Ending::routed_defection,
                                                    Ending::silent_churn};
  double n_seen = 0.0, p_seen = 0.0;
  bool any = false;
  for (const Ending e : observable)
    if (const auto& n = g.outcomes[static_cast<std::size_t>(e)]) {
      any = true;
      n_seen += *n;
      p_seen += gf.outcomes[static_cast<std::size_t>(e)];
    }
  if (!any) return;
  const double N = g.customers;
  const double n_other = std::max(0.0, N - n_seen);
  const double p_other = clamp_probability(1.0 - p_seen);
  double ll = std::lgamma(N + 1.0) - std::lgamma(n_other + 1.0);
  double dev = 0.0;
  if (n_other > 0.0) {
    ll += n_other * std::log(p_other);
    dev += 2.0 * xlog(n_other, N * p_other);
  }
  for (const Ending e : observable) {
    const auto& n = g.outcomes[static_cast<std::size_t>(e)];
    if (!n) continue;
    const double p_raw = gf.outcomes[static_cast<std::size_t>(e)];
    // Expected never (or always) and seen so: exact, no floor (its terms are then exactly 0).
    const bool structural = (p_raw <= 0.0 && *n == 0.0) || (p_raw >= 1.0 && *n == N);
    const double p = structural ? std::clamp(p_raw, 0.0, 1.0) : clamp_probability(p_raw);
    ll += (*n > 0.0 ? *n * std::log(p) : 0.0) - std::lgamma(*n + 1.0);
    dev += 2.0 * xlog(*n, N * p);
    w.outcomes[static_cast<std::size_t>(e)] += (*n > 0.0 ? *n / p : 0.0) - (n_other > 0.0 ? n_other / p_other : 0.0);
    const double var = N * p_raw * (1.0 - p_raw);
    FitRow row{measure_name(g, std::string("outcomes.") + ending_names[static_cast<std::size_t>(e)]), *n, N * p_raw,
               std::nullopt};
    if (var > 0.0)
      row.pearson_residual = (*n - N * p_raw) / std::sqrt(var);
    else if (*n == N * p_raw)
      row.pearson_residual = 0.0;
    row.structural = structural;
    fit.rows.push_back(std::move(row));
  }
  fit.log_likelihood += ll;
  fit.deviance += dev;
}

void touchpoint_terms(const Journey& journey, const ExactSolution& at, const ObservedGroup& g, const GroupFigures& gf,
                      GoodnessOfFit& fit, GroupWeights& w) {
  const double N = g.customers;
  for (const auto& o : g.touchpoints) {
    std::array<double, weighted_figure_count> tw{};
    std::array<double, weighted_figure_count> e{};
    for (int f = 0; f < weighted_figure_count; ++f)
      e[static_cast<std::size_t>(f)] = group_touchpoint_figure(at, g, gf, o.touchpoint, f);
    const std::string& id = journey.touchpoint(o.touchpoint).id;
    const auto& visits = o.counts[weight_visits];
    const auto poisson = [&](int f, double x) {
      const double mean_raw = N * e[static_cast<std::size_t>(f)];
      const double mean = clamp_mean(mean_raw);
      const bool structural = mean_raw <= 0.0 && x == 0.0;  // its term is exactly 0: no floor
      if (!structural) {
        fit.log_likelihood += x * std::log(mean) - mean - std::lgamma(x + 1.0);
        fit.deviance += 2.0 * (xlog(x, mean) - (x - mean));
      }
      tw[static_cast<std::size_t>(f)] += N * (x / mean - 1.0);
      FitRow row{measure_name(g, id + "." + figure_word(f)), x, mean_raw, std::nullopt};
      if (mean_raw > 0.0)
        row.pearson_residual = (x - mean_raw) / std::sqrt(mean_raw);
      else if (x == 0.0)
        row.pearson_residual = 0.0;
      row.structural = structural;
      fit.rows.push_back(std::move(row));
    };
    if (visits) poisson(weight_visits, *visits);
    for (int f = weight_failures; f < weighted_figure_count; ++f) {
      const auto& x = o.counts[static_cast<std::size_t>(f)];
      if (!x) continue;
      if (!visits) {
        poisson(f, *x);
        continue;
      }
      const double v = *visits;
      const double ev = e[weight_visits];
      const double q_raw = ev > 0.0 ? e[static_cast<std::size_t>(f)] / ev : 0.0;
      const double q = clamp_probability(q_raw);
      // Expected never (or always) and seen so: the term is exactly 0. With the floor instead, a
      // perfect fit would gain a deviance in proportion to the visits.
      const bool structural = (q_raw <= 0.0 && *x == 0.0) || (q_raw >= 1.0 && *x == v);
      if (!structural) {
        fit.log_likelihood += std::lgamma(v + 1.0) - std::lgamma(*x + 1.0) - std::lgamma(v - *x + 1.0) +
                              *x * std::log(q) + (v - *x) * std::log(1.0 - q);
        fit.deviance += 2.0 * (xlog(*x, v * q) + xlog(v - *x, v * (1.0 - q)));
      }
      if (ev > 0.0) {
        const double dq = *x / q - (v - *x) / (1.0 - q);
        tw[static_cast<std::size_t>(f)] += dq / ev;
        tw[weight_visits] -= dq * q_raw / ev;
      }
      const double var = v * q_raw * (1.0 - q_raw);
      FitRow row{measure_name(g, id + "." + figure_word(f)), *x, v * q_raw, std::nullopt};
      if (var > 0.0)
        row.pearson_residual = (*x - v * q_raw) / std::sqrt(var);
      else if (*x == v * q_raw)
        row.pearson_residual = 0.0;
      row.structural = structural;
      fit.rows.push_back(std::move(row));
    }
    w.touchpoints.emplace_back(o.touchpoint, tw);
  }
}

std::string describe_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// A generator of starting points that gives the same sequence on every platform.
struct StartDraws {
  std::mt19937_64 rng;
  double uniform() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
};

}  // namespace

std::size_t GoodnessOfFit::informative_counts() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const FitRow& r) { return !r.structural; }));
}

void test_goodness_of_fit(GoodnessOfFit& g, std::size_t fitted) {
  const std::size_t counts = g.informative_counts();
  g.degrees_of_freedom.reset();
  g.p_value.reset();
  if (counts <= fitted) return;
  const double df = static_cast<double>(counts - fitted);
  g.degrees_of_freedom = df;
  g.p_value =
      g.deviance > 0.0 ? boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), g.deviance)) : 1.0;
}

std::pair<Journey, Population> with_values(const Journey& journey, const Population& population,
                                           const std::vector<ParameterRef>& refs, const std::vector<double>& values) {
  std::vector<Touchpoint> tps(journey.touchpoints().begin(), journey.touchpoints().end());
  std::vector<Segment> segs(population.segments().begin(), population.segments().end());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const ParameterRef& r = refs[i];
    if (r.touchpoint)
      attribute_of(tps[*r.touchpoint], r.attribute) = values[i];
    else
      parameter_of(segs[*r.segment], r.parameter) = values[i];
  }
  return {Journey(std::move(tps), std::vector<Transition>(journey.transitions().begin(), journey.transitions().end()),
                  journey.start(), journey.segments()),
          Population(std::move(segs))};
}

Likelihood log_likelihood(const Journey& journey, const Population& population, const ExactSolution& at,
                          const ObservedData& data, bool with_weights) {
  Likelihood out;
  if (with_weights) out.weights.assign(population.size(), FigureWeights{});
  for (const auto& g : data.groups) {
    if (g.segments.empty() || !(g.customers > 0.0)) continue;
    const GroupFigures gf = group_figures(population, at, g);
    GroupWeights w;
    outcome_terms(g, gf, out.fit, w);
    touchpoint_terms(journey, at, g, gf, out.fit, w);
    if (with_weights) spread(journey, g, gf, w, out.weights);
  }
  return out;
}

namespace {

struct Problem {
  const Journey& journey;
  const Population& population;
  const std::vector<FitParameter>& parameters;
  std::vector<ParameterRef> refs;
  const ObservedData& data;
};

// The log-likelihood and its gradient at one point after another. The journey is solved and
// differentiated on chains kept while the numbers keep their pattern (sim/prepared_journey.hpp,
// PreparedGradient): a fit's steps and the information's columns assemble and factorise only the
// values. A fit walks on to new patterns (a parameter reaching its bound) and adopts them; the
// information's evaluators do not, so each column depends only on the point it is taken at, never
// on the columns a thread took before. Either way the figures are the same on any thread count.
// Not thread-safe: one per thread.
class Evaluator {
 public:
  Evaluator(const Problem& p, bool adopt_new_pattern) : p_(&p), adopt_(adopt_new_pattern), gradient_(adopt_) {}

  // Throws SolverError.
  double operator()(const std::vector<double>& values, std::vector<double>* grad) {
    const Problem& p = *p_;
    const auto [journey, population] = with_values(p.journey, p.population, p.refs, values);
    ExactSolution at;
    if (solve_) {
      at = solve_->solve(journey, population);
    } else {
      solve_ = std::make_unique<PreparedJourney>(journey, population, PreparedJourney::Options{adopt_, false});
      at = solve_->prepared();
    }
    Likelihood l = log_likelihood(journey, population, at, p.data, grad != nullptr);
    if (grad) {
      const FiguresGradient g = gradient_.gradient(journey, population, at, l.weights);
      grad->assign(values.size(), 0.0);
      for (std::size_t i = 0; i < p.refs.size(); ++i) {
        const ParameterRef& r = p.refs[i];
        if (r.touchpoint) {
          const auto& d = g.touchpoint[*r.touchpoint][static_cast<std::size_t>(r.attribute)];
          (*grad)[i] = d ? *d : 0.0;
        } else {
          (*grad)[i] = g.segment[*r.segment][static_cast<std::size_t>(r.parameter)];
        }
      }
    }
    return l.fit.log_likelihood;
  }

 private:
  const Problem* p_;
  bool adopt_;
  std::unique_ptr<PreparedJourney> solve_;
  PreparedGradient gradient_;
};

std::string nlopt_status(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS: return "converged";
    case nlopt::STOPVAL_REACHED: return "converged (stop value)";
    case nlopt::FTOL_REACHED: return "converged (log-likelihood tolerance)";
    case nlopt::XTOL_REACHED: return "converged (parameter tolerance)";
    case nlopt::MAXEVAL_REACHED: return "stopped: evaluation limit";
    case nlopt::MAXTIME_REACHED: return "stopped: time limit";
    case nlopt::ROUNDOFF_LIMITED: return "converged (round-off limited)";
    default: return "stopped";
  }
}

// The observed information (minus the Hessian of the log-likelihood) at `at`, by central
// differences of the exact gradient, over the parameters in `free`. Columns in parallel, each
// thread with an evaluator prepared at `at` itself: every column is the same on any thread count.
Eigen::MatrixXd observed_information(const Problem& p, const std::vector<double>& at, const std::vector<double>& lower,
                                     const std::vector<double>& upper, const std::vector<std::size_t>& free) {
  const auto m = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd h(m, m);
  tbb::enumerable_thread_specific<std::unique_ptr<Evaluator>> evaluators;
  parallel::for_each(tbb::blocked_range<Eigen::Index>(0, m, 1), [&](const tbb::blocked_range<Eigen::Index>& r) {
    auto& evaluate = evaluators.local();
    if (!evaluate) {
      evaluate = std::make_unique<Evaluator>(p, false);
      (*evaluate)(at, nullptr);
    }
    for (Eigen::Index a = r.begin(); a != r.end(); ++a) {
      const std::size_t i = free[static_cast<std::size_t>(a)];
      const double step = 1e-5 * std::max(1.0, std::fabs(at[i]));
      std::vector<double> up = at, down = at;
      up[i] = std::min(upper[i], at[i] + step);
      down[i] = std::max(lower[i], at[i] - step);
      std::vector<double> gu, gd;
      (*evaluate)(up, &gu);
      (*evaluate)(down, &gd);
      for (Eigen::Index b = 0; b < m; ++b) {
        const std::size_t j = free[static_cast<std::size_t>(b)];
        h(b, a) = -(gu[j] - gd[j]) / (up[i] - down[i]);
      }
    }
  });
  return 0.5 * (h + h.transpose());
}

}  // namespace

CalibrationResult calibrate(const Journey& journey, const Population& population,
                            const std::vector<FitParameter>& parameters, const ObservedData& data,
                            const ObservedData* holdout, const CalibrationSettings& settings) {
  if (parameters.empty()) throw std::invalid_argument("nothing to fit: name at least one parameter");
  Problem problem{journey, population, parameters, {}, data};
  const std::size_t n = parameters.size();
  std::vector<double> lower(n), upper(n), scenario(n);
  for (std::size_t i = 0; i < n; ++i) {
    problem.refs.push_back(parameters[i].ref);
    lower[i] = 0.0;
    upper[i] = parameters[i].ref.max();
    scenario[i] = parameters[i].ref.value(journey, population);
  }
  CalibrationResult result;
  result.defection_rate_start = solve_exact(journey, population).figures.defection_rate();

  // Starts: the scenario's values, moved 0.01 inside the range (a likelihood can be -inf on a
  // bound, e.g. reliability 1 with failures observed); then random points around them.
  StartDraws draws{std::mt19937_64(settings.seed)};
  std::vector<std::vector<double>> starts;
  for (int s = 0; s < std::max(1, settings.starts); ++s) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double margin = 0.01;
      double v = scenario[i];
      if (s > 0) {
        if (parameters[i].ref.touchpoint) {
          v = draws.uniform();  // attributes: anywhere in [0, 1]
        } else {
          // Segment parameters: a factor between 1/4 and 4 of the scenario's value (or of 0.1).
          v = std::max(std::fabs(v), 0.1) * std::exp2(4.0 * draws.uniform() - 2.0);
        }
      }
      x[i] = std::clamp(v, lower[i] + margin, upper[i] - margin);
    }
    starts.push_back(std::move(x));
  }

  // How long a fit takes grows with the journey and the parameters: say so up front, from the
  // time of one evaluation, and after each start.
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const auto tell = [&](const std::string& line) {
    if (settings.progress) settings.progress(line);
  };
  double per_evaluation = 0.0;
  // The intervals' evaluations run on every thread.
  const double threads = std::max(1, tbb::this_task_arena::max_concurrency());
  if (settings.progress) {
    // Timed warm, as the fit's steps run: the first evaluation prepares the chains.
    std::vector<double> grad;
    Evaluator probe(problem, true);
    auto t0 = Clock::now();
    try {
      probe(starts.front(), &grad);
      t0 = Clock::now();
      probe(starts.front(), &grad);
    } catch (const SolverError&) {
    }
    per_evaluation = seconds(t0);
    std::ostringstream m;
    m << std::setprecision(2) << "one evaluation (an exact solve and its gradient) takes " << per_evaluation << " s; "
      << starts.size() << " start" << (starts.size() == 1 ? "" : "s") << " of at most " << settings.max_evaluations
      << " evaluations each: at most about "
      << per_evaluation * settings.max_evaluations * static_cast<double>(starts.size()) << " s, then " << 2 * n
      << " more for the intervals (about " << per_evaluation * 2.0 * static_cast<double>(n) / threads << " s)";
    tell(m.str());
  }

  double best = -std::numeric_limits<double>::infinity();
  std::size_t best_start = 0;
  std::vector<double> best_x, best_from;
  for (const auto& from : starts) {
    const auto started = Clock::now();
    StartRun run;
    run.from = from;
    double start_best = -std::numeric_limits<double>::infinity();
    std::vector<double> start_x = from;
    std::string solver_error;
    nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(n));
    opt.set_lower_bounds(lower);
    opt.set_upper_bounds(upper);
    opt.set_ftol_rel(1e-13);
    opt.set_xtol_rel(1e-10);
    opt.set_maxeval(settings.max_evaluations);
    Evaluator evaluate(problem, true);
    struct Context {
      Evaluator* evaluate;
      StartRun* run;
      double* best;
      std::vector<double>* best_x;
      std::string* error;
    } context{&evaluate, &run, &start_best, &start_x, &solver_error};
    opt.set_max_objective(
        [](const std::vector<double>& x, std::vector<double>& grad, void* opaque) -> double {
          auto& c = *static_cast<Context*>(opaque);
          ++c.run->evaluations;
          try {
            const double ll = (*c.evaluate)(x, grad.empty() ? nullptr : &grad);
            if (ll > *c.best) {
              *c.best = ll;
              *c.best_x = x;
            }
            return ll;
          } catch (const SolverError& e) {
            // A point the solver cannot handle: the optimiser backs away from it.
            *c.error = e.what();
            std::fill(grad.begin(), grad.end(), 0.0);
            return -std::numeric_limits<double>::max();
          }
        },
        &context);
    std::vector<double> x = from;
    double value = 0.0;
    try {
      run.status = nlopt_status(opt.optimize(x, value));
    } catch (const nlopt::roundoff_limited&) {
      run.status = "converged (round-off limited)";
    } catch (const std::runtime_error& e) {
      // L-BFGS gives up with a generic failure when its line search cannot improve any more,
      // typically at the optimum: the log-likelihood reached tells whether it matters.
      run.status = std::string("stopped: ") + e.what();
    }
    if (!std::isfinite(start_best) || start_best == -std::numeric_limits<double>::max())
      run.status = "failed: " + (solver_error.empty() ? run.status : solver_error);
    run.log_likelihood = start_best;
    if (start_best > best) {
      best = start_best;
      best_x = start_x;
      best_from = from;
      best_start = result.starts.size();
    }
    if (settings.progress) {
      std::ostringstream m;
      m << std::setprecision(3) << "start " << result.starts.size() + 1 << " of " << starts.size() << ": " << run.status
        << " after " << run.evaluations << " evaluations, " << seconds(started) << " s";
      tell(m.str());
    }
    result.starts.push_back(std::move(run));
  }
  if (best_x.empty())
    throw SolverError("no starting point could be solved: " +
                      (result.starts.empty() ? std::string() : result.starts.front().status));

  // A start cut off by its evaluation limit may still have been climbing: its end is no optimum.
  if (result.starts[best_start].status.rfind("stopped: evaluation limit", 0) == 0) {
    std::ostringstream w;
    w << "the best start stopped at its limit of " << settings.max_evaluations << " evaluations before converging ("
      << n << " parameter" << (n == 1 ? "" : "s")
      << "): the values may not be the best fit yet; allow more evaluations or fit fewer parameters";
    result.warnings.push_back(w.str());
  }
  // Local optima: starts that ended clearly below the best.
  int below = 0;
  for (const auto& s : result.starts)
    if (std::isfinite(s.log_likelihood) && s.log_likelihood < best - 1e-3 * std::max(1.0, std::fabs(best))) ++below;
  if (below > 0) {
    std::ostringstream w;
    w << below << " of " << result.starts.size()
      << " starts ended at a lower likelihood (local optima or slow convergence): the best one is reported";
    result.warnings.push_back(w.str());
  }

  // Intervals from the observed information over the parameters not at a bound.
  std::vector<std::size_t> free;
  result.parameters.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    FittedParameter& f = result.parameters[i];
    f.parameter = parameters[i];
    f.start = scenario[i];
    f.fitted = best_x[i];
    f.lower = lower[i];
    f.upper = upper[i];
    const double tolerance = 1e-6 * (upper[i] - lower[i]);
    f.at_bound = best_x[i] <= lower[i] + tolerance || best_x[i] >= upper[i] - tolerance;
    if (f.at_bound) {
      result.warnings.push_back(parameters[i].name + " is fitted at the " +
                                (best_x[i] <= lower[i] + tolerance ? "lower" : "upper") +
                                " end of its range: no interval is given (the data would pull it further)");
    } else {
      free.push_back(i);
    }
  }
  if (!free.empty()) {
    if (settings.progress) {
      std::ostringstream m;
      m << std::setprecision(2) << "intervals: " << 2 * free.size() << " evaluations, about "
        << per_evaluation * 2.0 * static_cast<double>(free.size()) / threads << " s";
      tell(m.str());
    }
    const Eigen::MatrixXd info = observed_information(problem, best_x, lower, upper, free);
    const auto m = info.rows();
    std::vector<std::string> uninformed;
    Eigen::VectorXd scale(m);
    for (Eigen::Index a = 0; a < m; ++a) {
      const double d = info(a, a);
      scale[a] = d > 0.0 ? 1.0 / std::sqrt(d) : 0.0;
      if (!(d > 0.0)) uninformed.push_back(parameters[free[static_cast<std::size_t>(a)]].name);
    }
    if (!uninformed.empty())
      result.warnings.push_back("the data carry no information on " + describe_names(uninformed) +
                                ": observe a count it changes, or do not fit it");
    // In correlation scale every informed direction has unit curvature; an eigenvalue near 0 is a
    // direction along which the likelihood is nearly flat.
    const Eigen::MatrixXd scaled = scale.asDiagonal() * info * scale.asDiagonal();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(scaled);
    const Eigen::VectorXd& lambda = eigen.eigenvalues();
    const Eigen::MatrixXd& v = eigen.eigenvectors();
    constexpr double flat = 1e-3;  // a correlation of about 0.999 between two parameters
    std::vector<bool> unidentified(static_cast<std::size_t>(m), false);
    int flat_directions = 0;
    double flattest = 1.0;
    for (Eigen::Index e = 0; e < m; ++e) {
      if (!(lambda[e] < flat)) continue;
      ++flat_directions;
      flattest = std::min(flattest, std::max(0.0, lambda[e]));
      for (Eigen::Index a = 0; a < m; ++a)
        if (scale[a] > 0.0 && std::fabs(v(a, e)) > 0.2) unidentified[static_cast<std::size_t>(a)] = true;
    }
    std::vector<std::string> tangled;
    for (Eigen::Index a = 0; a < m; ++a)
      if (unidentified[static_cast<std::size_t>(a)])
        tangled.push_back(parameters[free[static_cast<std::size_t>(a)]].name);
    if (!tangled.empty()) {
      std::ostringstream w;
      w << "the data cannot separate " << describe_names(tangled) << ": the likelihood is nearly flat along "
        << (flat_directions > 1 ? std::to_string(flat_directions) + " directions" : std::string("a direction"))
        << " that move" << (flat_directions > 1 ? "" : "s") << " them together (relative curvature " << flattest
        << "), so no intervals are given for them; fix some of them or observe counts that tell them apart";
      result.warnings.push_back(w.str());
    }
    // Covariance: the inverse of the information on the informed, separable parameters.
    std::vector<Eigen::Index> keep;
    for (Eigen::Index a = 0; a < m; ++a)
      if (scale[a] > 0.0 && !unidentified[static_cast<std::size_t>(a)]) keep.push_back(a);
    if (!keep.empty()) {
      const auto k = static_cast<Eigen::Index>(keep.size());
      Eigen::MatrixXd sub(k, k);
      for (Eigen::Index a = 0; a < k; ++a)
        for (Eigen::Index b = 0; b < k; ++b)
          sub(a, b) = info(keep[static_cast<std::size_t>(a)], keep[static_cast<std::size_t>(b)]);
      const Eigen::LDLT<Eigen::MatrixXd> ldlt(sub);
      if (ldlt.info() == Eigen::Success && ldlt.isPositive()) {
        const Eigen::MatrixXd cov = ldlt.solve(Eigen::MatrixXd::Identity(k, k));
        for (Eigen::Index a = 0; a < k; ++a) {
          const double var = cov(a, a);
          if (!(var > 0.0) || !std::isfinite(var)) continue;
          FittedParameter& f = result.parameters[free[static_cast<std::size_t>(keep[static_cast<std::size_t>(a)])]];
          f.se = std::sqrt(var);
          f.ci95 = std::array<double, 2>{std::max(f.lower, f.fitted - 1.959963984540054 * *f.se),
                                         std::min(f.upper, f.fitted + 1.959963984540054 * *f.se)};
        }
      } else {
        result.warnings.push_back(
            "the observed information is not positive definite at the best fit: no intervals are given "
            "(the fit may not have converged)");
      }
    }
  }

  auto fitted = with_values(journey, population, problem.refs, best_x);
  result.journey = std::move(fitted.first);
  result.population = std::move(fitted.second);
  const ExactSolution at = solve_exact(result.journey, result.population);
  result.defection_rate_fitted = at.figures.defection_rate();
  result.fit = log_likelihood(result.journey, result.population, at, data, false).fit;
  if (holdout) result.holdout = log_likelihood(result.journey, result.population, at, *holdout, false).fit;
  result.unmoved = best_x == best_from;
  test_goodness_of_fit(result.fit, n);
  if (result.holdout) test_goodness_of_fit(*result.holdout, 0);
  if (result.unmoved)
    result.warnings.push_back(
        "no step of the optimiser improved on its starting point: the values are starting values, not a fit");
  if (result.fit.p_value && *result.fit.p_value < poor_fit_p) {
    std::ostringstream w;
    w << "the model does not fit the counts: deviance " << std::setprecision(6) << result.fit.deviance << " over "
      << *result.fit.degrees_of_freedom << " degrees of freedom (p = " << std::setprecision(2) << *result.fit.p_value
      << "); the fitted values and their intervals assume a model that fits, so read the largest Pearson residuals "
         "before trusting them";
    result.warnings.push_back(w.str());
  }
  return result;
}

}  // namespace cxsim
