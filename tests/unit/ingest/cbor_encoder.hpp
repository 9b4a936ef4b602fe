#pragma once

// A small DAG-CBOR / CAR encoder for building test frames. Values are their encoded bytes;
// map() sorts its keys the DAG-CBOR way, so that a test writes keys in any order. Raw
// helpers (head, raw) let a test build the malformed inputs the decoder must refuse.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/cid.hpp"

namespace roost::ingest::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes head(std::uint8_t major, std::uint64_t argument) {
  Bytes out;
  const auto initial = static_cast<std::uint8_t>(major << 5);
  if (argument < 24) {
    out.push_back(initial | static_cast<std::uint8_t>(argument));
    return out;
  }
  int width = argument <= 0xff ? 1 : argument <= 0xffff ? 2 : argument <= 0xffffffff ? 4 : 8;
  const std::uint8_t info = width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27;
  out.push_back(initial | info);
  for (int byte = width - 1; byte >= 0; --byte) {
    out.push_back(static_cast<std::uint8_t>(argument >> (8 * byte)));
  }
  return out;
}

inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline Bytes integer(std::int64_t value) {
  if (value >= 0) return head(0, static_cast<std::uint64_t>(value));
  return head(1, static_cast<std::uint64_t>(-1 - value));
}

inline Bytes text(std::string_view value) {
  Bytes out = head(3, value.size());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

inline Bytes bytes(const Bytes& value) {
  Bytes out = head(2, value.size());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

inline Bytes boolean(bool value) { return {static_cast<std::uint8_t>(value ? 0xf5 : 0xf4)}; }
inline Bytes null() { return {0xf6}; }

inline Bytes link(const Cid& cid) {
  const auto binary = to_binary(cid);
  Bytes content{0x00};
  content.insert(content.end(), binary.begin(), binary.end());
  return concat({{0xd8, 42}, bytes(content)});
}

inline Bytes array(std::initializer_list<Bytes> items) {
  Bytes out = head(4, items.size());
  for (const Bytes& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

inline Bytes array_of(const std::vector<Bytes>& items) {
  Bytes out = head(4, items.size());
  for (const Bytes& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

using Entries = std::vector<std::pair<std::string, Bytes>>;

inline Bytes map(Entries entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& left, const auto& right) {
    if (left.first.size() != right.first.size()) return left.first.size() < right.first.size();
    return left.first < right.first;
  });
  Bytes out = head(5, entries.size());
  for (const auto& [key, value] : entries) {
    const Bytes encoded_key = text(key);
    out.insert(out.end(), encoded_key.begin(), encoded_key.end());
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

inline Bytes varint(std::uint64_t value) {
  Bytes out;
  do {
    std::uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
  return out;
}

struct Block {
  Cid cid;
  Bytes data;
};

inline Block block(const Bytes& data, CidCodec codec = CidCodec::dag_cbor) {
  return {compute_cid(codec, data), data};
}

// CAR v1: header {roots, version: 1}, then one section per block.
inline Bytes car(const std::vector<Cid>& roots, const std::vector<Block>& blocks) {
  std::vector<Bytes> root_links;
  for (const Cid& root : roots) root_links.push_back(link(root));
  const Bytes header = map({{"version", integer(1)}, {"roots", array_of(root_links)}});
  Bytes out = concat({varint(header.size()), header});
  for (const Block& each : blocks) {
    const auto binary = to_binary(each.cid);
    const Bytes section = concat({Bytes(binary.begin(), binary.end()), each.data});
    out = concat({out, varint(section.size()), section});
  }
  return out;
}

}  // namespace roost::ingest::test
