#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "core/utf8.hpp"
#include "ingest/cid.hpp"

// A strict DAG-CBOR decoder (ADR 0017, 0033). Document decodes one item into a flat tape of
// nodes (one per value, in document order, each knowing where its subtree ends) and hands
// out Value views of it: no allocation per value, strings and bytes are views of the input.
// Reader, which Document is built on, reads the same item in one pass without a tape.
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

// A pull reader of one DAG-CBOR item: every check above, applied as the bytes are read, with
// no tape (ADR 0033). A caller reads the values it wants one head at a time and skips the
// rest — skipped values are still read and checked whole. Document builds its tape with
// it; the firehose decoder reads a commit body and a post record with it in one pass.
//
// A failed read records a static reason and the byte offset (error() builds the Error);
// after a failure the reader must not be used further.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> input)
      : begin_(input.data()), at_(input.data()), end_(input.data() + input.size()) {}

  // Reads the head of one value nested `depth` deep (the item itself is depth 0): a scalar
  // whole (a text checked as UTF-8, a link's CID read), an array or a map its count only
  // (node.size), after the depth check. Its items or pairs follow: read them at depth + 1
  // (map pairs as key() then value()), or skip_contents(). node.end is not set.
  bool value(Node& node, std::size_t depth);
  // Reads a map's next key: text, after the previous key in DAG-CBOR order. `key` holds the
  // map's previous key on entry (a default string_view before the first) and the new one
  // on return.
  bool key(std::string_view& key);
  // Reads (checks) one whole value and drops it.
  bool skip(std::size_t depth);
  // Reads (checks) the items or pairs of the array or map whose head value() just read;
  // nothing for a scalar.
  bool skip_contents(const Node& node, std::size_t depth);

  bool at_end() const { return at_ == end_; }
  std::size_t consumed() const { return static_cast<std::size_t>(at_ - begin_); }
  // Records a failure at the current offset; false.
  bool fail(const char* reason);
  // "DAG-CBOR: <reason> at byte <offset>", ErrorCode::invalid_request.
  core::Error error() const;

 private:
  struct Head {
    std::uint8_t major = 0;
    std::uint8_t info = 0;
    std::uint64_t argument = 0;
  };
  bool read_head(Head& head);
  bool skip_container(const Node& node, std::size_t depth);
  bool count_value();
  bool string(const Head& head, Node& node, Type type);
  bool link(const Head& head, Node& node, std::size_t depth);
  bool simple(const Head& head, Node& node);

  const std::uint8_t* begin_;
  const std::uint8_t* at_;
  const std::uint8_t* end_;
  std::size_t values_ = 0;  // heads read, keys included: at most dag_cbor_values_max
  const char* reason_ = nullptr;
  std::size_t failed_at_ = 0;
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

