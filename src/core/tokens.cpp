#include "core/tokens.hpp"

#include <sodium.h>

#include "core/random.hpp"

namespace roost::core {

std::string base64_encode(std::string_view bytes, Base64 variant) {
  const int sodium_variant = variant == Base64::standard ? sodium_base64_VARIANT_ORIGINAL
                                                         : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_encoded_len(bytes.size(), sodium_variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_variant);
  encoded.resize(encoded.find('\0'));
  return encoded;
}

std::optional<std::string> base64_decode(std::string_view text, Base64 variant) {
  const int sodium_variant = variant == Base64::standard ? sodium_base64_VARIANT_ORIGINAL
                                                         : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

std::string random_token(std::size_t byte_count) {
  auto bytes = random_bytes(byte_count);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                       Base64::url_unpadded);
}

std::string hash_token(std::string_view token) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return to_hex(digest, sizeof digest);
}

bool constant_time_equals(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  if (left.empty()) return true;
  return sodium_memcmp(left.data(), right.data(), left.size()) == 0;
}

}  // namespace roost::core
