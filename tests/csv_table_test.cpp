// The CSV reader: columns in any order, every cell as text, errors with file and line.
#include "io/csv_table.hpp"
#include "test_support.hpp"

namespace cxsim {
namespace {

constexpr std::array<const char*, 4> cols{"from", "to", "probability", "when"};

struct Read {
  std::optional<CsvTable> table;
  Diagnostics diag;
};

Read read(const std::string& content) {
  static test::ScratchDir dir;
  Read r;
  r.table = read_csv(dir.write("t.csv", content), cols, r.diag, {});
  return r;
}

std::string first_error(const Read& r) {
  if (r.diag.all().empty()) return "";
  const std::string s = r.diag.all().front().to_string();
  return s.substr(s.rfind('/') + 1);  // drop the scratch folder
}

TEST(CsvTable, ColumnsMayComeInAnyOrderAndBeLeftOut) {
  const auto r = read("to,probability,from\nb,0.5,a\n");
  ASSERT_TRUE(r.table);
  ASSERT_EQ(r.table->rows.size(), 1u);
  EXPECT_EQ(r.table->rows[0].cells[0], "a");
  EXPECT_EQ(r.table->rows[0].cells[2], "0.5");
  EXPECT_FALSE(r.table->rows[0].cells[3]) << "no 'when' column";
  EXPECT_EQ(r.table->rows[0].line, 2u);
}

TEST(CsvTable, QuotedCellsKeepCommasAndQuotes) {
  const auto r = read("from,to,probability\n\"a, \"\"b\"\"\",c,1\n");
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->rows[0].cells[0], "a, \"b\"");
}

TEST(CsvTable, BlankLinesAndCommentsAreSkippedButLinesCounted) {
  const auto r = read("from,to,probability\n\n# a note\na,b,1\r\n");
  ASSERT_TRUE(r.table);
  ASSERT_EQ(r.table->rows.size(), 1u);
  EXPECT_EQ(r.table->rows[0].line, 4u);
  EXPECT_EQ(r.table->rows[0].cells[2], "1");
}

TEST(CsvTable, UnknownColumnIsAnError) {
  const auto r = read("from,to,probabilty\na,b,1\n");
  EXPECT_FALSE(r.table);
  EXPECT_EQ(first_error(r).substr(0, 10), "t.csv:1: e");
  EXPECT_NE(first_error(r).find("unknown column 'probabilty'"), std::string::npos);
}

TEST(CsvTable, RaggedRowNamesItsLine) {
  const auto r = read("from,to,probability\na,b,1\nc,d\n");
  EXPECT_FALSE(r.table);
  EXPECT_EQ(first_error(r).substr(0, 8), "t.csv:3:");
}

TEST(CsvTable, RepeatedColumnIsAnError) {
  const auto r = read("from,to,to\na,b,c\n");
  EXPECT_FALSE(r.table);
  EXPECT_NE(first_error(r).find("twice"), std::string::npos);
}

TEST(CsvTable, NulByteIsAnError) {
  const auto r = read(std::string("from,to,probability\na,b\0,1\n", 26));
  EXPECT_FALSE(r.table);
  EXPECT_EQ(first_error(r).substr(0, 8), "t.csv:2:");
}

TEST(CsvTable, HugeExponentIsReadAsTextWithoutHanging) {
  const auto r = read("from,to,probability\na,b,1e-9999999999\n");
  ASSERT_TRUE(r.table);
  EXPECT_EQ(r.table->rows[0].cells[2], "1e-9999999999");
}

TEST(CsvTable, MissingFileIsAnError) {
  Diagnostics d;
  EXPECT_FALSE(read_csv("/nonexistent/x.csv", cols, d, {}));
  EXPECT_TRUE(d.has_errors());
}

TEST(CsvTable, EmptyFileHasNoHeader) {
  const auto r = read("");
  EXPECT_FALSE(r.table);
  EXPECT_NE(first_error(r).find("no header"), std::string::npos);
}

}  // namespace
}  // namespace cxsim
