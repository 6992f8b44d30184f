#include "io/text_table.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <utility>

namespace cxsim {

TextTable::TextTable(std::vector<Column> columns, std::string indent, std::string gap)
    : columns_(std::move(columns)), indent_(std::move(indent)), gap_(std::move(gap)) {}

void TextTable::add(std::vector<std::string> cells, std::string tail) {
  cells.resize(std::min(cells.size(), columns_.size()));
  rows_.push_back({std::move(cells), std::move(tail)});
}

std::string TextTable::line(const Row& row, const std::vector<std::size_t>& widths) const {
  std::string out = indent_;
  for (std::size_t i = 0; i < row.cells.size(); ++i) {
    if (i) out += gap_;
    const std::string& cell = row.cells[i];
    const std::size_t pad = widths[i] - std::min(widths[i], display_width(cell));
    const bool last = i + 1 == row.cells.size() && row.tail.empty();
    if (columns_[i].align == Align::right) out.append(pad, ' ');
    out += cell;
    if (columns_[i].align == Align::left && !last) out.append(pad, ' ');
  }
  return out + row.tail + '\n';
}

std::string TextTable::str() const {
  std::vector<std::size_t> widths;
  Row heading;
  for (const auto& c : columns_) {
    widths.push_back(std::max(c.width, display_width(c.heading)));
    heading.cells.push_back(c.heading);
  }
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.cells.size(); ++i) widths[i] = std::max(widths[i], display_width(r.cells[i]));
  const bool headed = std::any_of(columns_.begin(), columns_.end(), [](const Column& c) { return !c.heading.empty(); });
  std::string out = headed ? line(heading, widths) : std::string();
  for (const auto& r : rows_) out += line(r, widths);
  return out;
}

std::size_t display_width(std::string_view text) {
  // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a character.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string formatted(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out(static_cast<std::size_t>(std::max(n, 0)), '\0');
  std::vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  return out;
}

}  // namespace cxsim
