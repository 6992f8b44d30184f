// Strict number parsing: what the scenario format accepts and refuses.
#include <gtest/gtest.h>

#include "io/number.hpp"

namespace cxsim {
namespace {

std::optional<double> real(const char* s) {
  std::string why;
  return parse_real(s, why);
}
std::optional<std::uint64_t> whole(const char* s) {
  std::string why;
  return parse_count(s, why);
}

TEST(ParseReal, ReadsDecimalsAndExponentsExactly) {
  EXPECT_EQ(real("0.3"), 0.3);  // correctly rounded, unlike the CSV library's own conversion
  EXPECT_EQ(real("2.5e-1"), 0.25);
  EXPECT_EQ(real(".5"), 0.5);
  EXPECT_EQ(real("+1"), 1.0);
  EXPECT_EQ(real("-0.25"), -0.25);
  EXPECT_EQ(real("1E2"), 100.0);
}

TEST(ParseReal, RefusesNonNumbers) {
  for (const char* bad : {"", "-", "+", ".", "1e", "1e+", "nan", "NaN", "inf", "-inf", ".inf", "0x10", "1,5", "0.5 ",
                          " 0.5", "1..2", "+-1", "abc", "1e5x"})
    EXPECT_FALSE(real(bad)) << "'" << bad << "'";
}

TEST(ParseReal, RefusesOutOfRangeWithoutHanging) {
  EXPECT_FALSE(real("1e-9999999999"));
  EXPECT_FALSE(real("1e400"));
  EXPECT_FALSE(real("1e-400"));
}

TEST(ParseReal, SaysWhatWasWrong) {
  std::string why;
  EXPECT_FALSE(parse_real("abc", why));
  EXPECT_NE(why.find("'abc'"), std::string::npos);
}

TEST(ParseCount, ReadsWholeNumbers) {
  EXPECT_EQ(whole("0"), 0u);
  EXPECT_EQ(whole("1000000"), 1000000u);
  EXPECT_EQ(whole("18446744073709551615"), 18446744073709551615ULL);
}

TEST(ParseCount, RefusesSignsFractionsOctalAndOverflow) {
  for (const char* bad : {"", "-1", "1.5", "1e6", "010", "0x10", "18446744073709551616", "12a"})
    EXPECT_FALSE(whole(bad)) << "'" << bad << "'";
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(TableNumber, MoneyIsWrittenInPlainDecimals) {
  EXPECT_EQ(table_number(900000.0), "900000");
  EXPECT_EQ(table_number(1.5e12), "1500000000000");
}

TEST(TableNumber, ArithmeticNoiseIsRoundedAway) {
  EXPECT_EQ(table_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(table_number(0.25505900000000004), "0.255059");
}

TEST(TableNumber, NegativeZeroIsZero) {
  EXPECT_EQ(table_number(-0.0), "0");
}

TEST(TableNumber, TinyAndHugeNumbersKeepAnExponent) {
  EXPECT_EQ(table_number(1.792084053092923e-205), "1.79208405309292e-205");
  EXPECT_EQ(table_number(3e20), "3e+20");
}

TEST(TableNumber, FifteenSignificantDigitsSurvive) {
  EXPECT_EQ(table_number(0.338243126370618), "0.338243126370618");
  EXPECT_EQ(table_number(-0.0447637218911108), "-0.0447637218911108");
}

}  // namespace
}  // namespace cxsim
