#pragma once
// A redesign written into its scenario file (the studio's "Save as redesign"): the variant is
// added at the end of the file's `variants` list, and every other byte of the file stays as it
// was: comments, key order, quoting, blank lines, line endings. The CSV tables are not touched.
#include <string>

#include "io/scenario.hpp"

namespace cxsim {

// The variant as one item of a YAML block sequence whose dashes sit `indent` spaces in, each
// line ended by `newline`. Touchpoint patches and segment patches name only the fields they
// give; a transition replacement lists the whole set; numbers are written in the shortest text
// that reads back to the same double.
std::string variant_yaml(const VariantSource& variant, std::size_t indent, const std::string& newline);

// `text` (the scenario file `file` as it is on disk) with `variant` appended to its `variants`
// list, or a `variants` list added at the end when it has none. UsageError naming the file and
// line when the list cannot be extended without rewriting it (a flow-style list `[...]` with
// items, a `variants` key that is not at the top level's start of line).
std::string with_variant_added(const std::string& text, const std::string& file, const VariantSource& variant);

}  // namespace cxsim
