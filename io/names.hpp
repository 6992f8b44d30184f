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

}  // namespace cxsim
