#pragma once
// Numbers as the report prints them: fixed decimals that never read "-0", thousands separators,
// money with its currency, shares as percentages. One place, so every figure on the page agrees.
#include <string>

namespace cxsim {

// `x` with `decimals` decimals; a value that rounds to zero is written without a sign ("0.00",
// never "-0.00"). With `plus`, a value that does not round to zero carries its sign ("+0.25").
std::string fixed_text(double x, int decimals, bool plus = false);

// `x` rounded to `decimals`, with thousands separators: 4692000 -> "4,692,000".
std::string grouped_text(double x, int decimals = 0);

// Money: grouped, then the currency when there is one ("4,692,000 EUR", "-12,000 EUR").
std::string money_text(double x, const std::string& currency);

// A share as a percentage: 0.3479 -> "34.79%".
std::string percent_text(double share, int decimals = 2);

}  // namespace cxsim
