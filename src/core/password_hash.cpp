#include "core/password_hash.hpp"

#include <sodium.h>

namespace roost::core {

Result<std::string> hash_password(std::string_view password) {
  std::string hash(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str_alg(hash.data(), password.data(), password.size(), password_hash_passes,
                            password_hash_memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::unavailable, "out of memory while hashing a password");
  }
  hash.resize(hash.find('\0'));
  return hash;
}

bool verify_password(std::string_view password, const std::string& stored_hash) {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace roost::core
