#include "io/diagnostics.hpp"

#include <algorithm>
#include <map>

namespace cxsim {

FileName::FileName(const std::string& name) {
  // Locations are made file by file: reusing the last name makes the sharing free.
  thread_local std::shared_ptr<const std::string> last;
  if (!last || *last != name) last = std::make_shared<const std::string>(name);
  name_ = last;
}

const std::string& FileName::str() const {
  static const std::string none;
  return name_ ? *name_ : none;
}

std::size_t character_column(std::string_view line, std::size_t byte_column) {
  std::size_t column = 1;
  for (std::size_t i = 0; i + 1 < byte_column && i < line.size(); ++i)
    column += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;  // continuation bytes do not count
  return column;
}

std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string Diagnostic::to_string() const {
  std::string s = one_line(where.file);
  if (where.line > 0) {
    s += ':' + std::to_string(where.line);
    if (where.column > 0) s += ':' + std::to_string(where.column);
  }
  s += severity == Severity::error ? ": error: " : ": warning: ";
  s += one_line(message);
  return s;
}

void Diagnostics::error(SourceLocation where, std::string message) {
  list_.push_back({Severity::error, std::move(where), std::move(message)});
  ++errors_;
}

void Diagnostics::warning(SourceLocation where, std::string message) {
  list_.push_back({Severity::warning, std::move(where), std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  // Files in the order they were first mentioned; within a file, top to bottom.
  std::map<std::string, std::size_t> rank;
  for (const auto& d : list_) rank.emplace(d.where.file, rank.size());
  auto out = list_;
  std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ra = rank.at(a.where.file), rb = rank.at(b.where.file);
    if (ra != rb) return ra < rb;
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  return out;
}

static std::string summary(const std::vector<Diagnostic>& ds) {
  for (const auto& d : ds)
    if (d.severity == Severity::error) return d.to_string();
  return "invalid input";
}

namespace {
std::vector<Diagnostic> one_error(SourceLocation where, std::string message) {
  Diagnostics d;
  d.error(std::move(where), std::move(message));
  return d.all();
}
}  // namespace

InputError::InputError(SourceLocation where, std::string message)
    : InputError(one_error(std::move(where), std::move(message))) {}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(summary(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace cxsim
