#include "io/staging_folder.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "io/diagnostics.hpp"
#include "io/output_file.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

std::string why(int err) {
  return std::strerror(err);
}

mode_t current_umask() {
  const mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

// rename(2) that refuses to replace an existing file.
bool rename_no_replace(const std::string& from, const std::string& to) {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0;
}

}  // namespace

StagingFolder::StagingFolder(const std::string& parent, const std::string& stem) {
  std::string tmpl = (fs::path(parent.empty() ? "." : parent) / ("." + stem + ".cxsim-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw UsageError("cannot write into folder '" + parent + "': " + why(errno));
  path_ = tmpl;
  slots_.push_back(remove_on_signal(path_));
}

StagingFolder::~StagingFolder() {
  if (!moved_) {
    for (const auto& f : files_) ::unlink(f.c_str());
    ::rmdir(path_.c_str());
  }
  for (const int slot : slots_) keep_on_signal(slot);
}

std::string StagingFolder::write(const std::string& name, const std::string& content) {
  const std::string file = (fs::path(path_) / name).string();
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error("cannot write '" + file + "': " + why(errno));
  files_.push_back(file);
  slots_.push_back(remove_on_signal(file));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? why(errno) : "nothing was written";
      ::close(fd);
      throw std::runtime_error("cannot write '" + file + "': " + reason + " (disk full?)");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string reason = why(errno);
    ::close(fd);
    throw std::runtime_error("cannot write '" + file + "': " + reason);
  }
  if (::close(fd) != 0) throw std::runtime_error("cannot write '" + file + "': " + why(errno));
  return file;
}

void StagingFolder::move_into(const std::string& folder) {
  // A new folder gets the permissions any program's would (mkdtemp made it private).
  ::chmod(path_.c_str(), 0777 & ~current_umask());
  if (rename_no_replace(path_, folder)) {
    moved_ = true;
    return;
  }
  if (errno != EEXIST && errno != ENOTEMPTY) {
    const std::string reason = why(errno);
    ::chmod(path_.c_str(), 0700);
    throw std::runtime_error("cannot create the folder '" + folder + "': " + reason);
  }
  std::vector<std::pair<std::string, std::string>> done;
  for (const auto& f : files_) {
    const std::string to = (fs::path(folder) / fs::path(f).filename()).string();
    if (!rename_no_replace(f, to)) {
      const std::string reason = why(errno);
      for (const auto& [from, at] : done) ::rename(at.c_str(), from.c_str());
      throw std::runtime_error("cannot write '" + to + "': " + reason + "; nothing was written to '" + folder + "'");
    }
    done.emplace_back(f, to);
  }
  ::rmdir(path_.c_str());
  moved_ = true;
}

}  // namespace cxsim
