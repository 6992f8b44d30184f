#pragma once
// Text inside Graphviz DOT, for every writer of DOT (the journey map and the map by stage).
#include <cstdio>
#include <string>

namespace cxsim {

// A DOT string. Graphviz expands its own escapes (\N, \E, \l...) once in labels but twice in
// tooltips, so a backslash is doubled in a label and doubled twice in a tooltip; a line break is
// Graphviz's \n.
inline std::string dot_quote(const std::string& s, bool tooltip = false) {
  std::string q = "\"";
  for (const char c : s) {
    if (c == '\n') {
      q += "\\n";
    } else if (c == '\\') {
      q += tooltip ? "\\\\\\\\" : "\\\\";
    } else {
      if (c == '"') q += '\\';
      q += c;
    }
  }
  return q + "\"";
}

// A figure on a map: three significant digits unless asked otherwise.
inline std::string dot_number(double x, const char* format = "%.3g") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

}  // namespace cxsim
