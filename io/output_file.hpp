#pragma once
// A file the user asked cxsim to write: it appears whole or not at all, and never destroys
// anything it should not.
//  - Checked before any work is done: the folder exists and takes files, the target is not a
//    folder, and it is none of the run's input files (same device and inode, however spelt).
//  - A symlink is followed: the output goes to the file it points at, not over the link.
//  - A regular file is written to a temporary file beside the final target and renamed over it
//    on commit; an existing file keeps its permissions, a new one gets 0666 less the umask.
//  - A character device (/dev/null) or a FIFO is written directly.
//  - An open file descriptor of this process (/dev/stdout, /dev/fd/N, /proc/self/fd/N, a
//    process substitution) is a stream: cxsim writes into that descriptor as it is, so
//    `--out /dev/stdout >> log` appends to the log and a pipe gets the bytes. It never replaces
//    the file behind a descriptor.
//  - Not committed (an error, an exception, SIGINT or SIGTERM): the temporary file is removed.
#include <fstream>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace cxsim {

class OutputFile {
 public:
  // Throws UsageError when `path` cannot be written or is one of `inputs`.
  OutputFile(std::string path, const std::vector<std::string>& inputs = {});
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  std::ostream& stream() { return descriptor_ ? descriptor_out_ : out_; }
  // Writes everything out, syncs it and puts it in place. Throws std::runtime_error on any
  // failed or short write (the target is then left as it was).
  void commit();
  const std::string& path() const { return path_; }

  // True when two paths name the same file (or would, once created).
  static bool same_file(const std::string& a, const std::string& b);

 private:
  std::string path_;    // as the user gave it
  std::string target_;  // where the bytes end up (symlinks resolved)
  std::string temp_;    // empty when writing directly
  std::ofstream out_;
  std::unique_ptr<std::streambuf> descriptor_;  // set when writing into an inherited descriptor
  std::ostream descriptor_out_{nullptr};
  bool committed_ = false;
  int slot_ = -1;  // in the registry of files to remove on a signal
};

// Writes `content` to `path` as an OutputFile and commits it.
void write_output(const std::string& path, const std::string& content, const std::vector<std::string>& inputs = {});

// Paths (files, then empty folders) to remove if SIGINT or SIGTERM ends the process before
// they are unregistered; -1 when the registry is full.
int remove_on_signal(const std::string& path);
void keep_on_signal(int slot);

// Installs the SIGINT / SIGTERM handlers that remove unfinished outputs before the process
// dies of the signal (so the exit status is 130 / 143 as usual).
void remove_unfinished_outputs_on_signals();

}  // namespace cxsim
