#include "io/output_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "io/diagnostics.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

// Temporary files to remove if a signal ends the process: fixed storage, so the handler only
// reads memory and calls unlink (async-signal-safe).
constexpr int registry_slots = 16;
constexpr std::size_t path_room = 4096;
char registry_path[registry_slots][path_room];
std::atomic<bool> registry_used[registry_slots];

int register_temp(const std::string& path) {
  return remove_on_signal(path);
}

void unregister_temp(int slot) {
  keep_on_signal(slot);
}

extern "C" void remove_and_die(int sig) {
  // Files first, then the (now empty) folders they were in.
  for (int i = 0; i < registry_slots; ++i)
    if (registry_used[i].load()) ::unlink(registry_path[i]);
  for (int i = 0; i < registry_slots; ++i)
    if (registry_used[i].load()) ::rmdir(registry_path[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string why(int err) {
  return std::strerror(err);
}

// Bytes written straight into a file descriptor cxsim inherited (standard output, a pipe...).
class DescriptorBuffer : public std::streambuf {
 public:
  explicit DescriptorBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  DescriptorBuffer(const DescriptorBuffer&) = delete;
  DescriptorBuffer& operator=(const DescriptorBuffer&) = delete;
  ~DescriptorBuffer() override { ::close(fd_); }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* p = pbase();
    while (p < pptr()) {
      const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n;
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return true;
  }
  int fd_;
  char buffer_[1 << 16];
};

// The descriptor N when `p` is an entry of this process's descriptor table (/proc/<pid>/fd/N,
// which /dev/fd/N, /proc/self/fd/N and /proc/thread-self/fd/N lead to).
std::optional<int> descriptor_named(const fs::path& p) {
  std::error_code ec;
  const fs::path table = fs::canonical(p.has_parent_path() ? p.parent_path() : fs::path("."), ec);
  if (ec) return std::nullopt;
  const std::string pid = std::to_string(::getpid());
  const std::string t = table.string();
  const bool ours =
      t == "/proc/" + pid + "/fd" || (t.rfind("/proc/" + pid + "/task/", 0) == 0 && table.filename() == "fd");
  if (!ours) return std::nullopt;
  const std::string n = p.filename().string();
  if (n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(n);
}

}  // namespace

int remove_on_signal(const std::string& path) {
  if (path.size() >= path_room) return -1;
  for (int i = 0; i < registry_slots; ++i) {
    bool expected = false;
    if (registry_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(registry_path[i], path.c_str(), path.size() + 1);
      return i;
    }
  }
  return -1;
}

void keep_on_signal(int slot) {
  if (slot >= 0) registry_used[slot].store(false);
}

namespace {

mode_t current_umask() {
  const mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

struct Identity {
  dev_t dev;
  ino_t ino;
};

std::optional<Identity> identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return Identity{st.st_dev, st.st_ino};
}

}  // namespace

bool OutputFile::same_file(const std::string& a, const std::string& b) {
  const auto x = identity(a), y = identity(b);
  if (x && y) return x->dev == y->dev && x->ino == y->ino;
  if (x || y) return false;
  std::error_code ec1, ec2;
  const fs::path pa = fs::weakly_canonical(a, ec1), pb = fs::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && pa == pb;
}

OutputFile::OutputFile(std::string path, const std::vector<std::string>& inputs) : path_(std::move(path)) {
  if (path_.empty()) throw UsageError("an output file name is empty");
  for (const auto& input : inputs)
    if (same_file(path_, input))
      throw UsageError("refusing to write '" + path_ + "': it is an input of this run ('" + input +
                       "'); choose another output file");
  // Follow symlinks to the file they name, here rather than half-way: a dangling link names
  // the file to create, a loop is refused.
  std::error_code ec;
  fs::path at = path_;
  for (int hops = 0; fs::is_symlink(fs::symlink_status(at, ec)); ++hops) {
    if (hops == 40)
      throw UsageError("cannot write '" + path_ + "': too many levels of symbolic links (a symlink loop?)");
    if (const auto fd = descriptor_named(at)) {
      // An open descriptor (standard output, a pipe, `>> log`): write into it as the shell set
      // it up; following its link to a file and renaming over that file would destroy it.
      const int flags = ::fcntl(*fd, F_GETFL);
      if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
        throw UsageError("cannot write '" + path_ + "': descriptor " + std::to_string(*fd) +
                         " is not open for writing");
      const int mine = ::fcntl(*fd, F_DUPFD_CLOEXEC, 0);
      if (mine < 0) throw UsageError("cannot write '" + path_ + "': " + why(errno));
      target_ = at.string();
      descriptor_ = std::make_unique<DescriptorBuffer>(mine);
      descriptor_out_.rdbuf(descriptor_.get());
      return;
    }
    const fs::path to = fs::read_symlink(at, ec);
    if (ec) throw UsageError("cannot write '" + path_ + "': the symlink cannot be followed (" + ec.message() + ")");
    at = to.is_absolute() ? to : at.parent_path() / to;
  }
  target_ = at.string();
  struct stat st {};
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) throw UsageError("cannot write '" + path_ + "': " + why(errno));
  if (exists && S_ISDIR(st.st_mode)) throw UsageError("cannot write '" + path_ + "': it is a folder");
  if (exists && !S_ISREG(st.st_mode)) {
    // A device, FIFO or terminal: write straight into it.
    out_.open(target_, std::ios::binary | std::ios::out);
    if (!out_) throw UsageError("cannot write '" + path_ + "': " + why(errno));
    return;
  }
  const fs::path target(target_);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw UsageError("cannot write '" + path_ + "': folder '" + dir.string() + "' does not exist");
  if (exists) {
    // Proves the existing file may be replaced by us (read-only file systems, immutable files).
    const int probe = ::open(target_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (probe < 0) throw UsageError("cannot write '" + path_ + "': " + why(errno));
    ::close(probe);
  }
  std::string tmpl = (dir / ("." + target.filename().string() + ".cxsim-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    throw UsageError("cannot write '" + path_ + "': no new file can be made in its folder '" + dir.string() + "' (" +
                     why(errno) + "), and cxsim writes there first so nobody sees a partial file");
  temp_ = tmpl;
  slot_ = register_temp(temp_);
  // Keep an existing file's permissions (and owner, where we may); a new file gets 0666 less
  // the umask, as any program's would.
  const mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~current_umask());
  ::fchmod(fd, mode);
  if (exists && ::geteuid() == 0) (void)!::fchown(fd, st.st_uid, st.st_gid);
  ::close(fd);
  out_.open(temp_, std::ios::binary | std::ios::out | std::ios::trunc);
  if (!out_) {
    ::unlink(temp_.c_str());
    throw UsageError("cannot write '" + path_ + "': " + why(errno));
  }
}

OutputFile::~OutputFile() {
  if (!committed_ && !temp_.empty()) {
    out_.close();
    ::unlink(temp_.c_str());
  }
  unregister_temp(slot_);
}

void OutputFile::commit() {
  if (descriptor_) {
    descriptor_out_.flush();
    if (!descriptor_out_)
      throw std::runtime_error("cannot write '" + path_ + "': the write failed (disk full, or the reader went away?)");
    committed_ = true;
    return;
  }
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail()) throw std::runtime_error("cannot write '" + path_ + "': the write failed (disk full?)");
  if (temp_.empty()) {
    committed_ = true;
    return;
  }
  const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string reason = why(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write '" + path_ + "': " + reason);
  }
  ::close(fd);
  if (std::rename(temp_.c_str(), target_.c_str()) != 0)
    throw std::runtime_error("cannot write '" + path_ + "': " + why(errno));
  committed_ = true;
}

void write_output(const std::string& path, const std::string& content, const std::vector<std::string>& inputs) {
  OutputFile out(path, inputs);
  out.stream() << content;
  out.commit();
}

void remove_unfinished_outputs_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = remove_and_die;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace cxsim
