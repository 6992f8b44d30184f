#include "io/csv_table.hpp"

#include <libfccp/csv.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "io/yaml_tree.hpp"

namespace cxsim {

namespace {

template <std::size_t N>
using Reader = io::CSVReader<static_cast<unsigned>(N), io::trim_chars<' ', '\t'>,
                             io::double_quote_escape<',', '"'>, io::throw_on_overflow,
                             io::single_and_empty_line_comment<'#'>>;

template <std::size_t N, std::size_t... I>
void read_header(Reader<N>& r, const std::array<const char*, N>& names, std::index_sequence<I...>) {
  r.read_header(io::ignore_missing_column, std::string(names[I])...);
}

template <std::size_t N, std::size_t... I>
bool read_row(Reader<N>& r, std::array<std::string, N>& cells, std::index_sequence<I...>) {
  return r.read_row(cells[I]...);
}

std::string describe_csv_error(const io::error::base& e, const std::vector<std::string>& known) {
  std::string column;
  if (const auto* c = dynamic_cast<const io::error::with_column_name*>(&e)) column = c->column_name;
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  if (dynamic_cast<const io::error::extra_column_in_header*>(&e))
    return "unknown column '" + column + "'; expected columns among: " + list;
  if (dynamic_cast<const io::error::duplicated_column_in_header*>(&e))
    return "column '" + column + "' appears twice in the header";
  if (dynamic_cast<const io::error::header_missing*>(&e))
    return "the file has no header line; expected columns among: " + list;
  if (dynamic_cast<const io::error::too_few_columns*>(&e))
    return "this row has fewer cells than the header has columns";
  if (dynamic_cast<const io::error::too_many_columns*>(&e))
    return "this row has more cells than the header has columns";
  if (dynamic_cast<const io::error::escaped_string_not_closed*>(&e))
    return "a quoted cell is not closed (quotes cannot span lines)";
  if (dynamic_cast<const io::error::line_length_limit_exceeded*>(&e))
    return "a line is longer than the CSV reader's limit of 2^24 characters";
  return e.what();
}

}  // namespace

template <std::size_t N>
std::optional<CsvTable> read_csv(const std::string& path, const std::array<const char*, N>& columns,
                                 Diagnostics& diagnostics, const SourceLocation& referenced_from) {
  const auto text = read_text_file(path, diagnostics, referenced_from);
  if (!text) return std::nullopt;
  if (const auto nul = text->find('\0'); nul != std::string::npos) {
    const auto line = static_cast<std::size_t>(
                          std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(nul), '\n')) +
                      1;
    diagnostics.error({path, line, 0}, "the file contains a NUL byte; is it a CSV text file?");
    return std::nullopt;
  }

  CsvTable table;
  table.file = path;
  table.columns.assign(columns.begin(), columns.end());
  Reader<N> reader(path, text->data(), text->data() + text->size());
  const auto seq = std::make_index_sequence<N>{};
  try {
    read_header<N>(reader, columns, seq);
    for (const auto& c : table.columns) table.present.push_back(reader.has_column(c));
    std::array<std::string, N> cells;
    for (;;) {
      cells.fill(std::string());
      if (!read_row<N>(reader, cells, seq)) break;
      CsvRow row;
      row.line = reader.get_file_line();
      for (std::size_t i = 0; i < N; ++i) {
        if (table.present[i])
          row.cells.emplace_back(std::move(cells[i]));
        else
          row.cells.emplace_back(std::nullopt);
      }
      table.rows.push_back(std::move(row));
    }
  } catch (const io::error::base& e) {
    std::size_t line = 0;
    if (const auto* l = dynamic_cast<const io::error::with_file_line*>(&e); l && l->file_line > 0)
      line = static_cast<std::size_t>(l->file_line);
    else if (dynamic_cast<const io::error::extra_column_in_header*>(&e) ||
             dynamic_cast<const io::error::duplicated_column_in_header*>(&e))
      line = 1;
    diagnostics.error({path, line, 0}, describe_csv_error(e, table.columns));
    return std::nullopt;
  }
  return table;
}

template std::optional<CsvTable> read_csv<4>(const std::string&, const std::array<const char*, 4>&,
                                             Diagnostics&, const SourceLocation&);
template std::optional<CsvTable> read_csv<12>(const std::string&, const std::array<const char*, 12>&,
                                              Diagnostics&, const SourceLocation&);

}  // namespace cxsim
