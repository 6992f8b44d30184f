#include "studio/studio_session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "analysis/compare_study.hpp"
#include "analysis/run_study.hpp"
#include "analysis/what_if.hpp"
#include "io/comparison.hpp"
#include "io/file_digest.hpp"
#include "io/journey_map.hpp"
#include "io/money.hpp"
#include "io/names.hpp"
#include "io/report.hpp"
#include "io/scenario_fields.hpp"
#include "io/variant_writer.hpp"
#include "models/limits.hpp"

namespace cxsim {

using ordered_json = nlohmann::ordered_json;

struct StudioSession::Loaded {
  Scenario scenario;
  std::string digest;       // SHA-256 of every input file, as loaded
  std::string fingerprint;  // their sizes and modification times, for a cheap "changed?" check
  // What every view compares with: the file's baseline, built and solved once per persona ("" for
  // everyone).
  struct Baseline {
    double defection_rate = 0.0;
    nlohmann::ordered_json value_at_stake;  // per year, or null
  };
  mutable std::mutex baseline_mutex;
  mutable std::map<std::string, Baseline> baseline;
};

namespace {

// Sizes, inodes and modification times of the files: changes when any of them is written.
std::string fingerprint_of(const std::vector<std::string>& paths) {
  std::string f;
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      f += p + ":missing;";
      continue;
    }
    f += std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
         std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ';';
  }
  return f;
}

std::string digest_or_missing(const std::vector<std::string>& paths) {
  try {
    return sha256_of_files(paths);
  } catch (const std::exception&) {
    return "";  // a file was removed or cannot be read: that is a change too
  }
}

ordered_json parse_request(const std::string& body, std::initializer_list<const char*> keys) {
  ordered_json j;
  try {
    j = ordered_json::parse(body);
  } catch (const ordered_json::parse_error& e) {
    throw UsageError(std::string("the request is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw UsageError("the request must be a JSON object");
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* key : keys) known = known || k == key;
    if (!known) {
      std::vector<std::string> names(keys.begin(), keys.end());
      throw UsageError(unknown_name_message("request key", k, names));
    }
  }
  return j;
}

std::optional<std::string> optional_text(const ordered_json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_string()) throw UsageError(std::string("'") + key + "' must be a text or null");
  const std::string s = j[key].get<std::string>();
  if (s.size() > studio_limits::max_text)
    throw UsageError(std::string("'") + key + "' is longer than " + std::to_string(studio_limits::max_text) + " bytes");
  return s;
}

std::optional<double> optional_number(const ordered_json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_number()) throw UsageError(std::string("'") + key + "' must be a number or null");
  return j[key].get<double>();
}

std::vector<NamedChange> changes_of(const ordered_json& j) {
  std::vector<NamedChange> changes;
  if (!j.contains("changes") || j["changes"].is_null()) return changes;
  const auto& c = j["changes"];
  if (!c.is_object())
    throw UsageError("'changes' must be an object of names and numbers, like {\"install.reliability\": 0.9}");
  if (c.size() > studio_limits::max_changes)
    throw UsageError("too many changes: " + std::to_string(c.size()) + "; at most " +
                     std::to_string(studio_limits::max_changes) + " in one request");
  for (const auto& [name, value] : c.items()) {
    if (!value.is_number())
      throw UsageError("change '" + one_line(name) + "': the value must be a number, not " + value.dump());
    changes.emplace_back(name, value.get<double>());
  }
  return changes;
}

// The redesign the request builds on (nullptr: the baseline).
const VariantSource* base_of(const Scenario& sc, const std::optional<std::string>& variant) {
  if (!variant || *variant == "baseline") return nullptr;
  const VariantSource* v = sc.variant(*variant);
  if (!v) throw UsageError(unknown_variant_message(sc, sc.path, *variant));
  return v;
}

// The model a {variant, segment, changes} request asks for.
ScenarioModel requested_model(const Scenario& sc, const ordered_json& request) {
  const auto variant = optional_text(request, "variant");
  const auto segment = optional_text(request, "segment");
  const VariantSource* base = base_of(sc, variant);
  const VariantSource edited = edited_variant(sc, base, changes_of(request), "(studio changes)");
  ScenarioModel model = edited_model(sc, edited, base ? base->name : "baseline");
  if (segment) keep_only_segment(model, *segment);
  require_exact_size(model.journey, "the studio, which re-solves every change");
  return model;
}

