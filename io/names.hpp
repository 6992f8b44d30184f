#pragma once
// Helping people who mistyped a name: the closest known one, and the invisible characters that
// make two names that look the same differ.
#include <optional>
#include <string>
#include <vector>

namespace cxsim {

// The known name within two edits of `name` (ignoring invisible characters), if any.
std::optional<std::string> closest_name(const std::string& name, const std::vector<std::string>& known);

// "U+200B (zero width space) at character 9" for the first invisible or look-alike space
// character in `name`, if it has one.
std::optional<std::string> invisible_character(const std::string& name);

// "unknown WHAT 'NAME'" with the invisible character the name holds and the closest known name,
// if any; the caller says what was expected.
std::string unknown_name(const std::string& what, const std::string& name, const std::vector<std::string>& known);

// The same, then "; expected one of: " and every known name (for short lists: keys, fields).
std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known);

// "a, b, c": names for a sentence.
std::string name_list(const std::vector<std::string>& names);

// What is wrong with a name, an id or a text cell, if anything: not valid UTF-8, or a control
// character (names and ids are one line of visible text; `multiline` text may hold newlines and
// tabs). Reads as the end of a sentence: "'field' " + *problem.
std::optional<std::string> text_problem(const std::string& text, bool multiline = false);

}  // namespace cxsim
