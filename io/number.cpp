#include "io/number.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace cxsim {

namespace {
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

std::optional<double> parse_real(std::string_view text, std::string& why) {
  if (text.empty()) {
    why = "expected a number, got an empty value";
    return std::nullopt;
  }
  std::string_view body = text;
  if (body.front() == '+') body.remove_prefix(1);
  // Only digits, a point, a sign and an exponent: rejects nan, inf, hex and friends.
  std::size_t i = 0;
  if (i < body.size() && body[i] == '-') ++i;
  const std::size_t mantissa = i;
  bool digits = false;
  while (i < body.size() && is_digit(body[i])) ++i, digits = true;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, digits = true;
  }
  if (digits && i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < body.size() && (body[j] == '+' || body[j] == '-')) ++j;
    const std::size_t exponent = j;
    while (j < body.size() && is_digit(body[j])) ++j;
    if (j > exponent) i = j;
  }
  if (!digits || i != body.size() || (mantissa == 1 && text.front() == '+')) {
    why = "expected a number (like 0.25 or 2.5e-1), got '" + std::string(text) + "'";
    return std::nullopt;
  }
  double v = 0.0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::result_out_of_range) {
    why = "number '" + std::string(text) + "' is out of the range of a double";
    return std::nullopt;
  }
  if (ec != std::errc() || end != body.data() + body.size() || !std::isfinite(v)) {
    why = "expected a number, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> parse_count(std::string_view text, std::string& why) {
  std::string_view body = text;
  if (!body.empty() && body.front() == '+') body.remove_prefix(1);
  bool all_digits = !body.empty();
  for (char c : body) all_digits = all_digits && is_digit(c);
  if (!all_digits) {
    why = "'" + std::string(text) + "' is not a whole number written in digits only (write 100000, not 1e5 or 100,000)";
    return std::nullopt;
  }
  if (body.size() > 1 && body.front() == '0') {
    why = "whole number '" + std::string(text) + "' has a leading zero (octal is not supported)";
    return std::nullopt;
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec == std::errc::result_out_of_range) {
    why = "whole number '" + std::string(text) + "' is larger than 2^64-1";
    return std::nullopt;
  }
  if (ec != std::errc() || end != body.data() + body.size()) {
    why = "expected a whole number, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  return v;
}

std::string shortest_text(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

std::string table_number(double x) {
  if (x == 0.0) return "0";  // and -0
  if (!std::isfinite(x)) return shortest_text(x);
  char rounded[40];
  std::snprintf(rounded, sizeof rounded, "%.15g", x);
  const double y = std::strtod(rounded, nullptr);
  const double size = std::fabs(y);
  char buf[400];
  const auto r = size >= 1e-6 && size < 1e15 ? std::to_chars(buf, buf + sizeof buf, y, std::chars_format::fixed)
                                             : std::to_chars(buf, buf + sizeof buf, y);
  return std::string(buf, r.ptr);
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

}  // namespace cxsim
