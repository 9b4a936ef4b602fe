#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace roost::ingest {

// The multicodec of a CID's content. atproto uses these two only: records and MST nodes are
// dag-cbor, blobs are raw.
enum class CidCodec : std::uint8_t { raw = 0x55, dag_cbor = 0x71 };

inline constexpr std::size_t sha256_bytes = 32;
// version 1, codec, sha2-256 (0x12), digest length 32, digest: all single-byte varints.
inline constexpr std::size_t cid_binary_bytes = 4 + sha256_bytes;

// A CIDv1 with a sha2-256 multihash: the only kind atproto writes (its data model forbids
// CIDv0 and other hashes). A value type, cheap to copy, usable as a map key.
struct Cid {
  CidCodec codec = CidCodec::raw;
  std::array<std::uint8_t, sha256_bytes> digest{};

  friend bool operator==(const Cid&, const Cid&) = default;
  friend std::strong_ordering operator<=>(const Cid&, const Cid&) = default;
};

// A CID read from the start of a longer input (a CAR section), and the bytes it took.
struct CidRead {
  Cid cid;
  std::size_t size = 0;
};

// Binary form. Errors (ErrorCode::invalid_request) name what is wrong: CIDv0, another
// version, codec or hash, a wrong digest length, truncation, trailing bytes (parse_cid).
core::Result<Cid> parse_cid(std::span<const std::uint8_t> bytes);
core::Result<CidRead> read_cid(std::span<const std::uint8_t> bytes);
std::array<std::uint8_t, cid_binary_bytes> to_binary(const Cid& cid);

// String form: multibase 'b' (RFC 4648 base32, lower case, no padding), e.g. "bafyrei...".
// Parsing is strict: one spelling per CID, so strings compare as the CIDs do.
inline constexpr std::size_t cid_string_chars = 1 + (cid_binary_bytes * 8 + 4) / 5;
std::string to_string(const Cid& cid);
// The same appended to `out`: a listener keeps a post's CID string beside its other strings.
void append_string(const Cid& cid, std::string& out);
core::Result<Cid> parse_cid_string(std::string_view text);

// The CID of `data` under `codec` (sha2-256 of the bytes).
Cid compute_cid(CidCodec codec, std::span<const std::uint8_t> data);

namespace detail {
// read_cid without building an Error: nullptr on success, else the reason. For the decoders'
// hot paths, which report errors themselves.
const char* read_cid(std::span<const std::uint8_t> bytes, CidRead& out);
}  // namespace detail

}  // namespace roost::ingest

template <>
struct std::hash<roost::ingest::Cid> {
  std::size_t operator()(const roost::ingest::Cid& cid) const noexcept;
};
