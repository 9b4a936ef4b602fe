#include "core/random.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace roost::core {

void initialize_crypto() {
  if (sodium_init() < 0) {
    // Without a working CSPRNG nothing Roost does is safe: this is not recoverable.
    std::fputs("roost: libsodium failed to initialize\n", stderr);
    std::abort();
  }
}

std::vector<unsigned char> random_bytes(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

std::string random_hex(std::size_t byte_count) {
  auto bytes = random_bytes(byte_count);
  return to_hex(bytes.data(), bytes.size());
}

}  // namespace roost::core
