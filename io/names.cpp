#include "io/names.hpp"

#include "io/diagnostics.hpp"
#include "models/limits.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdint>

namespace cxsim {

namespace {

struct Invisible {
  std::uint32_t code;
  const char* name;
};
constexpr std::array<Invisible, 12> invisibles{{{0x00A0, "no-break space"},
                                                {0x00AD, "soft hyphen"},
                                                {0x200B, "zero width space"},
                                                {0x200C, "zero width non-joiner"},
                                                {0x200D, "zero width joiner"},
                                                {0x200E, "left-to-right mark"},
                                                {0x200F, "right-to-left mark"},
                                                {0x2028, "line separator"},
                                                {0x2029, "paragraph separator"},
                                                {0x202F, "narrow no-break space"},
                                                {0x2060, "word joiner"},
                                                {0xFEFF, "zero width no-break space (BOM)"}}};

// Decodes the code point at s[i] (well-formed UTF-8 assumed, else the byte), advancing i.
std::uint32_t next_code_point(const std::string& s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t n = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  std::uint32_t cp = n == 0 ? b : n == 1 ? (b & 0x1Fu) : n == 2 ? (b & 0x0Fu) : (b & 0x07u);
  for (std::size_t k = 1; k <= n && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += n + 1;
  return cp;
}

const Invisible* invisible(std::uint32_t cp) {
  for (const auto& v : invisibles)
    if (v.code == cp) return &v;
  return nullptr;
}

std::string without_invisibles(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    if (!invisible(next_code_point(s, i))) out.append(s, start, i - start);
  }
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_name(const std::string& name, const std::vector<std::string>& known) {
  const std::string visible = without_invisibles(name);
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& k : known) {
    const auto d = edit_distance(visible, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

std::optional<std::string> invisible_character(const std::string& name) {
  std::size_t position = 1;
  for (std::size_t i = 0; i < name.size(); ++position) {
    if (const Invisible* v = invisible(next_code_point(name, i))) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "U+%04X (%s) at character %zu", static_cast<unsigned>(v->code), v->name, position);
      return std::string(buf);
    }
  }
  return std::nullopt;
}

namespace {

// The offset of the first byte that does not belong to well-formed UTF-8, if any.
std::optional<std::size_t> invalid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if ((b & 0xE0) == 0xC0) {
      n = 1;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 2;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 3;
      cp = b & 0x07;
    } else
      return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += n + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> text_problem(const std::string& text, bool multiline) {
  const std::size_t most = multiline ? limits::max_description_bytes : limits::max_name_bytes;
  if (text.size() > most)
    return "is " + std::to_string(text.size()) + " bytes long; " + (multiline ? "descriptions" : "names and ids") +
           " may be at most " + std::to_string(most) + " bytes";
  if (const auto bad = invalid_utf8(text))
    return "is not valid UTF-8 (byte " + std::to_string(*bad + 1) + "); save the file as UTF-8";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const auto next = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
    unsigned code = 0;
    if ((u < 0x20 || u == 0x7f) && !(multiline && (text[i] == '\n' || text[i] == '\t'))) code = u;
    // C1 controls U+0080-U+009F (UTF-8 C2 80-9F) are control characters too.
    else if (u == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f)
      code = next(1);
    // Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder what is shown:
    // "install<U+202E>deliaf" reads as "installfailed".
    else if (u == 0xe2 && next(1) == 0x80 && next(2) >= 0xaa && next(2) <= 0xae)
      code = 0x2000 + (next(2) - 0x80);
    else if (u == 0xe2 && next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9)
      code = 0x2040 + (next(2) - 0x80);
    if (code == 0) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", code);
    if (code >= 0x2000)
      return std::string("contains the bidirectional control character ") + hex +
             ", which changes the order in which the text is shown; names and ids must read as they are stored";
    return std::string("contains the control character ") + hex + "; names and ids must be one line of visible text";
  }
  return std::nullopt;
}

std::string unknown_name(const std::string& what, const std::string& name, const std::vector<std::string>& known) {
  std::string m = "unknown " + what + " '" + one_line(name) + "'";
  if (const auto hidden = invisible_character(name)) m += ": it contains the invisible character " + *hidden;
  if (const auto best = closest_name(name, known)) m += " (did you mean '" + *best + "'?)";
  return m;
}

std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known) {
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  return unknown_name(what, name, known) + "; expected one of: " + list;
}

std::string name_list(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

}  // namespace cxsim
