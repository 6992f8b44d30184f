#include "io/yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace cxsim {

const YamlNode* YamlNode::find(const std::string& key) const {
  for (const auto& [k, v] : entries)
    if (k.value == key) return &v;
  return nullptr;
}

const char* describe(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::map: return "a map";
    case YamlNode::Kind::sequence: return "a list";
    case YamlNode::Kind::scalar: return "a single value";
    case YamlNode::Kind::null: break;
  }
  return "nothing";
}

namespace {

// Builds the tree from parser events. Stops collecting after the first structural refusal
// (alias, duplicate key): the rest of that document would only add noise.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, const std::string& text, Diagnostics& diagnostics)
      : file_(file), text_(text), diag_(diagnostics) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::optional<YamlNode> root;
  bool failed = false;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    YamlNode n;
    n.where = at(mark);
    add(std::move(n));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    refuse(mark, "aliases (*name) are not allowed in scenario files; write the value out");
    YamlNode n;
    n.where = at(mark);
    add(std::move(n));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    YamlNode n;
    n.kind = YamlNode::Kind::scalar;
    n.value = value;
    n.quoted = tag == "!";
    n.where = at(mark);
    add(std::move(n));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    open(YamlNode::Kind::sequence, mark);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    open(YamlNode::Kind::map, mark);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YamlNode node;
    std::optional<YamlNode> key;                         // maps: a key waiting for its value
    std::unordered_map<std::string, std::size_t> lines;  // maps: the line of every key so far
  };

  // yaml-cpp counts columns in bytes; people count characters.
  SourceLocation at(const YAML::Mark& m) const {
    const auto line = static_cast<std::size_t>(m.line);
    std::size_t column = static_cast<std::size_t>(m.column) + 1;
    if (line < line_starts_.size())
      column = character_column(std::string_view(text_).substr(line_starts_[line]), column);
    return {file_, line + 1, column};
  }
  void refuse(const YAML::Mark& mark, std::string message) {
    if (!failed) diag_.error(at(mark), std::move(message));
    failed = true;
  }
  // "?" is a plain value, "!" a quoted one; anything else was written by the user (!!str, !foo).
  void check_tag(const YAML::Mark& mark, const std::string& tag) {
    if (!tag.empty() && tag != "?" && tag != "!")
      refuse(mark, "YAML tags (here " + (tag.rfind("tag:yaml.org,2002:", 0) == 0 ? "!!" + tag.substr(18) : tag) +
                       ") are not allowed in scenario files; write the plain value");
  }
  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor)
      refuse(mark, "anchors (&name) are not allowed in scenario files; write the value out");
  }
  void open(YamlNode::Kind kind, const YAML::Mark& mark) {
    Open o;
    o.node.kind = kind;
    o.node.where = at(mark);
    stack_.push_back(std::move(o));
  }
  void close() {
    YamlNode n = std::move(stack_.back().node);
    stack_.pop_back();
    add(std::move(n));
  }
  void add(YamlNode n) {
    if (stack_.empty()) {
      root = std::move(n);
      return;
    }
    Open& top = stack_.back();
    if (top.node.kind == YamlNode::Kind::sequence) {
      top.node.items.push_back(std::move(n));
      return;
    }
    if (!top.key) {
      if (!n.is_scalar()) {
        refuse_at(n.where, "a key must be plain text, not " + std::string(describe(n.kind)));
      } else if (n.value == "<<" && !n.quoted) {
        refuse_at(n.where, "merge keys (<<) are not allowed in scenario files; write the keys out");
      } else if (const auto [it, fresh] = top.lines.emplace(n.value, n.where.line); !fresh) {
        refuse_at(n.where, "duplicate key '" + n.value + "' (first given at line " + std::to_string(it->second) + ")");
      }
      top.key = std::move(n);
      return;
    }
    top.node.entries.push_back(YamlEntry{std::move(*top.key), std::move(n)});
    top.key.reset();
  }
  void refuse_at(const SourceLocation& where, std::string message) {
    if (!failed) diag_.error(where, std::move(message));
    failed = true;
  }

  std::string file_;
  const std::string& text_;
  std::vector<std::size_t> line_starts_;
  Diagnostics& diag_;
  std::vector<Open> stack_;
};

// yaml-cpp accepts a quote left open at the end of the file; find it ourselves.
// `line_starts`: the offset of each line's first byte (line 1 first), found once for the file: a
// search from the top for every quoted scalar made a file of many quoted names quadratic.
bool quote_closes(const std::string& text, const std::vector<std::size_t>& line_starts, std::size_t line,
                  std::size_t column) {
  if (line == 0 || line > line_starts.size()) return true;
  std::size_t pos = line_starts[line - 1];
  pos += column - 1;
  if (pos >= text.size()) return true;
  const char q = text[pos];
  if (q != '"' && q != '\'') return true;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
        continue;
      }
      return true;
    }
  }
  return false;
}

