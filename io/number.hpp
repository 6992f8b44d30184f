#pragma once
// Strict conversion of text to numbers: the whole text must be the number, in plain decimal.
// (The YAML and CSV libraries' own conversions accept octal, hex, `1e`, read an empty cell as 0
// and worse.) On failure, `why` says what was wrong. And numbers back to text, shortest first.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cxsim {

std::optional<double> parse_real(std::string_view text, std::string& why);
std::optional<std::uint64_t> parse_count(std::string_view text, std::string& why);

// The shortest decimal text that reads back as exactly x (0.1, not 0.10000000000000001).
std::string shortest_text(double x);

// A number for a table a spreadsheet or pandas reads (CSV): 15 significant digits, so sums and
// products carry no binary noise (0.255059, not 0.25505900000000004); plain decimals for money
// and counts (900000, not 9e+05); exponents only for the very small or very large; never -0.
std::string table_number(double x);

// The time now, to the minute, for the headers of files cxsim writes: "2026-12-06 14:20 UTC".
std::string utc_now();

}  // namespace cxsim
