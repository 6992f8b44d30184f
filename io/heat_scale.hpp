#pragma once
// The colour scale of the journey heat map: ColorBrewer's 7-class YlOrRd, a sequential scale
// that stays readable for the common forms of colour blindness and in grey print.
#include <algorithm>
#include <array>
#include <cmath>

namespace cxsim {

inline constexpr std::array<const char*, 7> heat_colours{"#ffffb2", "#fed976", "#feb24c", "#fd8d3c",
                                                         "#fc4e2a", "#e31a1c", "#b10026"};

// The class of a value between 0 and `most` (0 when most is 0).
inline int heat_class(double value, double most) {
  if (!(most > 0.0) || !(value > 0.0)) return 0;
  const int c = static_cast<int>(std::floor(value / most * static_cast<double>(heat_colours.size())));
  return std::clamp(c, 0, static_cast<int>(heat_colours.size()) - 1);
}

// Dark classes need white text.
inline bool heat_needs_light_text(int c) {
  return c >= 5;
}

}  // namespace cxsim
