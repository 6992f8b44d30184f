#pragma once
// What `cxsim studio` knows and does, without HTTP: one scenario file loaded, solved exactly with
// a designer's changes, and the changes saved into the file as a new redesign. Every answer is a
// JSON text; every request a JSON text, checked here as strictly as the command line checks its
// options. studio/studio_server.hpp puts it on loopback.
//
// Safe to call from many threads at once: the loaded scenario is immutable and swapped whole on a
// reload or a save; saves take turns.
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "io/scenario.hpp"

namespace cxsim {

// The request cannot be done as things stand (the file changed on disk, a redesign of that name
// exists): HTTP 409.
class StudioConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace studio_limits {
inline constexpr std::size_t max_body_bytes = 1u << 20;  // 1 MiB of JSON: tens of thousands of changes
inline constexpr std::size_t max_changes = 10'000;
inline constexpr std::size_t max_text = 2'000;  // a redesign's name or description, in bytes
// Journeys up to this size are re-solved while a slider moves; larger ones when it is let go.
inline constexpr std::size_t live_touchpoints = 400;
}  // namespace studio_limits

class StudioSession {
 public:
  // Loads and checks the scenario as `cxsim check` does (InputError on any error).
  explicit StudioSession(std::string path);

  // GET /api/scenario: the scenario, its redesigns, segments, economics and baseline journey.
  std::string scenario() const;
  // POST /api/solve {"variant", "segment", "changes"}: the JSON of `cxsim exact --format json`
  // for the scenario with those changes.
  std::string solve(const std::string& body) const;
  // POST /api/view, the same request: the journey map (SVG and legend), the journey's numbers after
  // the changes, and the value at stake per year (with the unchanged baseline's).
  std::string view(const std::string& body) const;
  // POST /api/compare {"segment"}: the paired comparison of the file's redesigns, as
  // `cxsim compare --format json` (Monte Carlo on the scenario's settings, with the exact figures).
  std::string compare(const std::string& body) const;
  // POST /api/save-variant {"name", "description", "cost_per_year", "one_off_cost", "variant",
  // "changes"}: the changes (on top of `variant`) written into the scenario file as a new redesign.
  // StudioConflict when the name exists or the files changed on disk since they were loaded.
  std::string save_variant(const std::string& body);
  // GET /api/status: whether the scenario's files changed on disk since they were loaded.
  std::string status() const;
  // POST /api/reload: reads the files again (InputError, and the old scenario kept, when they no
  // longer check).
  std::string reload();

  const std::string& path() const { return path_; }

  // The scenario as loaded, with the fingerprints of its files (opaque to callers).
  struct Loaded;

 private:
  std::shared_ptr<const Loaded> loaded() const;

  std::string path_;
  mutable std::mutex mutex_;  // guards loaded_ (the pointer, not what it points to)
  std::shared_ptr<const Loaded> loaded_;
  std::mutex save_mutex_;  // saves and reloads take turns
};

}  // namespace cxsim
