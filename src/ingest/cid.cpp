#include "ingest/cid.hpp"

#include <cstring>

#include <fmt/format.h>
#include <sodium.h>

#include "core/ascii.hpp"
#include "core/random.hpp"
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

}  // namespace

namespace detail {

const char* read_cid(std::span<const std::uint8_t> bytes, CidRead& out) {
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

std::string to_string(const Cid& cid) {
  const auto binary = to_binary(cid);
  return multibase_base32_lower + core::ascii_lower(domain::totp::base32_encode(binary));
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
  static const bool crypto_ready = (core::initialize_crypto(), true);
  (void)crypto_ready;
  Cid cid;
  cid.codec = codec;
  crypto_hash_sha256(cid.digest.data(), data.data(), data.size());
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
