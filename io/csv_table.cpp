#include "io/csv_table.hpp"

#include "io/fccp.hpp"

#include <algorithm>
#include <functional>
#include <tuple>
#include <utility>

#include "io/names.hpp"
#include "io/yaml_tree.hpp"
#include "models/limits.hpp"

namespace cxsim {

namespace {

template <std::size_t N>
using Reader = io::CSVReader<static_cast<unsigned>(N), io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>,
                             io::throw_on_overflow, io::single_and_empty_line_comment<'#'>>;

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
    return column.empty() ? "the header has a column without a name; name it or delete the column (expected "
                            "columns among: " +
                                list + ")"
                          : unknown_name_message("column", column, known);
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

// 1-based byte columns where the cells of a raw CSV line start (quote-aware, like the reader).
std::vector<std::size_t> cell_starts(std::string_view line) {
  std::vector<std::size_t> starts{1};
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"')
      quoted = !quoted;
    else if (line[i] == ',' && !quoted)
      starts.push_back(i + 2);
  }
  return starts;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The physical lines of a text, read front to back: rows come in increasing line order, so
// finding a row's line costs nothing extra, and no table of every line is kept (a file of
// millions of blank lines must not cost gigabytes).
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  // Line n, 1-based; n must not decrease from one call to the next. Empty past the end.
  std::string_view line(std::size_t n) {
    while (number_ < n) {
      const auto end = text_.find('\n', start_);
      if (end == std::string_view::npos) return {};
      start_ = end + 1;
      ++number_;
    }
    const auto end = text_.find('\n', start_);
    return text_.substr(start_, end == std::string_view::npos ? std::string_view::npos : end - start_);
  }
  bool past_end(std::size_t n) {
    line(n);
    return number_ < n;
  }

