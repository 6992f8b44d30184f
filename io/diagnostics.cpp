#include "io/diagnostics.hpp"

#include <algorithm>

namespace cxsim {

std::string Diagnostic::to_string() const {
  std::string s = where.file;
  if (where.line > 0) {
    s += ':' + std::to_string(where.line);
    if (where.column > 0) s += ':' + std::to_string(where.column);
  }
  s += severity == Severity::error ? ": error: " : ": warning: ";
  s += message;
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
  auto out = list_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.file != b.where.file) return false;  // keep files in the order they were read
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

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(summary(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace cxsim
