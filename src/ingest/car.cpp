#include "ingest/car.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "ingest/varint.hpp"

namespace roost::ingest {

namespace {

constexpr std::int64_t car_version_1 = 1;

core::Error car_error(std::string_view why, std::size_t offset) {
  return core::make_error(core::ErrorCode::invalid_request,
                          fmt::format("CAR: {} at byte {}", why, offset));
}

bool cid_less(const CarBlock& left, const CarBlock& right) { return left.cid < right.cid; }

// Up to this many blocks find() scans them in file order: a one-post commit holds about
// five, where a scan comparing eight digest bytes first beats sorting 56-byte entries.
constexpr std::size_t scanned_blocks_max = 16;

bool same_cid(const Cid& left, const Cid& right) {
  std::uint64_t left_head = 0;
  std::uint64_t right_head = 0;
  std::memcpy(&left_head, left.digest.data(), sizeof left_head);
  std::memcpy(&right_head, right.digest.data(), sizeof right_head);
  return left_head == right_head && left == right;
}

bool hashes_to_its_cid(const Cid& cid, std::span<const std::uint8_t> data) {
  // A fuzzer cannot forge a sha2-256: its builds skip the check so that mutated records
  // reach the decoders behind it (fuzz/CMakeLists.txt). Every other build checks.
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  (void)cid;
  (void)data;
  return true;
#else
  return compute_cid(cid.codec, data) == cid;
#endif
}

// A firehose commit's CAR header is {roots: [one CID], version: 1}, always these bytes but
// the CID's. Read here without a DAG-CBOR parse; any other header takes the general path,
// which accepts the same bytes with the same result.
bool one_root_header(std::span<const std::uint8_t> header, std::vector<Cid>& roots) {
  // a2 (map of 2), "roots", 81 (array of 1), tag 42, bytes(37), 0x00 (identity multibase)
  static constexpr std::uint8_t before_cid[] = {0xa2, 0x65, 'r',  'o',  'o',  't', 's',
                                                0x81, 0xd8, 0x2a, 0x58, 0x25, 0x00};
  // "version", 1
  static constexpr std::uint8_t after_cid[] = {0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x01};
  if (header.size() != sizeof before_cid + cid_binary_bytes + sizeof after_cid ||
      std::memcmp(header.data(), before_cid, sizeof before_cid) != 0 ||
      std::memcmp(header.data() + sizeof before_cid + cid_binary_bytes, after_cid,
                  sizeof after_cid) != 0) {
    return false;
  }
  CidRead read;
  if (detail::read_cid(header.subspan(sizeof before_cid, cid_binary_bytes), read) != nullptr ||
      read.size != cid_binary_bytes) {
    return false;
  }
  roots.push_back(read.cid);
  return true;
}

}  // namespace

core::Result<std::size_t> Car::parse_header(std::span<const std::uint8_t> bytes) {
  auto length = read_varint(bytes);
  if (!length) return car_error("truncated or malformed header length", 0);
  if (length->value == 0 || length->value > bytes.size() - length->size) {
    return car_error("header length past the end", 0);
  }
  const auto header_bytes = bytes.subspan(length->size, length->value);
  if (one_root_header(header_bytes, roots_)) return length->size + length->value;
  auto header = header_.parse(header_bytes);
  if (!header.ok()) return car_error(header.error().message, length->size);
  if ((*header)["version"].integer() != car_version_1) {
    return car_error("header version is not 1", length->size);
  }
  const dag_cbor::Value roots = (*header)["roots"];
  if (!roots.is(dag_cbor::Type::array)) return car_error("header has no roots", length->size);
  for (dag_cbor::Value root : roots.items()) {
    auto cid = root.link();
    if (!cid) return car_error("a root is not a CID", length->size);
    roots_.push_back(*cid);
  }
  return length->size + length->value;
}

core::Result<void> Car::parse(std::span<const std::uint8_t> bytes, BlockCheck check) {
  check_ = check;
  sorted_ = false;
  roots_.clear();
  blocks_.clear();
  auto header_size = parse_header(bytes);
  if (!header_size.ok()) return std::move(header_size).error();
  std::size_t at = *header_size;
  while (at < bytes.size()) {
    const auto rest = bytes.subspan(at);
    auto length = read_varint(rest);
    if (!length) return car_error("truncated or malformed section length", at);
    if (length->value == 0 || length->value > rest.size() - length->size) {
      return car_error("section length past the end", at);
    }
    const auto section = rest.subspan(length->size, length->value);
    CidRead read;
    if (const char* why = detail::read_cid(section, read)) {
      return car_error(fmt::format("section CID: {}", why), at + length->size);
    }
    const auto data = section.subspan(read.size);
    if (check == BlockCheck::every_block && !hashes_to_its_cid(read.cid, data)) {
      return car_error("block does not hash to its CID", at + length->size);
    }
    blocks_.push_back({read.cid, data});
    at += length->size + length->value;
  }
  sorted_ = blocks_.size() > scanned_blocks_max;
  if (sorted_) std::sort(blocks_.begin(), blocks_.end(), cid_less);
  return core::success();
}

core::Result<std::optional<std::span<const std::uint8_t>>> Car::find(const Cid& cid) const {
  using Found = std::optional<std::span<const std::uint8_t>>;
  auto found = blocks_.end();
  if (sorted_) {
    found = std::lower_bound(blocks_.begin(), blocks_.end(), CarBlock{cid, {}}, cid_less);
    if (found != blocks_.end() && found->cid != cid) found = blocks_.end();
  } else {
    found = std::find_if(blocks_.begin(), blocks_.end(),
                         [&](const CarBlock& block) { return same_cid(block.cid, cid); });
  }
  if (found == blocks_.end()) return Found();
  if (check_ == BlockCheck::blocks_read && !hashes_to_its_cid(cid, found->data)) {
    return core::make_error(core::ErrorCode::invalid_request,
                            fmt::format("CAR: block {} does not hash to its CID", to_string(cid)));
  }
  return Found(found->data);
}

}  // namespace roost::ingest
