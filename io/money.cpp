#include "io/money.hpp"

#include <algorithm>
#include <cmath>

namespace cxsim {

double exit_value(const Touchpoint& t, const Economics& e) {
  for (const auto& [stage, value] : e.value_by_stage)
    if (stage == t.stage) return value;
  return e.value_per_customer;
}

bool money_per_customer(const std::vector<const Journey*>& journeys, const Economics& e) {
  if (!e.value_by_stage.empty()) return true;
  for (const Journey* j : journeys)
    for (const Touchpoint& t : j->touchpoints())
      if (t.cost) return true;
  return false;
}

double money_scale(const std::vector<const Journey*>& journeys, const Economics& e) {
  double scale = e.value_per_customer;
  for (const auto& s : e.value_by_stage) scale = std::max(scale, s.second);
  for (const Journey* j : journeys)
    for (const Touchpoint& t : j->touchpoints()) scale = std::max(scale, std::fabs(t.cost.value_or(0.0)));
  return scale > 0.0 ? scale : 1.0;
}

ArmMoney arm_money(const Journey& j, const Economics& e, double scale) {
  ArmMoney m;
  for (const Touchpoint& t : j.touchpoints()) {
    m.exit_value.push_back(exit_value(t, e) / scale);
    m.visit_cost.push_back(t.cost.value_or(0.0) / scale);
  }
  return m;
}

double expected_loss(const Figures& f, const Journey& j, const Economics& e) {
  const std::vector<double> leave = leaving_at(f, j);
  double loss = 0.0;
  for (std::size_t k = 0; k < leave.size(); ++k) loss += leave[k] * exit_value(j.touchpoint(k), e);
  return loss;
}

std::vector<std::pair<std::string, double>> leaving_by_stage(const Figures& f, const Journey& j) {
  std::vector<std::pair<std::string, double>> out;
  const std::vector<double> leave = leaving_at(f, j);
  for (std::size_t k = 0; k < leave.size(); ++k) {
    const std::string& stage = j.touchpoint(k).stage;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& s) { return s.first == stage; });
    if (it == out.end())
      out.emplace_back(stage, leave[k]);
    else
      it->second += leave[k];
  }
  return out;
}

MeanEstimate mean_estimate(double sum, double sum_sq, std::uint64_t n, double scale) {
  MeanEstimate m;
  if (n == 0) return m;
  const double nn = static_cast<double>(n);
  const double mean = sum / nn;
  const double variance = n > 1 ? std::max(0.0, (sum_sq - sum * sum / nn) / (nn - 1.0)) : 0.0;
  m.mean = scale * mean;
  m.standard_error = scale * std::sqrt(variance / nn);
  m.ci95 = {m.mean - z95 * m.standard_error, m.mean + z95 * m.standard_error};
  return m;
}

}  // namespace cxsim
