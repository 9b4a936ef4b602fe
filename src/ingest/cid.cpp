#include "ingest/cid.hpp"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
// The SHA256_* functions, deprecated in OpenSSL 3 (see Sha256 below).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include "domain/totp.hpp"
#include "ingest/varint.hpp"

namespace roost::ingest {

namespace {

constexpr std::uint64_t cid_version_1 = 1;
constexpr std::uint64_t multihash_sha2_256 = 0x12;
constexpr char multibase_base32_lower = 'b';

core::Error cid_error(const char* why) {
  return core::make_error(core::ErrorCode::invalid_request, fmt::format("CID: {}", why));
}

// sha2-256 through OpenSSL, whose code uses the CPU's SHA extensions where it has them:
// 3.5x faster than libsodium's portable C on a 300-byte post block (ADR 0017), and hashing
// the post block is the largest part of decoding a firehose frame. Through the SHA256_*
// functions, not EVP: the same code without the provider dispatch, 215 ns against 250-280 ns
// a post block on this machine (ADR 0038). OpenSSL 3 marks them deprecated, not removed; a
// later OpenSSL without them takes EVP, one context per thread, reused (a fresh fetch or
// context per call costs as much as the hash itself).
#if OPENSSL_VERSION_MAJOR < 4
class Sha256 {
 public:
  void digest(std::span<const std::uint8_t> data, std::uint8_t* out) {
    SHA256_CTX context;
    if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data.data(), data.size()) != 1 ||
        SHA256_Final(out, &context) != 1) {
      std::abort();  // cannot fail with valid arguments; a wrong digest would accept forgeries
    }
  }
};
#else
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {}
  ~Sha256() { EVP_MD_CTX_free(context_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void digest(std::span<const std::uint8_t> data, std::uint8_t* out) {
    static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    unsigned int length = 0;
    if (context_ == nullptr || algorithm == nullptr ||
        EVP_DigestInit_ex2(context_, algorithm, nullptr) != 1 ||
        EVP_DigestUpdate(context_, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(context_, out, &length) != 1 || length != sha256_bytes) {
      // Only an exhausted allocator or a broken OpenSSL install gets here; a wrong digest
      // would silently accept forged blocks, so stop.
      std::abort();
    }
  }

 private:
  EVP_MD_CTX* context_;
};
#endif

}  // namespace

namespace detail {

const char* read_cid(std::span<const std::uint8_t> bytes, CidRead& out) {
  // What atproto writes: four one-byte varints (version 1, dag-cbor or raw, sha2-256, 32),
  // then the digest. Read without the general varint walk, the same answer.
  if (bytes.size() >= cid_binary_bytes && bytes[0] == cid_version_1 &&
      (bytes[1] == static_cast<std::uint8_t>(CidCodec::dag_cbor) ||
       bytes[1] == static_cast<std::uint8_t>(CidCodec::raw)) &&
      bytes[2] == multihash_sha2_256 && bytes[3] == sha256_bytes) {
    out.cid.codec = static_cast<CidCodec>(bytes[1]);
    std::memcpy(out.cid.digest.data(), bytes.data() + 4, sha256_bytes);
    out.size = cid_binary_bytes;
    return nullptr;
  }
  // A CIDv0 is a bare sha2-256 multihash: it starts with the hash code, not a version.
  if (bytes.size() >= 2 && bytes[0] == multihash_sha2_256 && bytes[1] == sha256_bytes) {
    return "CIDv0 is not allowed in atproto";
  }
  std::size_t at = 0;
  auto next = [&]() -> std::optional<std::uint64_t> {
    auto varint = read_varint(bytes.subspan(at));
    if (!varint) return std::nullopt;
    at += varint->size;
    return varint->value;
  };
  auto version = next();
  if (!version) return "truncated or malformed version";
  if (*version != cid_version_1) return "version is not 1";
  auto codec = next();
  if (!codec) return "truncated or malformed codec";
  if (*codec != static_cast<std::uint64_t>(CidCodec::dag_cbor) &&
      *codec != static_cast<std::uint64_t>(CidCodec::raw)) {
    return "codec is neither dag-cbor nor raw";
  }
  auto hash = next();
  if (!hash) return "truncated or malformed multihash code";
  if (*hash != multihash_sha2_256) return "multihash is not sha2-256";
  auto length = next();
  if (!length) return "truncated or malformed digest length";
  if (*length != sha256_bytes) return "sha2-256 digest length is not 32";
  if (bytes.size() - at < sha256_bytes) return "truncated digest";
  out.cid.codec = static_cast<CidCodec>(*codec);
  std::memcpy(out.cid.digest.data(), bytes.data() + at, sha256_bytes);
  out.size = at + sha256_bytes;
  return nullptr;
}

}  // namespace detail

core::Result<CidRead> read_cid(std::span<const std::uint8_t> bytes) {
  CidRead read;
  if (const char* why = detail::read_cid(bytes, read)) return cid_error(why);
  return read;
}

core::Result<Cid> parse_cid(std::span<const std::uint8_t> bytes) {
  CidRead read;
  if (const char* why = detail::read_cid(bytes, read)) return cid_error(why);
  if (read.size != bytes.size()) return cid_error("trailing bytes");
  return read.cid;
}

std::array<std::uint8_t, cid_binary_bytes> to_binary(const Cid& cid) {
  std::array<std::uint8_t, cid_binary_bytes> out{};
  out[0] = cid_version_1;
  out[1] = static_cast<std::uint8_t>(cid.codec);
  out[2] = multihash_sha2_256;
  out[3] = sha256_bytes;
  std::memcpy(out.data() + 4, cid.digest.data(), sha256_bytes);
  return out;
}

void append_string(const Cid& cid, std::string& out) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  constexpr std::size_t group_bytes = 5;  // five bytes are eight characters
  const auto binary = to_binary(cid);
  const std::size_t start = out.size();
  out.resize(start + cid_string_chars);
  char* at = out.data() + start;
  *at++ = multibase_base32_lower;
  // RFC 4648 base32, five bits a character, the last one's unused low bits zero. A listener
  // writes one per post: whole groups at a time, eight characters computed side by side in a
  // word (a five-bit value v is 'a' + v below 26, '2' + v - 26 from there), then the tail bit
  // by bit.
  std::size_t index = 0;
  for (; index + group_bytes <= binary.size(); index += group_bytes) {
    std::uint64_t group = 0;
    for (std::size_t byte = 0; byte < group_bytes; ++byte) {
      group = (group << 8) | binary[index + byte];
    }
    std::uint64_t values = 0;  // character k's value in byte k
    for (int character = 0; character < 8; ++character) {
      values |= ((group >> (35 - 5 * character)) & 0x1f) << (8 * character);
    }
    // v + 0x66 reaches 0x80 exactly when v >= 26; no byte carries into the next.
    const std::uint64_t from_26 =
        ((values + 0x6666'6666'6666'6666ULL) >> 7) & 0x0101'0101'0101'0101ULL;
    const std::uint64_t characters = values + 0x6161'6161'6161'6161ULL - from_26 * ('a' + 26 - '2');
    for (int character = 0; character < 8; ++character) {
      *at++ = static_cast<char>(characters >> (8 * character));
    }
  }
  std::uint32_t buffer = 0;
  int bits = 0;
  for (; index < binary.size(); ++index) {
    buffer = (buffer << 8) | binary[index];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      *at++ = alphabet[(buffer >> bits) & 0x1f];
    }
  }
  if (bits > 0) *at++ = alphabet[(buffer << (5 - bits)) & 0x1f];
}

std::string to_string(const Cid& cid) {
  std::string out;
  append_string(cid, out);
  return out;
}

core::Result<Cid> parse_cid_string(std::string_view text) {
  if (text.starts_with("Qm")) return cid_error("CIDv0 is not allowed in atproto");
  if (text.empty() || text.front() != multibase_base32_lower) {
    return cid_error("multibase is not 'b' (base32, lower case)");
  }
  text.remove_prefix(1);
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
      return cid_error("not lower-case base32");
    }
  }
  auto binary = domain::totp::base32_decode(text);
  if (!binary) return cid_error("not lower-case base32");
  auto cid = parse_cid(*binary);
  if (!cid.ok()) return cid;
  // Non-zero padding bits would give a second spelling of the same CID.
  if (to_string(*cid).substr(1) != text) return cid_error("non-canonical base32");
  return cid;
}

Cid compute_cid(CidCodec codec, std::span<const std::uint8_t> data) {
  thread_local Sha256 sha256;
  Cid cid;
  cid.codec = codec;
  sha256.digest(data, cid.digest.data());
  return cid;
}

}  // namespace roost::ingest

std::size_t std::hash<roost::ingest::Cid>::operator()(
    const roost::ingest::Cid& cid) const noexcept {
  // The digest is a cryptographic hash already: any 8 of its bytes are uniform.
  std::size_t value = 0;
  std::memcpy(&value, cid.digest.data(), sizeof value);
  return value ^ static_cast<std::size_t>(cid.codec);
}