ordered_json segment_json(const SegmentSource& s) {
  const Segment& g = s.segment;
  ordered_json sens = ordered_json::object(), odds = ordered_json::object();
  for (std::size_t k = 0; k < sensitivity_keys.size(); ++k) {
    sens[sensitivity_keys[k]] = sensitivity_of(g, k);
    // The walk-away odds a sensitivity amounts to, whether the file gave odds or hazards.
    odds[walk_away_keys[k]] =
        s.walk_away[k] ? *s.walk_away[k] : -std::expm1(-sensitivity_of(g, k) * walk_away_units[k]);
  }
  return {{"name", g.name},
          {"share", g.share},
          {"value_expectation", g.value_expectation},
          {"silent_churn", g.silent_churn},
          {"heterogeneity", g.heterogeneity},
          {"sensitivity", sens},
          {"walk_away", odds},
          {"given_as_odds",
           std::any_of(s.walk_away.begin(), s.walk_away.end(), [](const auto& o) { return o.has_value(); })}};
}

ordered_json journey_json(const ScenarioModel& m) {
  const Journey& j = m.journey;
  ordered_json tps = ordered_json::array(), trs = ordered_json::array();
  // Every field of the scenario's table (io/scenario_fields.hpp), in its order: a new field
  // reaches the page without an edit here.
  for (const Touchpoint& t : j.touchpoints()) {
    ordered_json tp = ordered_json::object();
    for (const TouchpointFieldRow& f : touchpoint_field_table) {
      if (f.text)
        tp[f.key] = t.*f.text;
      else if (f.number)
        tp[f.key] = t.*f.number;
      else if (f.optional)
        tp[f.key] = t.*f.optional ? ordered_json(*(t.*f.optional)) : ordered_json(nullptr);
      else if (f.outcome)
        tp[f.key] = t.*f.outcome == Outcome::none ? ordered_json(nullptr) : ordered_json(to_string(t.*f.outcome));
    }
    tps.push_back(std::move(tp));
  }
  for (const Transition& t : j.transitions())
    trs.push_back({{"from", j.touchpoint(t.from).id},
                   {"to", j.touchpoint(t.to).id},
                   {"probability", t.probability},
                   {"when", to_string(t.when)},
                   {"segment", t.segment == every_segment
                                   ? ordered_json(nullptr)
                                   : ordered_json(m.population.segment(static_cast<std::size_t>(t.segment)).name)}});
  ordered_json segs = ordered_json::array();
  for (const Segment& s : m.population.segments())
    segs.push_back({{"name", s.name},
                    {"share", s.share},
                    {"value_expectation", s.value_expectation},
                    {"silent_churn", s.silent_churn},
                    {"heterogeneity", s.heterogeneity},
                    {"sensitivity",
                     {{"reliability", s.reliability_sensitivity},
                      {"relevance", s.relevance_sensitivity},
                      {"value", s.value_sensitivity},
                      {"effort", s.effort_sensitivity}}}});
  return {{"start", j.touchpoint(j.start()).id}, {"touchpoints", tps}, {"transitions", trs}, {"segments", segs}};
}

// Value lost per year to defection, for the customers the model walks.
ordered_json value_at_stake(const Scenario& sc, const ScenarioModel& m, const Figures& f) {
  if (!sc.economics || sc.economics->customers_per_year <= 0.0) return nullptr;
  return sc.economics->customers_per_year * m.segment_share * expected_loss(f, m.journey, *sc.economics);
}

std::shared_ptr<const StudioSession::Loaded> load(const std::string& path) {
  LoadedScenario loaded = load_scenario(path, "");
  auto l = std::make_shared<StudioSession::Loaded>();
  l->fingerprint = fingerprint_of(loaded.scenario.inputs);
  l->digest = sha256_of_files(loaded.scenario.inputs);
  l->scenario = std::move(loaded.scenario);
  return l;
}

// Messages about the scratch copy name the scenario file instead.
InputError renamed(const InputError& e, const std::string& from, const std::string& to) {
  std::vector<Diagnostic> diags = e.diagnostics();
  for (auto& d : diags)
    if (d.where.file == from) d.where.file = to;
  return InputError(std::move(diags));
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Removes the scratch copy unless it was put in place.
struct ScratchFile {
  std::string path;
  bool kept = false;
  ~ScratchFile() {
    if (!kept && !path.empty()) ::unlink(path.c_str());
  }
};

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

StudioSession::StudioSession(std::string path) : path_(std::move(path)), loaded_(load(path_)) {}

std::shared_ptr<const StudioSession::Loaded> StudioSession::loaded() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return loaded_;
}

