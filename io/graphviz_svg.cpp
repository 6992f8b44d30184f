#include "io/graphviz_svg.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace cxsim {

namespace {

// Graphviz's messages, kept from the terminal: whether it had trouble is read from agerrors(), and
// the words go where the caller asked (its warnings, e.g. that it drew arrows straight through
// touchpoints that touch, are what a test reads).
std::string* heard = nullptr;
int swallow(char* message) {
  if (heard && message) *heard += message;
  return 0;
}

// Parts of Graphviz (its path router, libpath) print to stderr directly, bypassing agerr: the
// process's stderr points at /dev/null while Graphviz runs. Nothing else prints meanwhile (the
// report lays out its map between its progress lines, on one thread).
class QuietStderr {
 public:
  QuietStderr() {
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStderr() {
    std::fflush(stderr);
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

// Every edge label as an xlabel (placed after the layout, so it never enters flat_edges).
void labels_beside_edges(Agraph_t* g) {
  char label_key[] = "label", xlabel_key[] = "xlabel", forcelabels[] = "forcelabels", yes[] = "true", none[] = "";
  bool moved = false;
  for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n))
    for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e)) {
      char* label = agget(e, label_key);
      if (!label || !*label) continue;
      const std::string text = label;
      std::string copy = text;
      agsafeset(e, xlabel_key, copy.data(), none);
      agset(e, label_key, none);
      moved = true;
    }
  if (moved) agsafeset(g, forcelabels, yes, none);
}

// Graphviz's own IDs for named objects are the addresses of their interned names, and it lists a
// graph's subgraphs (the map's stage and lane clusters) in the order of their IDs: once the heap
// had been used (the second map of a report, a portfolio), that order followed the allocator, and
// two runs of one report wrote its SVG in different orders. Here a name's ID follows the order
// the names are first read: the same graph gives the same bytes. (Even IDs are named objects,
// odd ones anonymous, as in Graphviz's own discipline, whose print tells them apart that way.)
struct NameIds {
  // ID 2 (i + 1) is names[i]. A deque never moves its strings, so the text Graphviz was handed
  // for a name stays where it is while more names come.
  std::deque<std::string> names;
  std::unordered_map<std::string, IDTYPE> ids;
  IDTYPE next_anonymous = 1;
};

void* ids_open(Agraph_t*, Agdisc_t*) {
  return new NameIds;
}
long ids_map(void* state, int, char* name, IDTYPE* id, int create) {
  auto& s = *static_cast<NameIds*>(state);
  if (!name) {
    *id = s.next_anonymous;
    s.next_anonymous += 2;
    return 1;
  }
  if (const auto it = s.ids.find(name); it != s.ids.end()) {
    *id = it->second;
    return 1;
  }
  if (!create) return 0;
  s.names.emplace_back(name);
  *id = 2 * static_cast<IDTYPE>(s.names.size());
  s.ids.emplace(name, *id);
  return 1;
}
long ids_alloc(void*, int, IDTYPE) {
  return 0;  // as in Graphviz's own: no ID chosen by the caller
}
void ids_free(void*, int, IDTYPE) {}
char* ids_print(void* state, int, IDTYPE id) {
  auto& s = *static_cast<NameIds*>(state);
  if (id == 0 || id % 2 != 0 || id / 2 > s.names.size()) return nullptr;
  return s.names[id / 2 - 1].data();
}
void ids_close(void* state) {
  delete static_cast<NameIds*>(state);
}
void ids_register(void*, int, void*) {}

Agiddisc_t name_ids{ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register};

// The DOT text, handed to Graphviz's reader a line at a time as its own agmemread does.
struct DotText {
  const std::string* text;
  std::size_t at = 0;
};
int read_dot(void* chan, char* buf, int bufsize) {
  auto& r = *static_cast<DotText*>(chan);
  if (bufsize <= 0 || r.at >= r.text->size()) return 0;
  const std::size_t end = r.text->find('\n', r.at);
  const std::size_t line = (end == std::string::npos ? r.text->size() : end + 1) - r.at;
  const std::size_t n = std::min(line, static_cast<std::size_t>(bufsize));
  std::memcpy(buf, r.text->data() + r.at, n);
  r.at += n;
  return static_cast<int>(n);
}

Agraph_t* read_graph(const std::string& dot) {
  static Agiodisc_t io{read_dot, AgIoDisc.putstr, AgIoDisc.flush};
  static Agdisc_t disc{&AgMemDisc, &name_ids, &io};
  DotText text{&dot};
  return agread(&text, &disc);
}

}  // namespace

std::string render_dot(const std::string& dot, const std::string& format, bool* troubled, bool beside_edges,
                       const std::string& layout, std::string* messages) {
  // Graphviz keeps global state: one layout at a time.
  static std::mutex graphviz;
  const std::lock_guard<std::mutex> lock(graphviz);
  agseterrf(swallow);
  agreseterrors();
  if (messages) messages->clear();
  struct Listening {
    explicit Listening(std::string* to) { heard = to; }
    ~Listening() { heard = nullptr; }
    Listening(const Listening&) = delete;
    Listening& operator=(const Listening&) = delete;
  } const listening(messages);
  const QuietStderr quiet;
  // One context for the life of the process: Graphviz 2.42's text layout (the pango plugin)
  // keeps a pointer to the last font name it measured, which the context owns, so a context
  // freed after one layout left the next layout reading freed memory (valgrind, on a portfolio).
  static GVC_t* const gvc = gvContext();
  if (!gvc) throw std::runtime_error("Graphviz could not start");
  const std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> g(read_graph(dot), agclose);
  if (!g) throw std::runtime_error("Graphviz could not read the journey graph");
  if (beside_edges) labels_beside_edges(g.get());
  if (gvLayout(gvc, g.get(), layout.c_str()) != 0) throw std::runtime_error("Graphviz could not lay out the journey");
  char* data = nullptr;
  unsigned int length = 0;
  const int rendered = gvRenderData(gvc, g.get(), format.c_str(), &data, &length);
  std::string file = rendered == 0 && data ? std::string(data, length) : std::string();
  gvFreeRenderData(data);
  gvFreeLayout(gvc, g.get());
  if (troubled) *troubled = agerrors() >= AGERR;
  if (file.empty()) throw std::runtime_error("Graphviz could not render the journey as " + format);
  return file;
}

std::string dot_to_svg(const std::string& dot, bool* troubled, const std::string& layout, std::string* messages) {
  const std::string svg = render_dot(dot, "svg", troubled, false, layout, messages);
  const auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace cxsim