void check_quotes(const YamlNode& n, const std::string& text, const std::vector<std::size_t>& line_starts,
                  Diagnostics& diag) {
  if (n.is_scalar() && n.quoted && !quote_closes(text, line_starts, n.where.line, n.where.column))
    diag.error(n.where, "this quoted text is never closed; add the closing quote");
  for (const auto& i : n.items) check_quotes(i, text, line_starts, diag);
  for (const auto& [k, v] : n.entries) {
    check_quotes(k, text, line_starts, diag);
    check_quotes(v, text, line_starts, diag);
  }
}

}  // namespace

std::optional<YamlNode> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diagnostics) {
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    const auto line =
        static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n')) + 1;
    diagnostics.error({file, line, 0}, "the file contains a NUL byte; is it a text file?");
    return std::nullopt;
  }
  // Lone CR line endings (old Mac files) would read as one long line.
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      const auto line =
          static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(i), '\n')) + 1;
      diagnostics.error({file, line, 0},
                        "the file ends its lines with a lone carriage return (CR); save it with "
                        "LF or CRLF line endings");
      return std::nullopt;
    }
  std::istringstream in(text);
  TreeBuilder builder(file, text, diagnostics);
  try {
    YAML::Parser parser(in);
    std::size_t documents = 0;
    while (!builder.failed && parser.HandleNextDocument(builder)) {
      if (++documents > 1) {
        // The builder saw the second document; its root is where it starts.
        diagnostics.error(builder.root ? builder.root->where : SourceLocation{file, 0, 0},
                          "a scenario file holds one YAML document; remove the second one "
                          "(after '---')");
        return std::nullopt;
      }
    }
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.error({file, static_cast<std::size_t>(e.mark.line) + 1, static_cast<std::size_t>(e.mark.column) + 1},
                      "nesting is too deep (more than 500 levels)");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, 0, 0};
    if (!e.mark.is_null())
      where = {file, static_cast<std::size_t>(e.mark.line) + 1, static_cast<std::size_t>(e.mark.column) + 1};
    // The usual cause of a baffling syntax error: a tab in the indentation up to that line.
    std::size_t line = 1;
    for (std::size_t at = 0; at < text.size() && (where.line == 0 || line <= where.line); ++line) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      const std::size_t indent_end = text.find_first_not_of(" \t", at);
      if (indent_end != std::string::npos && indent_end <= end && text.find('\t', at) < indent_end) {
        diagnostics.error({file, line, text.find('\t', at) - at + 1},
                          "a tab is used for indentation; YAML indents with spaces only");
        return std::nullopt;
      }
      at = end + 1;
    }
    diagnostics.error(where, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (builder.failed) return std::nullopt;
  if (!builder.root) {
    diagnostics.error({file, 0, 0}, "the file is empty; expected a scenario (a YAML map)");
    return std::nullopt;
  }
  const std::size_t before = diagnostics.error_count();
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts.push_back(i + 1);
  check_quotes(*builder.root, text, line_starts, diagnostics);
  if (diagnostics.error_count() > before) return std::nullopt;
  return std::move(builder.root);
}

std::string resolve_beside(const std::string& base_dir, const std::string& file) {
  const std::filesystem::path p(file);
  if (p.is_absolute() || base_dir.empty()) return p.string();
  return (std::filesystem::path(base_dir) / p).string();
}

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diagnostics,
                                          const SourceLocation& referenced_from, std::uint64_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  const SourceLocation where = referenced_from.file.empty() ? SourceLocation{path, 0, 0} : referenced_from;
  if (ec && ec != std::errc::no_such_file_or_directory) {
    // A symlink loop, a name too long, a folder we may not enter: say which.
    diagnostics.error(where, "cannot read '" + path + "': " + ec.message());
    return std::nullopt;
  }
  if (!fs::exists(status)) {
    diagnostics.error(where, "cannot read '" + path + "': no such file");
    return std::nullopt;
  }
  if (!fs::is_regular_file(status)) {
    diagnostics.error(where, "cannot read '" + path + "': it is not a regular file");
    return std::nullopt;
  }
  if (const auto bytes = fs::file_size(path, ec); !ec && bytes > max_bytes) {
    diagnostics.error(where, "'" + path + "' is " + std::to_string(bytes >> 20) +
                                 " MiB; files of this kind may be at most " + std::to_string(max_bytes >> 20) + " MiB");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(where, "cannot read '" + path + "': permission denied or unreadable");
    return std::nullopt;
  }
  // One read into a buffer of the file's size (a stream copy grew the string by doubling), then
  // whatever a growing file added since.
  std::string text;
  if (const auto bytes = fs::file_size(path, ec); !ec) {
    text.resize(static_cast<std::size_t>(bytes));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (!in.bad() && in.good()) {
    std::ostringstream rest;
    rest << in.rdbuf();
    text += std::move(rest).str();
  }
  if (in.bad() || text.size() > max_bytes) {
    diagnostics.error(
        where, in.bad() ? "cannot read '" + path + "': read error"
                        : "'" + path + "' grew beyond " + std::to_string(max_bytes >> 20) + " MiB while it was read");
    return std::nullopt;
  }
  return text;
}

}  // namespace cxsim
