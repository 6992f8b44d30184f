#include "io/file_digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace cxsim {

std::string sha256_of_files(const std::vector<std::string>& paths) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("cannot start a SHA-256 digest");
  std::array<char, 1 << 16> buffer;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot read '" + path + "' to fingerprint it");
    const auto size = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);
    std::array<unsigned char, 8> length{};
    for (int i = 0; i < 8; ++i) length[static_cast<std::size_t>(i)] = static_cast<unsigned char>(size >> (8 * i));
    EVP_DigestUpdate(ctx.get(), length.data(), length.size());
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (!in.eof()) throw std::runtime_error("cannot read '" + path + "' to fingerprint it");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &n);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace cxsim
