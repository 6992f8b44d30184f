#pragma once
// A YAML document as a plain tree in which every node knows where it was written. Built from
// yaml-cpp's event parser so that duplicate keys, aliases and extra documents are refused
// instead of silently resolved (yaml-cpp's own loader keeps both of two duplicate keys and follows
// aliases into cycles).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/diagnostics.hpp"

namespace cxsim {

struct YamlEntry;

struct YamlNode {
  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string value;    // scalars
  bool quoted = false;  // scalars written in quotes
  SourceLocation where;
  std::vector<YamlNode> items;     // sequences
  std::vector<YamlEntry> entries;  // maps, in file order

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }
  const YamlNode* find(const std::string& key) const;
};

// One key and its value in a map.
struct YamlEntry {
  YamlNode key;
  YamlNode value;
};

// Words for error messages: "a map", "a list", "text", "nothing".
const char* describe(YamlNode::Kind kind);

// Parses one YAML document from `text`; problems go to `diagnostics` (with `file` as the name)
// and then nothing is returned.
std::optional<YamlNode> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diagnostics);

// A file named inside a YAML file: relative names are relative to that file's folder.
std::string resolve_beside(const std::string& base_dir, const std::string& file);

// Reads a whole file as bytes, or reports why it cannot.
std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diagnostics,
                                          const SourceLocation& referenced_from, std::uint64_t max_bytes);

}  // namespace cxsim
