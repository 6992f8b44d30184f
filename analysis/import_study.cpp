#include "analysis/import_study.hpp"

#include <filesystem>
#include <stdexcept>

#include "io/diagnostics.hpp"
#include "io/observed_loader.hpp"
#include "io/scenario.hpp"
#include "io/staging_folder.hpp"
#include "io/text_table.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

void refuse_to_overwrite(const std::string& out, const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw UsageError("--out '" + out + "' is not a folder");
  for (const char* f :
       {"scenario.yaml", "touchpoints.csv", "transitions.csv", "observed.yaml", "observed_touchpoints.csv"})
    if (fs::exists(fs::symlink_status(dir / f, ec)))
      throw UsageError("'" + (dir / f).string() +
                       "' already exists; import into a new folder so nothing is overwritten");
}

// A written file that does not load is a bug here, not in the data.
void refuse_if_broken(const Diagnostics& d, const std::string& what) {
  if (!d.has_errors()) return;
  throw std::runtime_error(what + " (" + d.sorted().front().to_string() + "); please report this with the paths file");
}

// Said of the customers the import leaves to friction, or ends where the model would not.
void add_sentences(const ImportRequest& r, ImportStudy& study, const fs::path& dir) {
  const ImportedPaths& imported = study.imported;
  if (r.settings.left_to_friction) {
    const std::uint64_t left = imported.endings[1] + imported.endings[2];
    if (left > 0)
      study.notes.push_back(std::to_string(left) +
                            " customers abandoned or churned silently in the paths; that is left to friction, which "
                            "is neutral until fitted: calibrate the journey to " +
                            (dir / "observed.yaml").string() + " before reading defection figures off it.");
    return;
  }
  const std::uint64_t churned = imported.endings[1];
  if (churned == 0) return;
  // Silent churn is a defection in the model, but the imported journey has no friction yet to
  // produce it: these customers end at a retained ending, and every figure says so.
  const auto share = [&](std::uint64_t n) {
    return formatted("%.1f%%", 100.0 * static_cast<double>(n) / static_cast<double>(imported.customers));
  };
  study.warnings.push_back(std::to_string(churned) + " customers (" + share(churned) +
                           ") churned silently in the paths, but the imported journey ends them at 'ended_churned', "
                           "a retained ending: its defection rate is " +
                           share(imported.endings[2] + imported.endings[3]) + " where the paths show " +
                           share(churned + imported.endings[2] + imported.endings[3]) +
                           ". Fit silent churn with `cxsim calibrate` before reading defection figures off this "
                           "journey.");
}

}  // namespace

ImportStudy import_study(const ImportRequest& r) {
  const fs::path dir = fs::path(r.out).lexically_normal();
  refuse_to_overwrite(r.out, dir);
  Diagnostics diag;
  ImportStudy study;
  study.imported = import_paths(r.paths_file, r.settings, diag);
  if (diag.has_errors()) throw InputError(diag.sorted());
  const ImportedPaths& imported = study.imported;
  // All the files or none: written and checked in a private folder beside DIR, then moved in.
  std::error_code ec;
  fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  if (dir.filename().empty() || dir.filename() == "." || dir.filename() == "..") parent = dir;
  if (!fs::is_directory(parent, ec))
    throw UsageError("cannot import into '" + r.out + "': folder '" + parent.string() + "' does not exist");
  StagingFolder staged(parent.string(), dir.filename().empty() || parent == dir ? "import" : dir.filename().string());
  staged.write("touchpoints.csv", imported.touchpoints_csv);
  staged.write("transitions.csv", imported.transitions_csv);
  const std::string yaml = staged.write("scenario.yaml", imported.scenario_yaml);
  std::string observed;
  if (!imported.observed_yaml.empty()) {
    staged.write("observed_touchpoints.csv", imported.observed_csv);
    observed = staged.write("observed.yaml", imported.observed_yaml);
  }
  const CheckedScenario check = check_scenario(yaml);
  refuse_if_broken(check.diagnostics, "the imported scenario does not load");
  if (!observed.empty()) {
    const ScenarioModel m = checked_model(check.scenario, nullptr);
    Diagnostics counts;
    load_observed(observed, m.journey, m.population, counts);
    refuse_if_broken(counts, "the observed counts of the import do not load");
  }
  staged.move_into(dir.string());
  study.scenario_file = (dir / "scenario.yaml").string();
  if (!observed.empty()) study.observed_file = (dir / "observed.yaml").string();
  add_sentences(r, study, dir);
  return study;
}

}  // namespace cxsim