std::string StudioSession::scenario() const {
  const auto l = loaded();
  const Scenario& sc = l->scenario;
  ordered_json variants = ordered_json::array();
  for (const auto& v : sc.variants)
    variants.push_back({{"name", v.name},
                        {"description", v.description},
                        {"cost_per_year", v.cost_per_year ? ordered_json(*v.cost_per_year) : ordered_json(nullptr)},
                        {"one_off_cost", v.one_off_cost ? ordered_json(*v.one_off_cost) : ordered_json(nullptr)}});
  ordered_json segments = ordered_json::array();
  for (const auto& s : sc.segments) segments.push_back(segment_json(s));
  ordered_json economics = nullptr;
  if (sc.economics)
    economics = {{"customers_per_year", sc.economics->customers_per_year},
                 {"value_per_customer", sc.economics->value_per_customer},
                 {"currency", sc.economics->currency}};
  const ScenarioModel baseline = checked_model(sc, nullptr);
  const bool fits = baseline.journey.size() <= limits::exact_solver_touchpoints;
  ordered_json j = {{"scenario", sc.name},
                    {"description", sc.description},
                    {"file", path_},
                    {"variants", variants},
                    {"segments", segments},
                    {"default_segments", sc.default_segments},
                    {"economics", economics},
                    {"exact", fits},
                    {"live", baseline.journey.size() <= studio_limits::live_touchpoints},
                    {"limits",
                     {{"max_body_bytes", studio_limits::max_body_bytes},
                      {"max_changes", studio_limits::max_changes},
                      {"exact_solver_touchpoints", limits::exact_solver_touchpoints}}},
                    {"journey", journey_json(baseline)}};
  return j.dump(2);
}

std::string StudioSession::solve(const std::string& body) const {
  const auto l = loaded();
  const ordered_json request = parse_request(body, {"variant", "segment", "changes"});
  auto model = std::make_shared<const ScenarioModel>(requested_model(l->scenario, request));
  return format_report(exact_study(model, l->scenario.name).report, Format::json);
}

std::string StudioSession::view(const std::string& body) const {
  const auto l = loaded();
  const Scenario& sc = l->scenario;
  const ordered_json request = parse_request(body, {"variant", "segment", "changes"});
  const ScenarioModel model = requested_model(sc, request);
  const Figures figures = solve_exact(model.journey, model.population).figures;

  const auto segment = optional_text(request, "segment");
  Loaded::Baseline baseline;
  {
    const std::lock_guard<std::mutex> lock(l->baseline_mutex);
    auto it = l->baseline.find(segment.value_or(""));
    if (it == l->baseline.end()) {
      ScenarioModel m = checked_model(sc, nullptr);
      if (segment) keep_only_segment(m, *segment);
      const Figures f = solve_exact(m.journey, m.population).figures;
      it = l->baseline.emplace(segment.value_or(""), Loaded::Baseline{f.defection_rate(), value_at_stake(sc, m, f)})
               .first;
    }
    baseline = it->second;
  }

  std::vector<std::string> segment_names, notes;
  for (const Segment& s : model.population.segments()) segment_names.push_back(s.name);
  std::string legend;
  const std::string svg = journey_map_svg(model.journey, sc.name, segment_names, figures, notes, legend);
  ordered_json j = {{"map", {{"svg", svg}, {"legend", legend}, {"notes", notes}}},
                    {"journey", journey_json(model)},
                    {"currency", sc.economics ? ordered_json(sc.economics->currency) : ordered_json(nullptr)},
                    {"value_at_stake_per_year", value_at_stake(sc, model, figures)},
                    {"baseline_value_at_stake_per_year", baseline.value_at_stake},
                    {"baseline_defection_rate", baseline.defection_rate}};
  return j.dump();
}

std::string StudioSession::compare(const std::string& body) const {
  const auto l = loaded();
  const Scenario& sc = l->scenario;
  const ordered_json request = parse_request(body, {"segment"});
  if (sc.variants.empty()) throw UsageError("the scenario has no redesigns to compare yet: save one first");
  ScenarioModel baseline = checked_model(sc, nullptr);
  if (const auto segment = optional_text(request, "segment")) keep_only_segment(baseline, *segment);
  CompareRequest compare;
  return format_comparison(compare_variants(sc, std::move(baseline), {}, compare).result, Format::json);
}

std::string StudioSession::status() const {
  const auto l = loaded();
  bool changed = fingerprint_of(l->scenario.inputs) != l->fingerprint;
  // A file touched but not changed (saved again unedited) is no change.
  if (changed) changed = digest_or_missing(l->scenario.inputs) != l->digest;
  return ordered_json({{"changed_on_disk", changed}}).dump();
}

std::string StudioSession::reload() {
  const std::lock_guard<std::mutex> turn(save_mutex_);
  auto fresh = load(path_);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    loaded_ = fresh;
  }
  return scenario();
}

