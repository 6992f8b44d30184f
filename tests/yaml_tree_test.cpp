// The YAML reader: positions on every node, and the refusals yaml-cpp would not make itself.
#include <gtest/gtest.h>

#include "io/yaml_tree.hpp"

namespace cxsim {
namespace {

struct Parsed {
  std::optional<YamlNode> root;
  Diagnostics diag;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.root = parse_yaml(text, "s.yaml", p.diag);
  return p;
}

std::string first_error(const Parsed& p) {
  return p.diag.all().empty() ? "" : p.diag.all().front().to_string();
}

TEST(YamlTree, NodesKnowTheirLineAndColumn) {
  const auto p = parse("a: 1\nb:\n  c: [x, 'y']\n");
  ASSERT_TRUE(p.root);
  const YamlNode* c = p.root->find("b")->find("c");
  ASSERT_TRUE(c && c->is_sequence());
  EXPECT_EQ(c->items[1].where.line, 3u);
  EXPECT_EQ(c->items[1].where.column, 10u);
  EXPECT_TRUE(c->items[1].quoted);
  EXPECT_FALSE(c->items[0].quoted);
}

TEST(YamlTree, DuplicateKeysAreRefusedWithBothLines) {
  const auto p = parse("a: 1\nb: 2\na: 3\n");
  EXPECT_FALSE(p.root);
  EXPECT_EQ(first_error(p), "s.yaml:3:1: error: duplicate key 'a' (first given at line 1)");
}

TEST(YamlTree, AliasesAreRefused) {
  const auto p = parse("a: &x [1, *x]\n");
  EXPECT_FALSE(p.root);
  EXPECT_NE(first_error(p).find("not allowed"), std::string::npos);
}

TEST(YamlTree, SecondDocumentIsRefused) {
  const auto p = parse("a: 1\n---\nb: 2\n");
  EXPECT_FALSE(p.root);
  EXPECT_NE(first_error(p).find("one YAML document"), std::string::npos);
}

TEST(YamlTree, UnclosedQuoteAtEndOfFileIsRefused) {
  const auto p = parse("a: \"open\n");
  EXPECT_FALSE(p.root);
  EXPECT_NE(first_error(p).find("s.yaml:1:4:"), std::string::npos) << first_error(p);
}

TEST(YamlTree, SyntaxErrorsHaveAPosition) {
  const auto p = parse("a: [1, 2\nb: 3\n");
  EXPECT_FALSE(p.root);
  EXPECT_NE(first_error(p).find("s.yaml:"), std::string::npos);
  EXPECT_NE(first_error(p).find("syntax"), std::string::npos);
}

TEST(YamlTree, DeepNestingIsRefusedWithoutCrashing) {
  const auto p = parse(std::string(5000, '[') + std::string(5000, ']'));
  EXPECT_FALSE(p.root);
  EXPECT_FALSE(p.diag.all().empty());
}

TEST(YamlTree, EmptyFileIsRefused) {
  const auto p = parse("");
  EXPECT_FALSE(p.root);
  EXPECT_NE(first_error(p).find("empty"), std::string::npos);
}

TEST(YamlTree, NulByteIsRefused) {
  const auto p = parse(std::string("a: 1\nb: \0\n", 10));
  EXPECT_FALSE(p.root);
  EXPECT_NE(first_error(p).find("s.yaml:2"), std::string::npos);
}

TEST(YamlTree, TabIndentationIsASyntaxError) {
  const auto p = parse("a:\n\tb: 1\n");
  EXPECT_FALSE(p.root);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

TEST(YamlTree, TagsAreRefused) {
  EXPECT_EQ(first_error(parse("a: !!str 0.6\n")),
            "s.yaml:1:4: error: YAML tags (here !!str) are not allowed in scenario files; write the plain value");
  EXPECT_NE(first_error(parse("a: !!python/object:os.system [ls]\n")).find("YAML tags"), std::string::npos);
  EXPECT_NE(first_error(parse("a: !custom {b: 1}\n")).find("YAML tags"), std::string::npos);
  EXPECT_EQ(first_error(parse("a: 'quoted'\nb: plain\n")), "") << "quotes are not tags";
}

TEST(YamlTree, MergeKeysAreRefusedAnywhere) {
  EXPECT_EQ(first_error(parse("v:\n  - name: x\n    touchpoints:\n      <<: {a: 1}\n")),
            "s.yaml:4:7: error: merge keys (<<) are not allowed in scenario files; write the keys out");
  EXPECT_EQ(first_error(parse("'<<': 1\n")), "") << "a quoted '<<' is just text";
}

TEST(YamlTree, DuplicateKeysAmongManyAreFoundQuickly) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "k" + std::to_string(i) + ": 1\n";
  text += "k77: 2\n";
  EXPECT_EQ(first_error(parse(text)), "s.yaml:100001:1: error: duplicate key 'k77' (first given at line 78)");
}

TEST(Diagnostics, StayOnOneLine) {
  Diagnostics d;
  d.error({"f.yaml", 2, 1}, "unknown key 'x\n\x1b[31m'");
  EXPECT_EQ(d.all().front().to_string(), "f.yaml:2:1: error: unknown key 'x\\x0a\\x1b[31m'");
}

}  // namespace
}  // namespace cxsim
