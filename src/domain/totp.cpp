#include "domain/totp.hpp"

#include <fmt/format.h>

#include "core/tokens.hpp"

namespace roost::domain::totp {
namespace {

constexpr std::size_t sha1_block_bytes = 64;
constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::uint32_t rotate_left(std::uint32_t value, int bits) {
  return (value << bits) | (value >> (32 - bits));
}

// SHA-1 (FIPS 180-4), only as HMAC's hash: libsodium, our crypto library, has no SHA-1.
class Sha1 {
 public:
  void update(std::span<const unsigned char> data) {
    for (unsigned char byte : data) {
      block_[block_size_++] = byte;
      if (block_size_ == sha1_block_bytes) compress();
    }
    length_bytes_ += data.size();
  }

  Sha1Digest finish() {
    const std::uint64_t length_bits = length_bytes_ * 8;
    block_[block_size_++] = 0x80;
    if (block_size_ > sha1_block_bytes - 8) {
      while (block_size_ < sha1_block_bytes) block_[block_size_++] = 0;
      compress();
    }
    while (block_size_ < sha1_block_bytes - 8) block_[block_size_++] = 0;
    for (int shift = 56; shift >= 0; shift -= 8) {
      block_[block_size_++] = static_cast<unsigned char>(length_bits >> shift);
    }
    compress();
    Sha1Digest digest{};
    for (std::size_t i = 0; i < state_.size(); ++i) {
      for (std::size_t b = 0; b < 4; ++b) {
        digest[i * 4 + b] = static_cast<unsigned char>(state_[i] >> (24 - 8 * b));
      }
    }
    return digest;
  }

 private:
  void compress() {
    std::array<std::uint32_t, 80> words{};
    for (std::size_t i = 0; i < 16; ++i) {
      words[i] = (std::uint32_t{block_[i * 4]} << 24) | (std::uint32_t{block_[i * 4 + 1]} << 16) |
                 (std::uint32_t{block_[i * 4 + 2]} << 8) | std::uint32_t{block_[i * 4 + 3]};
    }
    for (std::size_t i = 16; i < words.size(); ++i) {
      words[i] = rotate_left(words[i - 3] ^ words[i - 8] ^ words[i - 14] ^ words[i - 16], 1);
    }
    auto [a, b, c, d, e] = state_;
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::uint32_t f = 0;
      std::uint32_t k = 0;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      const std::uint32_t next = rotate_left(a, 5) + f + e + k + words[i];
      e = d;
      d = c;
      c = rotate_left(b, 30);
      b = a;
      a = next;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    block_size_ = 0;
  }

  std::array<std::uint32_t, 5> state_{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::array<unsigned char, sha1_block_bytes> block_{};
  std::size_t block_size_ = 0;
  std::uint64_t length_bytes_ = 0;
};

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

Sha1Digest hmac_sha1(std::span<const unsigned char> key, std::span<const unsigned char> message) {
  std::array<unsigned char, sha1_block_bytes> block_key{};
  if (key.size() > sha1_block_bytes) {
    Sha1 hashed;
    hashed.update(key);
    auto digest = hashed.finish();
    std::copy(digest.begin(), digest.end(), block_key.begin());
  } else {
    std::copy(key.begin(), key.end(), block_key.begin());
  }
  std::array<unsigned char, sha1_block_bytes> inner_pad{};
  std::array<unsigned char, sha1_block_bytes> outer_pad{};
  for (std::size_t i = 0; i < sha1_block_bytes; ++i) {
    inner_pad[i] = block_key[i] ^ 0x36;
    outer_pad[i] = block_key[i] ^ 0x5c;
  }
  Sha1 inner;
  inner.update(inner_pad);
  inner.update(message);
  auto inner_digest = inner.finish();
  Sha1 outer;
  outer.update(outer_pad);
  outer.update(inner_digest);
  return outer.finish();
}

std::string hotp(std::span<const unsigned char> key, std::uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (std::size_t i = 0; i < message.size(); ++i) {
    message[i] = static_cast<unsigned char>(counter >> (56 - 8 * i));
  }
  const auto digest = hmac_sha1(key, message);
  const std::size_t offset = digest.back() & 0x0f;
  const std::uint32_t truncated =
      ((std::uint32_t{digest[offset]} & 0x7f) << 24) | (std::uint32_t{digest[offset + 1]} << 16) |
      (std::uint32_t{digest[offset + 2]} << 8) | std::uint32_t{digest[offset + 3]};
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return fmt::format("{:0{}}", truncated % modulus, digits);
}

std::int64_t step_at(std::int64_t unix_seconds, std::int64_t step_seconds) {
  return unix_seconds / step_seconds;
}

std::optional<std::int64_t> matching_step(std::span<const unsigned char> key, std::string_view code,
                                          std::int64_t unix_seconds, std::int64_t step_seconds,
                                          int digits, std::int64_t drift_steps) {
  if (code.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  const auto now = step_at(unix_seconds, step_seconds);
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, so that the time taken does not say which.
  for (auto step = now - drift_steps; step <= now + drift_steps; ++step) {
    if (step < 0) continue;
    if (core::constant_time_equals(hotp(key, static_cast<std::uint64_t>(step), digits), code)) {
      if (!matched) matched = step;
    }
  }
  return matched;
}

std::string base32_encode(std::span<const unsigned char> bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32_alphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32_alphabet[(buffer << (5 - bits)) & 0x1f];
  return out;
}

std::optional<std::vector<unsigned char>> base32_decode(std::string_view text) {
  std::vector<unsigned char> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    auto value = base32_alphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<unsigned char>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  return out;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret, int digits, std::int64_t step_seconds) {
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
                     percent_encode(issuer), percent_encode(account), base32_secret,
                     percent_encode(issuer), digits, step_seconds);
}

}  // namespace roost::domain::totp