// The reader's hot path, inline: a frame has about sixty values, each a few instructions.
namespace wire {

enum Major : std::uint8_t {
  unsigned_integer = 0,
  negative_integer = 1,
  bytes = 2,
  text = 3,
  array = 4,
  map = 5,
  tag = 6,
  simple = 7,
};

inline constexpr std::uint8_t info_one_byte = 24;
inline constexpr std::uint8_t info_eight_bytes = 27;
inline constexpr std::uint8_t info_indefinite = 31;
inline constexpr std::uint8_t simple_false = 20;
inline constexpr std::uint8_t simple_true = 21;
inline constexpr std::uint8_t simple_null = 22;
inline constexpr std::uint64_t tag_cid = 42;
inline constexpr std::uint8_t cid_multibase_identity = 0x00;
inline constexpr auto int64_max =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Whether `size` bytes at `data` are UTF-8: ASCII eight bytes at a step here, inline (most
// strings of a frame are short ASCII keys and values), the tail as one overlapping word or
// two overlapping halves; from the first word with a high bit set, core::utf8_valid (text
// after ASCII is valid exactly when it is valid alone).
inline bool utf8_text(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  constexpr std::size_t word_bytes = sizeof(std::uint64_t);
  std::size_t at = 0;
  if (size >= word_bytes) {
    std::uint64_t word = 0;
    for (; at + word_bytes <= size; at += word_bytes) {
      std::memcpy(&word, data + at, word_bytes);
      if ((word & high_bits) != 0) break;
    }
    if (at + word_bytes > size) {
      std::memcpy(&word, data + size - word_bytes, word_bytes);
      if ((word & high_bits) == 0) return true;
    }
  } else if (size >= sizeof(std::uint32_t)) {
    std::uint32_t head = 0;
    std::uint32_t tail = 0;
    std::memcpy(&head, data, sizeof head);
    std::memcpy(&tail, data + size - sizeof tail, sizeof tail);
    if (((head | tail) & 0x80808080U) == 0) return true;
  } else {
    std::uint8_t high = 0;
    for (std::size_t index = 0; index < size; ++index) high |= data[index];
    if ((high & 0x80) == 0) return true;
  }
  return core::utf8_valid({reinterpret_cast<const char*>(data) + at, size - at});
}

// DAG-CBOR's key order: shorter first, then bytewise. Keys are a few bytes: compared here
// rather than through a memcmp call.
inline bool key_before(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return left.size() < right.size();
  for (std::size_t index = 0; index < left.size(); ++index) {
    const auto left_byte = static_cast<unsigned char>(left[index]);
    const auto right_byte = static_cast<unsigned char>(right[index]);
    if (left_byte != right_byte) return left_byte < right_byte;
  }
  return false;
}

}  // namespace wire

inline bool Reader::read_head(Head& head) {
  if (at_ == end_) return fail("truncated input");
  const std::uint8_t initial = *at_++;
  head.major = initial >> 5;
  head.info = initial & 0x1f;
  if (head.info < wire::info_one_byte) {
    head.argument = head.info;
    return true;
  }
  if (head.info == wire::info_indefinite) return fail("indefinite length (not DAG-CBOR)");
  if (head.info > wire::info_eight_bytes) return fail("reserved additional information");
  const std::size_t width = std::size_t{1} << (head.info - wire::info_one_byte);
  if (static_cast<std::size_t>(end_ - at_) < width) return fail("truncated input");
  std::uint64_t argument = 0;
  for (std::size_t byte = 0; byte < width; ++byte) argument = (argument << 8) | at_[byte];
  at_ += width;
  head.argument = argument;
  if (head.major == wire::simple) return true;  // a float's bits, not a length
  // DAG-CBOR's one form per value: the shortest encoding of every argument.
  constexpr std::uint64_t smallest_of_width[] = {wire::info_one_byte, 0x100, 0x1'0000,
                                                 0x1'0000'0000};
  if (argument < smallest_of_width[head.info - wire::info_one_byte]) {
    return fail("non-minimal integer or length encoding");
  }
  return true;
}

inline bool Reader::count_value() {
  if (values_ >= core::limits::dag_cbor_values_max) return fail("more values than allowed");
  ++values_;
  return true;
}

inline bool Reader::string(const Head& head, Node& node, Type type) {
  if (head.argument > static_cast<std::size_t>(end_ - at_)) {
    return fail("string longer than the input");
  }
  const std::uint8_t* data = at_;
  at_ += head.argument;
  if (type == Type::text && !wire::utf8_text(data, head.argument)) {
    return fail("text is not UTF-8");
  }
  node.type = type;
  node.size = static_cast<std::uint32_t>(head.argument);
  node.data = data;
  return true;
}

inline bool Reader::value(Node& node, std::size_t depth) {
  Head head;
  if (!read_head(head) || !count_value()) return false;
  const auto remaining = static_cast<std::size_t>(end_ - at_);
  switch (head.major) {
    case wire::unsigned_integer:
      if (head.argument > wire::int64_max) return fail("integer out of the int64 range");
      node.type = Type::integer;
      node.integer = static_cast<std::int64_t>(head.argument);
      return true;
    case wire::negative_integer:
      if (head.argument > wire::int64_max) return fail("integer out of the int64 range");
      node.type = Type::integer;
      node.integer = -1 - static_cast<std::int64_t>(head.argument);
      return true;
    case wire::bytes: return string(head, node, Type::bytes);
    case wire::text: return string(head, node, Type::text);
    case wire::array:
      if (depth >= core::limits::dag_cbor_depth_max) return fail("nested too deep");
      // Every item takes at least one byte: a larger count is a lie, refused before a loop.
      if (head.argument > remaining) return fail("array longer than the input");
      node.type = Type::array;
      node.size = static_cast<std::uint32_t>(head.argument);
      return true;
    case wire::map:
      if (depth >= core::limits::dag_cbor_depth_max) return fail("nested too deep");
      if (head.argument > remaining / 2) return fail("map longer than the input");
      node.type = Type::map;
      node.size = static_cast<std::uint32_t>(head.argument);
      return true;
    case wire::tag: return link(head, node, depth);
    default: return simple(head, node);
  }
}

inline bool Reader::skip_contents(const Node& node, std::size_t depth) {
  // Most values a decoder reads and drops are scalars: nothing more to read, no call.
  if (node.type != Type::array && node.type != Type::map) return true;
  return skip_container(node, depth);
}

inline bool Reader::key(std::string_view& key) {
  const std::size_t key_at = consumed();
  Head head;
  if (!read_head(head)) return false;
  if (head.major != wire::text) {
    at_ = begin_ + key_at;
    return fail("map key is not text");
  }
  Node node;
  if (!count_value() || !string(head, node, Type::text)) return false;
  const std::string_view current(reinterpret_cast<const char*>(node.data), node.size);
  // A default `key` is before the map's first: any key may come.
  if (key.data() != nullptr && !wire::key_before(key, current)) {
    at_ = begin_ + key_at;
    return fail("map keys not in DAG-CBOR order, or repeated");
  }
  key = current;
  return true;
}

// Value's accessors, inline: the decoders read a field or two per value.
inline std::optional<Type> Value::type() const {
  if (!present()) return std::nullopt;
  return node().type;
}

inline std::optional<std::int64_t> Value::integer() const {
  if (!is(Type::integer)) return std::nullopt;
  return node().integer;
}

inline std::optional<bool> Value::boolean() const {
  if (!is(Type::boolean)) return std::nullopt;
  return node().boolean;
}

inline std::optional<double> Value::float64() const {
  if (!is(Type::float64)) return std::nullopt;
  return node().float64;
}

inline std::optional<std::string_view> Value::text() const {
  if (!is(Type::text)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(node().data), node().size);
}

inline std::optional<std::span<const std::uint8_t>> Value::bytes() const {
  if (!is(Type::bytes)) return std::nullopt;
  return std::span<const std::uint8_t>(node().data, node().size);
}

inline std::size_t Value::size() const {
  if (!is(Type::array) && !is(Type::map)) return 0;
  return node().size;
}

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
