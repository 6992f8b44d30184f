#pragma once
// Problems found in input files, each with the place it was found.
#include <cstddef>
#include <map>
#include <stdexcept>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cxsim {

// One line of printable text: a control character from the user's input (a newline, an escape
// sequence) is shown as \xNN instead of reaching the terminal.
std::string one_line(const std::string& text);

// The 1-based column, in characters (UTF-8 code points), of the byte at 1-based `byte_column`
// of `line`: what a person counts in an editor.
std::size_t character_column(std::string_view line, std::size_t byte_column);

// A file name shared by every location in that file: one allocation per file rather than one
// per table cell (a 100,000-row table has half a million locations).
class FileName {
 public:
  FileName() = default;
  FileName(const std::string& name);  // NOLINT: implicit, a file name is a string
  FileName(const char* name) : FileName(std::string(name)) {}
  const std::string& str() const;
  operator const std::string&() const { return str(); }  // NOLINT
  bool empty() const { return str().empty(); }
  friend bool operator==(const FileName& a, const FileName& b) { return a.str() == b.str(); }

 private:
  std::shared_ptr<const std::string> name_;
};

struct SourceLocation {
  FileName file;
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

// Every problem found, counted; the first `shown_per_file` errors and warnings of each file are
// kept, the rest only counted: a file with millions of bad rows costs a few hundred messages,
// and the report ends with one line "... and K more errors in FILE".
class Diagnostics {
 public:
  static constexpr std::size_t shown_per_file = 100;

  void error(SourceLocation where, std::string message);
  void warning(SourceLocation where, std::string message);
  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  // The problems kept (at most shown_per_file errors and as many warnings per file).
  const std::vector<Diagnostic>& all() const { return list_; }
  // Sorted by file, line and column (stable), so reports read top to bottom; each file's kept
  // problems are followed by a count of those left out, if any.
  std::vector<Diagnostic> sorted() const;
  // True once `file` has more errors than are shown: a reader may stop reading it.
  bool saturated(const std::string& file) const;
  // A reader that stopped early says where, so the count of errors left out says "at least".
  void stopped_reading(const std::string& file, std::size_t line);
  // Counts of problems `other` left out, added to this one's (when merging its all()).
  void add_left_out(const Diagnostics& other);

 private:
  struct LeftOut {
    std::size_t shown[2] = {0, 0};    // by Severity
    std::size_t dropped[2] = {0, 0};  // by Severity
    std::size_t stopped_at = 0;       // line where reading stopped, 0 if it did not
  };
  bool keep(const SourceLocation& where, Severity s);
  std::vector<Diagnostic> list_;
  std::size_t errors_ = 0;
  std::map<std::string, LeftOut> per_file_;
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
