#pragma once
#include <string>

namespace cxsim {

// A CSV cell exactly as given: quoted (with "" escapes) only when it has to be. A cell starting
// with '#' or a space is quoted too, so that readers (cxsim's own) do not take its row for a
// comment or trim it. For tables cxsim reads back as they are (a scenario's touchpoints.csv).
inline std::string csv_escape_verbatim(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos &&
      (s.empty() || (s.front() != '#' && s.front() != ' ' && s.back() != ' ' && s.front() != '\t')))
    return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// Whether a spreadsheet could take a text cell for a formula: it starts with = + - @, a tab or a
// carriage return.
inline bool formula_like(const std::string& s) {
  return !s.empty() && (s.front() == '=' || s.front() == '+' || s.front() == '-' || s.front() == '@' ||
                        s.front() == '\t' || s.front() == '\r');
}

// A text cell of a CSV output: as above, with a formula-like cell neutralised by a leading single
// quote (OWASP's CSV-injection guidance), so a name like "=HYPERLINK(...)" from outside data is
// shown, not run, when the file is opened in a spreadsheet. Numbers are written as numbers
// elsewhere and never pass through here.
inline std::string csv_escape(const std::string& s) {
  return csv_escape_verbatim(formula_like(s) ? "'" + s : s);
}

}  // namespace cxsim
