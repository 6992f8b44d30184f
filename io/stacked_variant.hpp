#pragma once
// Stacked redesigns: `--variant a+b` applies a's patches, then b's, as one redesign. Stacking is
// for redesigns that change different things; two patches of the same field that disagree are
// an input error naming both variants and where each set it.
#include <optional>
#include <string>

#include "io/scenario.hpp"

namespace cxsim {

// The variant `a+b+...` of `scenario` (nullopt when `spec` has no '+' or names a variant the
// scenario lacks); InputError when two of them set one field to different values.
std::optional<VariantSource> stack_variants(const Scenario& scenario, const std::string& spec);

}  // namespace cxsim
