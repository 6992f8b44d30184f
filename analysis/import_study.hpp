#pragma once
// `cxsim import-paths` as a study: a starting scenario from observed customer paths, written
// into a new folder whole or not at all. The files are staged in a private folder beside it,
// checked to load as a scenario (and as observed counts), and only then moved in.
#include <optional>
#include <string>
#include <vector>

#include "io/path_import.hpp"

namespace cxsim {

struct ImportRequest {
  std::string paths_file;  // PATHS.csv: customer,step,touchpoint,ending[,segment][,failed]
  std::string out;         // the folder for scenario.yaml and its tables: new, or without them
  PathImportSettings settings;
};

struct ImportStudy {
  ImportedPaths imported;
  std::string scenario_file;                 // OUT/scenario.yaml
  std::optional<std::string> observed_file;  // OUT/observed.yaml, with left_to_friction
  // What the reader must know before reading figures off the journey (said on standard error).
  std::vector<std::string> notes, warnings;
};

// Throws UsageError (nothing written) when `out` is not a folder or already holds one of the
// files, InputError (file, line, column) for a paths file that cannot be read.
ImportStudy import_study(const ImportRequest& request);

}  // namespace cxsim
