#include "io/graphviz_svg.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>
#include <stdexcept>

namespace cxsim {

std::string dot_to_svg(const std::string& dot) {
  // Graphviz keeps global state: one layout at a time.
  static std::mutex graphviz;
  const std::lock_guard<std::mutex> lock(graphviz);
  const std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
  if (!gvc) throw std::runtime_error("Graphviz could not start");
  const std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> g(agmemread(dot.c_str()), agclose);
  if (!g) throw std::runtime_error("Graphviz could not read the journey graph");
  if (gvLayout(gvc.get(), g.get(), "dot") != 0) throw std::runtime_error("Graphviz could not lay out the journey");
  char* data = nullptr;
  unsigned int length = 0;
  const int rendered = gvRenderData(gvc.get(), g.get(), "svg", &data, &length);
  std::string svg = rendered == 0 && data ? std::string(data, length) : std::string();
  gvFreeRenderData(data);
  gvFreeLayout(gvc.get(), g.get());
  if (svg.empty()) throw std::runtime_error("Graphviz could not render the journey to SVG");
  const auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace cxsim
