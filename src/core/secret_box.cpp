#include "core/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "core/limits.hpp"
#include "core/random.hpp"
#include "core/tokens.hpp"

namespace roost::core {
namespace {

constexpr std::string_view sealed_version_prefix = "v1.";
constexpr std::size_t key_id_bytes = 8;
constexpr int base64_variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

Error crypto_error(std::string message) {
  return make_error(ErrorCode::crypto_error, std::move(message));
}

std::string base64_encode(const std::vector<unsigned char>& bytes) {
  return core::base64_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
      Base64::url_unpadded);
}

bool base64_decode(std::string_view text, std::vector<unsigned char>& bytes) {
  bytes.resize(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        nullptr, base64_variant) != 0) {
    return false;
  }
  bytes.resize(length);
  return true;
}

struct SealedParts {
  std::string_view key_id;
  std::string_view payload;
};

Result<SealedParts> split_sealed(std::string_view sealed) {
  if (!sealed.starts_with(sealed_version_prefix)) {
    return crypto_error("not a sealed value (unknown format)");
  }
  sealed.remove_prefix(sealed_version_prefix.size());
  auto dot = sealed.find('.');
  if (dot == std::string_view::npos || dot != key_id_bytes * 2) {
    return crypto_error("not a sealed value (no key id)");
  }
  return SealedParts{sealed.substr(0, dot), sealed.substr(dot + 1)};
}

}  // namespace

SecretKey make_secret_key(const unsigned char* bytes) {
  SecretKey key;
  std::memcpy(key.bytes.data(), bytes, key.bytes.size());
  std::array<unsigned char, key_id_bytes> digest{};
  static constexpr std::string_view personalization = "roost key id";
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(personalization.data()),
                     personalization.size(), key.bytes.data(), key.bytes.size());
  key.id = to_hex(digest.data(), digest.size());
  return key;
}

void Keyring::add(SecretKey key) { keys_.push_back(std::move(key)); }

const SecretKey* Keyring::find(std::string_view id) const {
  for (const auto& key : keys_) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

Result<std::string> seal(const Keyring& keyring, std::string_view plaintext,
                         std::string_view context) {
  if (keyring.empty()) return crypto_error("no secret key is loaded");
  if (plaintext.size() > limits::sealed_plaintext_bytes_max) {
    return crypto_error("secret too large to seal");
  }
  const auto& key = keyring.primary();
  constexpr auto nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr auto tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  std::vector<unsigned char> payload(nonce_bytes + plaintext.size() + tag_bytes);
  randombytes_buf(payload.data(), nonce_bytes);
  unsigned long long ciphertext_length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      payload.data() + nonce_bytes, &ciphertext_length,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr,
      payload.data(), key.bytes.data());
  payload.resize(nonce_bytes + ciphertext_length);
  return fmt::format("{}{}.{}", sealed_version_prefix, key.id, base64_encode(payload));
}

Result<std::string> open(const Keyring& keyring, std::string_view sealed,
                         std::string_view context) {
  auto parts = split_sealed(sealed);
  if (!parts) return std::move(parts).error();
  const SecretKey* key = keyring.find(parts->key_id);
  if (key == nullptr) {
    return crypto_error(
        fmt::format("the secret was sealed with key {}, which is not loaded", parts->key_id));
  }
  std::vector<unsigned char> payload;
  constexpr auto nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr auto tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!base64_decode(parts->payload, payload) || payload.size() < nonce_bytes + tag_bytes) {
    return crypto_error("sealed value is corrupt");
  }
  std::string plaintext(payload.size() - nonce_bytes - tag_bytes, '\0');
  unsigned long long plaintext_length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &plaintext_length, nullptr,
          payload.data() + nonce_bytes, payload.size() - nonce_bytes,
          reinterpret_cast<const unsigned char*>(context.data()), context.size(), payload.data(),
          key->bytes.data()) != 0) {
    return crypto_error("sealed value does not open: tampered, or sealed for another context");
  }
  plaintext.resize(plaintext_length);
  return plaintext;
}

Result<std::string> sealed_key_id(std::string_view sealed) {
  auto parts = split_sealed(sealed);
  if (!parts) return std::move(parts).error();
  return std::string(parts->key_id);
}

namespace {

Error key_file_error(const std::filesystem::path& path, std::string_view what) {
  return make_error(ErrorCode::configuration_error,
                    fmt::format("secret key file {}: {}", path.string(), what));
}

Result<SecretKey> create_key_file(const std::filesystem::path& path) {
  std::error_code ignored;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ignored);
  // O_EXCL: two processes starting at once must not each write a different key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return key_file_error(path, std::strerror(errno));
  auto bytes = random_bytes(secret_key_bytes);
  bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    std::filesystem::remove(path, ignored);
    return key_file_error(path, "could not be written");
  }
  SecretKey key = make_secret_key(bytes.data());
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

}  // namespace

Result<SecretKey> load_key_file(const std::filesystem::path& path, KeyFileMode mode) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (mode == KeyFileMode::must_exist) return key_file_error(path, "does not exist");
    auto created = create_key_file(path);
    if (created || created.error().message.find("File exists") == std::string::npos) {
      return created;
    }
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // lost the race to another process
  }
  if (fd < 0) return key_file_error(path, std::strerror(errno));
  struct stat status {};
  if (::fstat(fd, &status) != 0 || (status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    return key_file_error(path, "must be readable by its owner only (chmod 600)");
  }
  std::array<unsigned char, secret_key_bytes + 1> buffer{};
  ssize_t length = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  if (length != static_cast<ssize_t>(secret_key_bytes)) {
    return key_file_error(path, fmt::format("must hold exactly {} bytes", secret_key_bytes));
  }
  SecretKey key = make_secret_key(buffer.data());
  sodium_memzero(buffer.data(), buffer.size());
  return key;
}

}  // namespace roost::core
