#pragma once
// Files written together, all or nothing: a private folder (mode 0700, a name nobody can guess,
// created with mkdtemp) where the files are written and checked, then moved into place as one
// step. Until then nothing is visible under the final names, and the folder and everything in it
// are removed on an error, an exception, SIGINT or SIGTERM.
#include <string>
#include <vector>

namespace cxsim {

class StagingFolder {
 public:
  // A new private folder inside `parent`, named ".<stem>.cxsim-XXXXXX". Throws UsageError
  // naming `parent` when none can be made there.
  StagingFolder(const std::string& parent, const std::string& stem);
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  ~StagingFolder();

  // Writes a new file `name` in the folder (never following or replacing anything already
  // there), synced to disk; returns its path. Throws std::runtime_error on any failed write.
  std::string write(const std::string& name, const std::string& content);
  const std::string& path() const { return path_; }

  // Puts every written file into `folder`: the staging folder itself becomes `folder` when that
  // does not exist; otherwise each file is moved in, never over an existing file, and a failure
  // moves back what was already moved. Throws std::runtime_error (nothing in place) on failure.
  void move_into(const std::string& folder);

 private:
  std::string path_;
  std::vector<std::string> files_;
  std::vector<int> slots_;  // in the registry of paths to remove on a signal
  bool moved_ = false;
};

}  // namespace cxsim
