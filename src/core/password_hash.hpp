#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

// Passwords are stored as argon2id hashes (libsodium), at OWASP's minimum cost or above:
// 19 MiB of memory and 2 passes. The cost is deliberate: it is what makes a stolen
// database slow to attack (docs/PERFORMANCE.md measures the logins per second it allows).
namespace roost::core {

inline constexpr unsigned long long password_hash_passes = 2;
inline constexpr std::size_t password_hash_memory_bytes = 19 * 1024 * 1024;

Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& stored_hash);

}  // namespace roost::core
