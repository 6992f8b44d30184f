#pragma once
// Output files appear whole or not at all: written to a temporary file beside the target, then
// renamed over it.
#include <string>

namespace cxsim {

// Throws UsageError when `path` cannot be written (missing folder, a folder, no permission), so
// a run can refuse before it starts.
void check_writable(const std::string& path);

// Throws std::runtime_error when writing fails; the target is then left as it was.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace cxsim
