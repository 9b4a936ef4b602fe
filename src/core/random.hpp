#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace roost::core {

// Bytes from the operating system's CSPRNG (libsodium's randombytes).
std::vector<unsigned char> random_bytes(std::size_t count);
// `byte_count` random bytes, hex-encoded (2 characters a byte).
std::string random_hex(std::size_t byte_count);

std::string to_hex(const unsigned char* data, std::size_t size);

// Must be called once before any other crypto helper (idempotent, thread-safe).
void initialize_crypto();

}  // namespace roost::core
