#pragma once
// The starter journeys `cxsim new` writes: the files of templates/<name>/, compiled into the
// binary (see CMakeLists.txt), so an installed cxsim needs nothing beside it.
#include <string>
#include <string_view>
#include <vector>

namespace cxsim {

struct StarterFile {
  std::string_view template_name;  // e.g. "service-order"
  std::string_view file_name;      // scenario.yaml, touchpoints.csv or transitions.csv
  std::string_view text;
};

// Every file of every template, template by template.
const std::vector<StarterFile>& starter_files();

// The templates' names, in the order they were compiled in.
inline std::vector<std::string> starter_template_names() {
  std::vector<std::string> names;
  for (const auto& f : starter_files())
    if (names.empty() || names.back() != f.template_name) names.emplace_back(f.template_name);
  return names;
}

}  // namespace cxsim