std::string StudioSession::save_variant(const std::string& body) {
  const std::lock_guard<std::mutex> turn(save_mutex_);
  const auto l = loaded();
  const Scenario& sc = l->scenario;
  const ordered_json request =
      parse_request(body, {"name", "description", "cost_per_year", "one_off_cost", "variant", "changes"});

  const auto name = optional_text(request, "name");
  if (!name || name->empty()) throw UsageError("'name': a redesign needs a name");
  if (const auto problem = text_problem(*name)) throw UsageError("'name' " + *problem);
  if (*name == "baseline")
    throw UsageError("'name': 'baseline' stands for the journey as written; choose another name");
  if (name->find('+') != std::string::npos)
    throw UsageError("'name': '+' joins redesigns into a stack (a+b); choose a name without it");
  for (const auto& v : sc.variants)
    if (v.name == *name) throw StudioConflict("the scenario already has a redesign named '" + one_line(*name) + "'");
  const auto description = optional_text(request, "description");
  if (description)
    if (const auto problem = text_problem(*description, true)) throw UsageError("'description' " + *problem);
  const auto cost_per_year = optional_number(request, "cost_per_year");
  const auto one_off_cost = optional_number(request, "one_off_cost");
  if (cost_per_year && !(std::abs(*cost_per_year) <= limits::max_money))
    throw UsageError("'cost_per_year' must be between -1e15 and 1e15");
  if (one_off_cost && !(*one_off_cost >= 0.0 && *one_off_cost <= limits::max_money))
    throw UsageError("'one_off_cost' must be between 0 and 1e15");
  const auto changes = changes_of(request);
  const VariantSource* base = base_of(sc, optional_text(request, "variant"));
  if (changes.empty() && !base) throw UsageError("there are no changes to save");

  VariantSource edited = edited_variant(sc, base, changes, *name);
  edited.description = description.value_or(base ? base->description : "");
  // Built on a redesign, the new one includes it: it costs what that one costs unless told otherwise.
  edited.cost_per_year = cost_per_year ? cost_per_year : base ? base->cost_per_year : std::nullopt;
  edited.one_off_cost = one_off_cost ? one_off_cost : base ? base->one_off_cost : std::nullopt;
  (void)checked_model(sc, &edited);  // the changes must build before anything is written

  // Written where the scenario really is (through a symlink), beside it, then renamed over it.
  char real[PATH_MAX];
  if (!::realpath(path_.c_str(), real)) throw std::runtime_error("cannot find " + path_ + ": " + std::strerror(errno));
  const std::string target = real;
  if (digest_or_missing(sc.inputs) != l->digest)
    throw StudioConflict(
        "the scenario's files changed on disk since the studio read them; reload before saving "
        "(nothing was written)");
  const std::string text = read_bytes(target);
  const std::string updated = with_variant_added(text, path_, edited);

  const auto slash = target.rfind('/');
  ScratchFile scratch;
  std::string pattern = target.substr(0, slash + 1) + "." + target.substr(slash + 1) + ".studio-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) throw std::runtime_error("cannot write beside " + path_ + ": " + std::strerror(errno));
  scratch.path = buffer.data();
  struct stat st {};
  try {
    write_all(fd, updated, scratch.path);
    if (::stat(target.c_str(), &st) == 0) ::fchmod(fd, st.st_mode & 07777);
    if (::fsync(fd) != 0) throw std::runtime_error("cannot write " + scratch.path + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + scratch.path + ": " + std::strerror(errno));

  // `cxsim check` on the result; its CSV tables are found beside it, as the original's are.
  CheckedScenario checked = check_scenario(scratch.path);
  if (checked.diagnostics.has_errors()) throw renamed(InputError(checked.diagnostics.all()), scratch.path, path_);
  const auto& before = sc.variants;
  const auto& after = checked.scenario.variants;
  bool same = after.size() == before.size() + 1 && after.back().name == *name;
  for (std::size_t i = 0; same && i < before.size(); ++i)
    same = after[i].name == before[i].name && after[i].description == before[i].description;
  if (!same)
    throw std::runtime_error("the redesign could not be added to " + path_ +
                             " without changing the rest of its variants list; nothing was written");

  if (digest_or_missing(sc.inputs) != l->digest)
    throw StudioConflict(
        "the scenario's files changed on disk while saving; reload before saving (nothing was written)");
  if (::rename(scratch.path.c_str(), target.c_str()) != 0)
    throw std::runtime_error("cannot replace " + path_ + ": " + std::strerror(errno));
  scratch.kept = true;
  if (const int dir = ::open(target.substr(0, slash + 1).c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }

  auto fresh = load(path_);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    loaded_ = fresh;
  }
  return ordered_json({{"saved", *name}, {"file", path_}}).dump();
}

}  // namespace cxsim
