#pragma once
#include <string>

namespace cxsim {

// A CSV cell: quoted (with "" escapes) only when it has to be.
inline std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace cxsim
