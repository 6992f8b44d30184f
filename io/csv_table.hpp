#pragma once
// A CSV table of text cells with their line numbers. fast-cpp-csv-parser splits the rows; every
// conversion is ours: its number parsing hangs on huge negative exponents and misrounds others.
#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/diagnostics.hpp"

namespace cxsim {

struct CsvRow {
  std::size_t line = 0;                           // physical line in the file, 1-based
  std::vector<std::optional<std::string>> cells;  // one per known column; nullopt: column absent
  std::vector<std::size_t> columns;               // 1-based character column of each cell; 0 if absent
};

struct CsvTable {
  std::string file;
  std::vector<std::string> columns;  // the known columns, in the caller's order
  std::vector<bool> present;         // whether the file has each known column
  std::vector<CsvRow> rows;
};

// Reads `path`; its header may name the known `columns` in any order, or leave some out.
// Unknown or repeated columns, ragged rows and unclosed quotes are reported. Blank lines and
// lines starting with '#' are skipped, as are what spreadsheets leave behind: empty columns after
// the last named one and rows of nothing but commas. A table saved with ';' between cells (German
// or French settings) is refused with what was found and how to save it again.
template <std::size_t N>
std::optional<CsvTable> read_csv(const std::string& path, const std::array<const char*, N>& columns,
                                 Diagnostics& diagnostics, const SourceLocation& referenced_from);

// The same, streamed: on_header(present, most_rows, header_line) once, then on_row(row) for each row in file order. The
// row is reused from one call to the next (copy what you keep). Returns false after reporting
// a file with more errors than Diagnostics shows (it stops reading there), or
// a file that cannot be read; rows before a malformed line may have been passed on already.
// Instantiated for the scenario tables (5 and 12 columns).
template <std::size_t N>
bool stream_csv(const std::string& path, const std::array<const char*, N>& columns, Diagnostics& diagnostics,
                const SourceLocation& referenced_from,
                const std::function<void(const std::vector<bool>&, std::size_t, std::size_t)>& on_header,
                const std::function<void(const CsvRow&)>& on_row);

}  // namespace cxsim
