#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "ingest/cid.hpp"

// A strict DAG-CBOR decoder (ADR 0017). It decodes one item into a flat tape of nodes (one
// per value, in document order, each knowing where its subtree ends) and hands out Value
// views of it: no allocation per value, strings and bytes are views of the input.
//
// Refused, as the DAG-CBOR spec says: indefinite lengths, non-minimal integer and length
// encodings, map keys that are not text or not in length-first then byte order (duplicates
// included), tags other than 42, a tag 42 that is not a byte string of 0x00 + a CID, floats
// other than 64-bit and NaN/infinities, simple values other than false/true/null, text that
// is not UTF-8. Also refused: integers outside int64 (atproto's range), nesting deeper than
// core::limits::dag_cbor_depth_max, more values than core::limits::dag_cbor_values_max,
// truncated input, and lengths past the end of the input.
namespace roost::ingest::dag_cbor {

enum class Type : std::uint8_t { integer, bytes, text, array, map, boolean, null, float64, link };

// One decoded value on the tape. Part of the header so that Value's accessors inline.
struct Node {
  Type type = Type::null;
  std::uint32_t size = 0;  // bytes of bytes/text/link, items of an array, pairs of a map
  std::uint32_t end = 0;   // tape index just past this value's subtree
  union {
    std::int64_t integer = 0;
    double float64;
    bool boolean;
    const std::uint8_t* data;  // bytes, text, and a link's binary CID (after the 0x00)
  };
};

class Value;

struct Member;

// Iterates the items of an array or the members of a map.
template <class Item>
class Range {
 public:
  class iterator {
   public:
    iterator(const Node* nodes, std::uint32_t index) : nodes_(nodes), index_(index) {}
    Item operator*() const;
    iterator& operator++();
    bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    const Node* nodes_;
    std::uint32_t index_;
  };
  Range(const Node* nodes, std::uint32_t begin, std::uint32_t end)
      : nodes_(nodes), begin_(begin), end_(end) {}
  iterator begin() const { return {nodes_, begin_}; }
  iterator end() const { return {nodes_, end_}; }

 private:
  const Node* nodes_;
  std::uint32_t begin_;
  std::uint32_t end_;
};

// A view of one decoded value, valid until its Document parses again. A default Value is
// "absent": what a missing map key gives, so that lookups chain
// (`record["reply"]["root"]["uri"].text()`) and any accessor of the wrong type is nullopt.
class Value {
 public:
  Value() = default;
  Value(const Node* nodes, std::uint32_t index) : nodes_(nodes), index_(index) {}

  bool present() const { return nodes_ != nullptr; }
  bool is(Type type) const { return present() && node().type == type; }
  std::optional<Type> type() const;

  std::optional<std::int64_t> integer() const;
  std::optional<bool> boolean() const;
  std::optional<double> float64() const;
  std::optional<std::string_view> text() const;
  std::optional<std::span<const std::uint8_t>> bytes() const;
  std::optional<Cid> link() const;
  // Items of an array, pairs of a map; 0 for anything else.
  std::size_t size() const;

  // The member `key` of a map; absent when this is not a map or has no such key.
  Value operator[](std::string_view key) const;
  // Empty ranges when this is not an array / a map.
  Range<Value> items() const;
  Range<Member> members() const;

 private:
  const Node& node() const { return nodes_[index_]; }
  const Node* nodes_ = nullptr;
  std::uint32_t index_ = 0;
};

struct Member {
  std::string_view key;
  Value value;
};

// What parse_prefix decoded, and the bytes it took.
struct Prefix {
  Value value;
  std::size_t size = 0;
};

// Decodes DAG-CBOR. Reusable: a parse keeps the tape's capacity (at most dag_cbor_values_max
// nodes), so that a long-lived Document allocates nothing once warm. Values of an earlier parse are
// invalid after the next. The input must outlive the values (strings and bytes point into it).
class Document {
 public:
  // Exactly one item, filling `bytes` (trailing bytes are an error).
  core::Result<Value> parse(std::span<const std::uint8_t> bytes);
  // One item at the start of `bytes` (a firehose frame is two items back to back).
  core::Result<Prefix> parse_prefix(std::span<const std::uint8_t> bytes);

 private:
  std::vector<Node> nodes_;
};

template <>
inline Value Range<Value>::iterator::operator*() const {
  return Value(nodes_, index_);
}
template <>
inline Range<Value>::iterator& Range<Value>::iterator::operator++() {
  index_ = nodes_[index_].end;
  return *this;
}
template <>
inline Member Range<Member>::iterator::operator*() const {
  const Node& key = nodes_[index_];
  return Member{{reinterpret_cast<const char*>(key.data), key.size}, Value(nodes_, index_ + 1)};
}
template <>
inline Range<Member>::iterator& Range<Member>::iterator::operator++() {
  index_ = nodes_[index_ + 1].end;
  return *this;
}

}  // namespace roost::ingest::dag_cbor
