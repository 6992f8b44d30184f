// The plain-text tables of every command: columns follow their widest cell.
#include "io/text_table.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace cxsim {
namespace {

using Align = TextTable::Align;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(TextTable, KeepsTheSetWidthsForShortCells) {
  TextTable t({{"id", Align::left, 6}, {"n", Align::right, 4}});
  t.add({"a", "1"});
  EXPECT_EQ(t.str(), "id        n\na         1\n");
}

TEST(TextTable, ALongCellWidensItsColumnForEveryRow) {
  TextTable t({{"touchpoint", Align::left, 4}, {"lost", Align::right, 6}});
  t.add({"order", "1.00"});
  t.add({"engineer_installation_visit", "12.50"});
  const auto l = lines(t.str());
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "order                         1.00");
  EXPECT_EQ(l[2], "engineer_installation_visit  12.50");
  EXPECT_EQ(l[0].size(), l[1].size()) << "the heading's last column ends where the numbers do";
}

TEST(TextTable, CountsCharactersNotBytes) {
  EXPECT_EQ(display_width("caf\xC3\xA9"), 4u);  // café
  TextTable t({{"name", Align::left, 0}, {"n", Align::right, 1}});
  t.add({"caf\xC3\xA9", "1"});
  t.add({"cafe", "2"});
  const auto l = lines(t.str());
  EXPECT_EQ(display_width(l[1]), display_width(l[2]));
}

TEST(TextTable, LeavesNoTrailingBlanks) {
  TextTable t({{"name", Align::left, 10}, {"note", Align::left, 20}});
  t.add({"a", "b"});
  for (const auto& line : lines(t.str())) EXPECT_NE(line.back(), ' ') << "'" << line << "'";
}

TEST(TextTable, PutsTheTailRightAfterTheRowsLastCell) {
  TextTable t({{"figure", Align::left, 0}, {"z", Align::right, 5}, {"more", Align::left, 0}});
  t.add({"x", "6.00"}, "  <-- disagrees");
  EXPECT_EQ(lines(t.str())[1], "x       6.00  <-- disagrees");
}

TEST(TextTable, PrintsNoHeadingLineWhenNoColumnHasAHeading) {
  TextTable t({{"", Align::left, 0}, {"", Align::right, 0}}, "  ");
  t.add({"a", "1"});
  EXPECT_EQ(t.str(), "  a 1\n");
}

TEST(TextTable, FormattedIsNotCutShort) {
  const std::string id(2000, 'x');
  EXPECT_EQ(formatted("%s: %d", id.c_str(), 7), id + ": 7");
}

}  // namespace
}  // namespace cxsim
