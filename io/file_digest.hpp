#pragma once
// SHA-256 fingerprints of input files (OpenSSL), so results can say exactly what they came from.
#include <string>
#include <vector>

namespace cxsim {

// Lower-case hex SHA-256 of the files' contents, each preceded by its length in bytes (so that
// moving bytes from one file to the next changes the digest). Throws std::runtime_error naming
// a file that cannot be read.
std::string sha256_of_files(const std::vector<std::string>& paths);

}  // namespace cxsim
