#include "io/report_format.hpp"

#include <cmath>
#include <cstdio>

namespace cxsim {

namespace {

// True when the digits of `text` are all zeros ("-0.00", "+0", "0.000").
bool all_zero(const std::string& text) {
  for (const char c : text)
    if (c >= '1' && c <= '9') return false;
  return true;
}

}  // namespace

std::string fixed_text(double x, int decimals, bool plus) {
  if (!std::isfinite(x)) return x != x ? "-" : x > 0 ? "∞" : "-∞";
  char buf[64];
  std::snprintf(buf, sizeof buf, plus ? "%+.*f" : "%.*f", decimals, x);
  std::string text = buf;
  if (all_zero(text) && (text[0] == '-' || text[0] == '+')) text.erase(0, 1);
  return text;
}

std::string grouped_text(double x, int decimals) {
  std::string text = fixed_text(x, decimals);
  if (text == "-" || text.find("∞") != std::string::npos) return text;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  const std::size_t point = text.find('.');
  const std::size_t end = point == std::string::npos ? text.size() : point;
  for (std::size_t i = end; i > 3; i -= 3) text.insert(i - 3, ",");
  return (negative ? "-" : "") + text;
}

std::string money_text(double x, const std::string& currency) {
  return grouped_text(x) + (currency.empty() ? "" : " " + currency);
}

std::string percent_text(double share, int decimals) {
  return fixed_text(100.0 * share, decimals) + "%";
}

}  // namespace cxsim
