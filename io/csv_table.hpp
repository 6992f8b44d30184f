#pragma once
// A CSV table of text cells with their line numbers. fast-cpp-csv-parser splits the rows; every
// conversion is ours: its number parsing hangs on huge negative exponents and misrounds others.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "io/diagnostics.hpp"

namespace cxsim {

struct CsvRow {
  std::size_t line = 0;                          // physical line in the file, 1-based
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
// lines starting with '#' are skipped.
template <std::size_t N>
std::optional<CsvTable> read_csv(const std::string& path, const std::array<const char*, N>& columns,
                                 Diagnostics& diagnostics, const SourceLocation& referenced_from);

}  // namespace cxsim
