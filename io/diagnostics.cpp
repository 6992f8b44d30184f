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

bool Diagnostics::keep(const SourceLocation& where, Severity s) {
  LeftOut& f = per_file_[where.file.str()];
  const auto i = static_cast<std::size_t>(s);
  if (f.shown[i] < shown_per_file) {
    ++f.shown[i];
    return true;
  }
  ++f.dropped[i];
  return false;
}

void Diagnostics::error(SourceLocation where, std::string message) {
  ++errors_;
  if (keep(where, Severity::error)) list_.push_back({Severity::error, std::move(where), std::move(message)});
}

void Diagnostics::warning(SourceLocation where, std::string message) {
  if (keep(where, Severity::warning)) list_.push_back({Severity::warning, std::move(where), std::move(message)});
}

bool Diagnostics::saturated(const std::string& file) const {
  const auto it = per_file_.find(file);
  return it != per_file_.end() && it->second.dropped[static_cast<std::size_t>(Severity::error)] > 0;
}

void Diagnostics::stopped_reading(const std::string& file, std::size_t line) {
  auto& f = per_file_[file];
  if (f.stopped_at == 0) f.stopped_at = line;
}

void Diagnostics::add_left_out(const Diagnostics& other) {
  for (const auto& [file, o] : other.per_file_) {
    auto& f = per_file_[file];
    for (std::size_t i = 0; i < 2; ++i) f.dropped[i] += o.dropped[i];
    if (f.stopped_at == 0) f.stopped_at = o.stopped_at;
    errors_ += o.dropped[static_cast<std::size_t>(Severity::error)];
  }
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
  // After each file's problems, what was left out of it.
  std::vector<Diagnostic> with_counts;
  with_counts.reserve(out.size() + 2 * per_file_.size());
  const auto left_out = [&](const std::string& file) {
    const auto it = per_file_.find(file);
    if (it == per_file_.end()) return;
    const LeftOut& f = it->second;
    const char* const kinds[2] = {"error", "warning"};
    for (std::size_t i = 0; i < 2; ++i) {
      if (f.dropped[i] == 0) continue;
      std::string m =
          f.stopped_at && i == 0
              ? "... and more errors in " + file + ": stopped reading it at line " + std::to_string(f.stopped_at) +
                    " (the first " + std::to_string(shown_per_file) + " are shown)"
              : "... and " + std::to_string(f.dropped[i]) + " more " + kinds[i] + (f.dropped[i] == 1 ? "" : "s") +
                    " in " + file + " (the first " + std::to_string(shown_per_file) + " are shown)";
      with_counts.push_back({static_cast<Severity>(i), SourceLocation{file, 0, 0}, std::move(m)});
    }
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    with_counts.push_back(std::move(out[i]));
    if (i + 1 == out.size() || !(out[i + 1].where.file == with_counts.back().where.file))
      left_out(with_counts.back().where.file);
  }
  return with_counts;
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
