#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// Sealing small secrets (network tokens, TOTP seeds) with XChaCha20-Poly1305.
// A sealed value is text: "v1.<key id>.<base64url(nonce || ciphertext || tag)>". The key
// id beside the ciphertext lets a keyring hold the current key and older ones, so keys can
// be rotated without re-sealing everything at once.
namespace roost::core {

inline constexpr std::size_t secret_key_bytes = 32;

struct SecretKey {
  std::array<unsigned char, secret_key_bytes> bytes{};
  std::string id;  // 16 hex characters derived from the key (BLAKE2b), safe to store and log
};

SecretKey make_secret_key(const unsigned char* bytes);

class Keyring {
 public:
  // The first key added is the one new secrets are sealed with.
  void add(SecretKey key);
  bool empty() const { return keys_.empty(); }
  const SecretKey& primary() const { return keys_.front(); }
  const SecretKey* find(std::string_view id) const;

 private:
  std::vector<SecretKey> keys_;
};

// `context` is bound to the ciphertext as associated data (e.g. "profile:42:refresh_token"):
// a sealed value copied to another row or purpose does not open.
Result<std::string> seal(const Keyring& keyring, std::string_view plaintext,
                         std::string_view context);
Result<std::string> open(const Keyring& keyring, std::string_view sealed, std::string_view context);

// The key id a sealed value names, or an error when it is not a sealed value.
Result<std::string> sealed_key_id(std::string_view sealed);

enum class KeyFileMode { create_if_missing, must_exist };

// Reads a key file of exactly 32 bytes. With create_if_missing, a missing file is created
// with 32 random bytes and mode 0600 (and its parent directories). A file readable by
// group or others, of the wrong size, or unreadable is ErrorCode::configuration_error.
Result<SecretKey> load_key_file(const std::filesystem::path& path, KeyFileMode mode);

}  // namespace roost::core
