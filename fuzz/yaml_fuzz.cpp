// libFuzzer target: the YAML reader must answer every input with a tree or diagnostics, never a
// crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/yaml_tree.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cxsim::Diagnostics diagnostics;
  (void)cxsim::parse_yaml(text, "fuzz.yaml", diagnostics);
  return 0;
}