 private:
  std::string_view text_;
  std::size_t start_ = 0;  // where line `number_` starts
  std::size_t number_ = 1;
};

// A row of nothing but commas: what a spreadsheet writes for a formatted but empty row.
bool blank_of_commas(std::string_view line) {
  const auto t = trim(line);
  return !t.empty() && t.find_first_not_of(", \t") == std::string_view::npos;
}

// The header: the first line that is neither blank nor a comment.
std::size_t header_line(std::string_view text) {
  LineCursor lines(text);
  for (std::size_t l = 1; !lines.past_end(l); ++l) {
    const auto t = trim(lines.line(l));
    if (!t.empty() && t.front() != '#' && !blank_of_commas(t)) return l;
  }
  return 1;
}

// The cells of one header line, trimmed and unquoted, split on `separator`.
std::vector<std::string> header_names(std::string_view line, char separator) {
  std::vector<std::string> names;
  std::size_t begin = 0;
  for (;;) {
    const auto end = line.find(separator, begin);
    auto name = trim(line.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    if (name.rfind("\xEF\xBB\xBF", 0) == 0) name.remove_prefix(3);  // a byte-order mark
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    names.emplace_back(name);
    if (end == std::string_view::npos) return names;
    begin = end + 1;
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "0,85": a number written with a decimal comma, somewhere in `line`.
std::optional<std::string> decimal_comma(std::string_view line) {
  for (std::size_t i = 1; i + 1 < line.size(); ++i)
    if (line[i] == ',' && is_digit(line[i - 1]) && is_digit(line[i + 1])) {
      std::size_t b = i - 1, e = i + 1;
      while (b > 0 && is_digit(line[b - 1])) --b;
      while (e + 1 < line.size() && is_digit(line[e + 1])) ++e;
      return std::string(line.substr(b, e - b + 1));
    }
  return std::nullopt;
}

// A table saved by a spreadsheet with German or French settings: ';' between cells, and usually
// decimal commas. Said in full, with how to save it again, rather than "unknown column 'id;name;...'".
std::optional<std::string> semicolon_table(std::string_view text, std::size_t header_at,
                                           const std::vector<std::string>& known) {
  LineCursor lines(text);
  const auto header = lines.line(header_at);
  if (header.find(';') == std::string_view::npos) return std::nullopt;
  const auto names = header_names(header, ';');
  const auto known_names = std::count_if(names.begin(), names.end(), [&](const std::string& n) {
    return std::find(known.begin(), known.end(), n) != known.end();
  });
  if (known_names < 2) return std::nullopt;
  std::string found = "the cells of this file are separated by ';', not ',' (its header has " +
                      std::to_string(names.size()) + " columns split by ';')";
  for (std::size_t l = header_at + 1; !lines.past_end(l); ++l) {
    const auto line = lines.line(l);
    if (line.empty() || line.front() == '#') continue;
    if (const auto number = decimal_comma(line)) {
      found += ", and its numbers have decimal commas (line " + std::to_string(l) + ": '" + *number + "')";
      break;
    }
  }
  return found +
         ": that is how Excel and LibreOffice save CSV with German or French settings. cxsim reads ',' between "
         "cells and '.' in numbers (0.85). Save the file again with ',' as the separator and '.' as the decimal "
         "point: in Excel untick File > Options > Advanced > 'Use system separators' and set the decimal separator "
         "to '.', then save as 'CSV UTF-8 (Comma delimited)'; in LibreOffice use Save As, tick 'Edit filter "
         "settings' and choose ',' as the field delimiter";
}

// Excel keeps the cells it once formatted: empty columns after the last named one (a header
// ending in ",,") and rows of nothing but commas. Both are dropped here, keeping every line in
// its place so messages still point at the right line; nullopt when there is nothing to drop.
std::optional<std::string> without_spreadsheet_padding(std::string_view text, std::size_t header_at) {
  LineCursor lines(text);
  const auto header = lines.line(header_at);
  const auto header_starts = cell_starts(header);
  std::size_t named = header_starts.size();  // cells up to the last one with a name
  while (named > 1 &&
         trim(header.substr(header_starts[named - 1] - 1)).find_first_not_of(", \t") == std::string_view::npos)
    --named;
  const bool padded_header = named < header_starts.size();
  const bool comma_rows = text.rfind(",", 0) == 0 || text.find("\n,") != std::string_view::npos;
  if (!padded_header && !comma_rows) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  for (std::size_t l = 1;; ++l) {
    const auto end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.front() == '#') {
      // a comment stays as it is
    } else if (blank_of_commas(line)) {
      line = {};
    } else if (l >= header_at && padded_header) {
      // Only padding is cut: a row whose extra cells hold something keeps them (and is reported).
      const auto starts = cell_starts(line);
      if (starts.size() > named &&
          trim(line.substr(starts[named] - 2)).find_first_not_of(", \t") == std::string_view::npos)
        line = line.substr(0, starts[named] - 2);
    }
    out.append(line);
    if (end == std::string_view::npos) break;
    out.push_back('\n');
    start = end + 1;
  }
  return out;
}

}  // namespace

template <std::size_t N>
bool stream_csv(const std::string& path, const std::array<const char*, N>& columns, Diagnostics& diagnostics,
                const SourceLocation& referenced_from,
                const std::function<void(const std::vector<bool>&, std::size_t, std::size_t)>& on_header,
                const std::function<void(const CsvRow&)>& on_row) {
  auto text = read_text_file(path, diagnostics, referenced_from, limits::max_table_file_bytes);
  if (!text) return false;
  // Old Mac line endings (a lone CR, as some spreadsheets still save "CSV (Macintosh)") end a
  // line like LF does; the CSV reader would otherwise see one long line.
  for (std::size_t i = 0; i < text->size(); ++i)
    if ((*text)[i] == '\r' && (i + 1 == text->size() || (*text)[i + 1] != '\n')) (*text)[i] = '\n';
  if (const auto nul = text->find('\0'); nul != std::string::npos) {
    const auto line =
        static_cast<std::size_t>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(nul), '\n')) + 1;
    diagnostics.error({path, line, 0}, "the file contains a NUL byte; is it a CSV text file?");
    return false;
  }

