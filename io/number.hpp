#pragma once
// Strict conversion of text to numbers: the whole text must be the number, in plain decimal.
// (The YAML and CSV libraries' own conversions accept octal, hex, `1e` and worse; see
// shared/LIBRARIES.md.) On failure, `why` says what was wrong.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cxsim {

std::optional<double> parse_real(std::string_view text, std::string& why);
std::optional<std::uint64_t> parse_count(std::string_view text, std::string& why);

}  // namespace cxsim
