#pragma once
// Plain-text tables for people at a terminal. Every column is as wide as its widest cell (and
// at least its set width), so a long touchpoint id, channel or segment name widens its own
// column instead of pushing the rest of its row out of line.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cxsim {

class TextTable {
 public:
  enum class Align { left, right };
  struct Column {
    std::string heading;
    Align align = Align::left;
    std::size_t width = 0;  // at least this many characters
  };

  // Every line starts with `indent`; cells are separated by `gap`.
  explicit TextTable(std::vector<Column> columns, std::string indent = "", std::string gap = " ");

  // One row: a cell for each column, or for the first few, then `tail` as it is (a remark
  // after the last column: "  <-- disagrees").
  void add(std::vector<std::string> cells, std::string tail = "");

  // The heading line (none when every heading is empty) and every row, each ending in a
  // newline; no trailing blanks.
  std::string str() const;

 private:
  struct Row {
    std::vector<std::string> cells;
    std::string tail;
  };
  std::string line(const Row& row, const std::vector<std::size_t>& widths) const;

  std::vector<Column> columns_;
  std::string indent_, gap_;
  std::vector<Row> rows_;
};

// Characters a terminal shows for UTF-8 text: code points, each taken as one column.
std::size_t display_width(std::string_view text);

// printf into a std::string, for the cells of a table.
std::string formatted(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace cxsim