  const std::vector<std::string> known(columns.begin(), columns.end());
  const std::size_t header_at = header_line(*text);
  if (const auto found = semicolon_table(*text, header_at, known)) {
    diagnostics.error({path, header_at, 0}, *found);
    return false;
  }
  if (auto tidied = without_spreadsheet_padding(*text, header_at)) *text = std::move(*tidied);
  std::vector<bool> present;
  Reader<N> reader(path, text->data(), text->data() + text->size());
  const auto seq = std::make_index_sequence<N>{};
  try {
    read_header<N>(reader, columns, seq);
    for (const auto& c : known) present.push_back(reader.has_column(c));
    // At most this many rows follow (every line after the header), so callers can reserve.
    on_header(present, static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n')), header_at);
    // Which known column each header position holds, for the character column of each cell.
    std::vector<int> known_at;  // header position -> known column index
    LineCursor lines(*text);
    const std::string_view header = lines.line(header_at);
    const auto header_starts = cell_starts(header);
    for (std::size_t i = 0; i < header_starts.size(); ++i) {
      const std::size_t begin = header_starts[i] - 1;
      const std::size_t end = i + 1 < header_starts.size() ? header_starts[i + 1] - 2 : header.size();
      auto name = trim(header.substr(begin, end - begin));
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      if (name.rfind("\xEF\xBB\xBF", 0) == 0) name.remove_prefix(3);  // a byte-order mark
      const auto it = std::find(known.begin(), known.end(), name);
      known_at.push_back(it == known.end() ? -1 : static_cast<int>(it - known.begin()));
    }
    // One row, reused: a table of a million rows costs no more memory than one row here.
    std::array<std::string, N> cells;
    CsvRow row;
    row.cells.resize(N);
    row.columns.resize(N);
    for (;;) {
      for (auto& c : cells) c.clear();
      if (!read_row<N>(reader, cells, seq)) break;
      row.line = reader.get_file_line();
      for (std::size_t i = 0; i < N; ++i) {
        if (present[i])
          row.cells[i] = std::move(cells[i]);
        else
          row.cells[i].reset();
      }
      std::fill(row.columns.begin(), row.columns.end(), 0);
      if (!lines.past_end(row.line)) {
        const std::string_view raw = lines.line(row.line);
        const auto starts = cell_starts(raw);
        for (std::size_t pos = 0; pos < known_at.size() && pos < starts.size(); ++pos)
          if (known_at[pos] >= 0)
            row.columns[static_cast<std::size_t>(known_at[pos])] = character_column(raw, starts[pos]);
      }
      on_row(row);
      // Past the errors shown, the rest of a broken file only costs time: stop here.
      if (diagnostics.saturated(path)) {
        diagnostics.stopped_reading(path, row.line);
        return false;  // like a malformed table: its rows are not all known
      }
    }
    // A row whose first cell starts with '#' reads as a comment: say so where it looks like data.
    const auto commas = static_cast<std::size_t>(std::count(header.begin(), header.end(), ','));
    LineCursor all(*text);
    for (std::size_t i = header_at + 1; !all.past_end(i); ++i)
      if (const auto l = all.line(i); !l.empty() && l.front() == '#' && commas > 0 &&
                                      static_cast<std::size_t>(std::count(l.begin(), l.end(), ',')) == commas)
        diagnostics.warning({path, i, 1},
                            "this line starts with '#', so it is read as a comment and skipped; "
                            "if it is a row, put its first cell in quotes (\"#...\")");
  } catch (const io::error::base& e) {
    std::size_t line = 0;
    if (const auto* fl = dynamic_cast<const io::error::with_file_line*>(&e); fl && fl->file_line > 0)
      line = static_cast<std::size_t>(fl->file_line);
    else if (dynamic_cast<const io::error::extra_column_in_header*>(&e) ||
             dynamic_cast<const io::error::duplicated_column_in_header*>(&e))
      line = header_at;
    diagnostics.error({path, line, 0}, describe_csv_error(e, known));
    return false;
  }
  return true;
}

template <std::size_t N>
std::optional<CsvTable> read_csv(const std::string& path, const std::array<const char*, N>& columns,
                                 Diagnostics& diagnostics, const SourceLocation& referenced_from) {
  CsvTable table;
  table.file = path;
  table.columns.assign(columns.begin(), columns.end());
  const bool ok = stream_csv<N>(
      path, columns, diagnostics, referenced_from,
      [&](const std::vector<bool>& present, std::size_t, std::size_t) { table.present = present; },
      [&](const CsvRow& row) { table.rows.push_back(row); });
  if (!ok) return std::nullopt;
  return table;
}

template std::optional<CsvTable> read_csv<4>(const std::string&, const std::array<const char*, 4>&, Diagnostics&,
                                             const SourceLocation&);
template std::optional<CsvTable> read_csv<5>(const std::string&, const std::array<const char*, 5>&, Diagnostics&,
                                             const SourceLocation&);
template std::optional<CsvTable> read_csv<28>(const std::string&, const std::array<const char*, 28>&, Diagnostics&,
                                              const SourceLocation&);
template std::optional<CsvTable> read_csv<12>(const std::string&, const std::array<const char*, 12>&, Diagnostics&,
                                              const SourceLocation&);

#define CXSIM_CSV_INSTANCES(N)                                                                                \
  template bool stream_csv<N>(const std::string&, const std::array<const char*, N>&, Diagnostics&,            \
                              const SourceLocation&,                                                          \
                              const std::function<void(const std::vector<bool>&, std::size_t, std::size_t)>&, \
                              const std::function<void(const CsvRow&)>&);
CXSIM_CSV_INSTANCES(5)
CXSIM_CSV_INSTANCES(12)
#undef CXSIM_CSV_INSTANCES

}  // namespace cxsim
