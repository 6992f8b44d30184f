// libFuzzer target: adding a redesign to any text (the studio's save) must give the text with the
// redesign added or refuse with a UsageError, never crash or hang; and what it gives must be the
// input with one run of bytes inserted, every other byte as it was.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/diagnostics.hpp"
#include "io/variant_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cxsim::VariantSource v;
  v.name = "fuzzed";
  cxsim::TouchpointSource p;
  p.touchpoint.id = "a";
  p.given.set(cxsim::tp_id);
  p.touchpoint.reliability = 0.5;
  p.given.set(cxsim::touchpoint_field("reliability"));
  v.touchpoints.push_back(p);
  try {
    const std::string out = cxsim::with_variant_added(text, "fuzz.yaml", v);
    std::size_t same = 0;
    while (same < text.size() && same < out.size() && text[same] == out[same]) ++same;
    const std::string tail = text.substr(same);
    // `variants: []` is the one line rewritten (to `variants:`); everything else only grows.
    const bool grows = out.size() > text.size() && out.compare(out.size() - tail.size(), tail.size(), tail) == 0;
    if (!grows && text.find("[]") == std::string::npos) std::abort();
  } catch (const cxsim::UsageError&) {
  }
  return 0;
}
