#pragma once
#include <string>

namespace cxsim {

// A CSV cell: quoted (with "" escapes) only when it has to be. A cell starting with '#' or a
// space is quoted too, so that readers (cxsim's own) do not take its row for a comment or trim it.
inline std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos &&
      (s.empty() || (s.front() != '#' && s.front() != ' ' && s.back() != ' ' && s.front() != '\t')))
    return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace cxsim
