#pragma once
// Problems found in input files, each with the place it was found.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace cxsim {

// One line of printable text: a control character from the user's input (a newline, an escape
// sequence) is shown as \xNN instead of reaching the terminal.
std::string one_line(const std::string& text);

struct SourceLocation {
  std::string file;
  std::size_t line = 0;    // 1-based; 0 = the whole file
  std::size_t column = 0;  // 1-based; 0 = unknown
};

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation where;
  std::string message;
  // "FILE:LINE[:COL]: error: message"
  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(SourceLocation where, std::string message);
  void warning(SourceLocation where, std::string message);
  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return list_; }
  // Sorted by file, line and column (stable), so reports read top to bottom.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> list_;
  std::size_t errors_ = 0;
};

// Bad input: thrown with every problem found; the CLI prints them and exits 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  // One error at one place.
  InputError(SourceLocation where, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A usage error on the command line (exit 2), e.g. an unknown variant name.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cxsim
