// The report's number formats: no "-0", thousands separators, money with its currency.
#include "io/report_format.hpp"
#include "io/report_context.hpp"

#include <gtest/gtest.h>

namespace cxsim {
namespace {

TEST(ReportFormat, AValueThatRoundsToZeroHasNoSign) {
  EXPECT_EQ(fixed_text(-0.0, 1), "0.0");
  EXPECT_EQ(fixed_text(-0.0004, 2), "0.00");
  EXPECT_EQ(fixed_text(-0.0004, 2, true), "0.00");
  EXPECT_EQ(fixed_text(0.0004, 2, true), "0.00");
  EXPECT_EQ(fixed_text(-0.006, 2), "-0.01");
  EXPECT_EQ(fixed_text(0.25, 2, true), "+0.25");
  EXPECT_EQ(fixed_text(-0.25, 2, true), "-0.25");
  EXPECT_EQ(percent_text(-1e-9), "0.00%");
}

TEST(ReportFormat, ThousandsAreSeparated) {
  EXPECT_EQ(grouped_text(4692000), "4,692,000");
  EXPECT_EQ(grouped_text(999), "999");
  EXPECT_EQ(grouped_text(1000), "1,000");
  EXPECT_EQ(grouped_text(-123456.7), "-123,457");
  EXPECT_EQ(grouped_text(1234567.891, 2), "1,234,567.89");
  EXPECT_EQ(grouped_text(-0.4), "0");
  EXPECT_EQ(grouped_text(100000), "100,000");
}

TEST(ReportFormat, MoneyCarriesItsCurrency) {
  EXPECT_EQ(money_text(35480000, "EUR"), "35,480,000 EUR");
  EXPECT_EQ(money_text(-1200000, "GBP"), "-1,200,000 GBP");
  EXPECT_EQ(money_text(-0.2, "EUR"), "0 EUR");
  EXPECT_EQ(money_text(5, ""), "5");
}

TEST(ReportReproduce, FilesAreNamedRelativeToThePage) {
  EXPECT_EQ(relative_to_output("/a/b/scenarios/x/scenario.yaml", "/a/b/out/report.html"),
            "../scenarios/x/scenario.yaml");
  EXPECT_EQ(relative_to_output("/a/b/s.yaml", "/a/b/r.html"), "s.yaml");
  EXPECT_EQ(relative_to_output("/a/b/s.yaml", "/a/b/c/d/r.html"), "../../s.yaml");
}

TEST(ReportReproduce, TheCommandIsCxsimWithEverySettingThatChangesThePage) {
  ReproduceRequest r;
  r.scenario = "/home/me/work/s.yaml";
  r.out = "/home/me/work/pages/report.html";
  r.seed = 7;
  r.customers = 40000;
  EXPECT_EQ(reproduce_command(r), "cxsim report ../s.yaml --seed 7 --customers 40000 --out report.html");
  r.segment = "busy families";
  r.variants = {"a", "b+c"};
  EXPECT_EQ(reproduce_command(r),
            "cxsim report ../s.yaml --segment 'busy families' --variant a --variant b+c --seed 7 "
            "--customers 40000 --out report.html");
}

}  // namespace
}  // namespace cxsim
