#include "ingest/dag_cbor.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "core/limits.hpp"
#include "core/utf8.hpp"

namespace roost::ingest::dag_cbor {

namespace {

enum class Major : std::uint8_t {
  unsigned_integer = 0,
  negative_integer = 1,
  bytes = 2,
  text = 3,
  array = 4,
  map = 5,
  tag = 6,
  simple = 7,
};

constexpr std::uint8_t info_one_byte = 24;
constexpr std::uint8_t info_eight_bytes = 27;
constexpr std::uint8_t info_indefinite = 31;
constexpr std::uint8_t simple_false = 20;
constexpr std::uint8_t simple_true = 21;
constexpr std::uint8_t simple_null = 22;
constexpr std::uint64_t tag_cid = 42;
constexpr std::uint8_t cid_multibase_identity = 0x00;
constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Whether `size` bytes at `data` are UTF-8: ASCII eight bytes at a step here, inline (most
// strings of a frame are short ASCII keys and values), the tail as one overlapping word or
// two overlapping halves; from the first word with a high bit set, core::utf8_valid (text
// after ASCII is valid exactly when it is valid alone).
bool utf8_text(const std::uint8_t* data, std::size_t size) {
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
bool key_before(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return left.size() < right.size();
  for (std::size_t index = 0; index < left.size(); ++index) {
    const auto left_byte = static_cast<unsigned char>(left[index]);
    const auto right_byte = static_cast<unsigned char>(right[index]);
    if (left_byte != right_byte) return left_byte < right_byte;
  }
  return false;
}

struct Head {
  Major major;
  std::uint8_t info;
  std::uint64_t argument;
};

// The recursive descent over one item. Failures record a static reason and the offset; the
// public functions turn them into a core::Error (no allocation until then).
class Parser {
 public:
  Parser(std::span<const std::uint8_t> input, std::vector<Node>& nodes)
      : begin_(input.data()), at_(input.data()), end_(input.data() + input.size()), nodes_(nodes) {}

  bool item(std::size_t depth) {
    Head head;
    if (!read_head(head)) return false;
    std::uint32_t index = 0;
    if (!new_node(index)) return false;
    if (!body(head, index, depth)) return false;
    nodes_[index].end = static_cast<std::uint32_t>(nodes_.size());
    return true;
  }

  std::size_t consumed() const { return static_cast<std::size_t>(at_ - begin_); }
  const char* reason() const { return reason_; }
  std::size_t failed_at() const { return failed_at_; }

 private:
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - at_); }

  bool new_node(std::uint32_t& index) {
    if (nodes_.size() >= core::limits::dag_cbor_values_max) return fail("more values than allowed");
    index = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
    return true;
  }

  bool fail(const char* reason) {
    reason_ = reason;
    failed_at_ = consumed();
    return false;
  }

  bool read_head(Head& head) {
    if (at_ == end_) return fail("truncated input");
    const std::uint8_t initial = *at_++;
    head.major = static_cast<Major>(initial >> 5);
    head.info = initial & 0x1f;
    if (head.info < info_one_byte) {
      head.argument = head.info;
      return true;
    }
    if (head.info == info_indefinite) return fail("indefinite length (not DAG-CBOR)");
    if (head.info > info_eight_bytes) return fail("reserved additional information");
    const std::size_t width = std::size_t{1} << (head.info - info_one_byte);
    if (remaining() < width) return fail("truncated input");
    std::uint64_t argument = 0;
    for (std::size_t byte = 0; byte < width; ++byte) argument = (argument << 8) | at_[byte];
    at_ += width;
    head.argument = argument;
    if (head.major == Major::simple) return true;  // a float's bits, not a length
    // DAG-CBOR's one form per value: the shortest encoding of every argument.
    const std::uint64_t smallest_of_width[] = {info_one_byte, 0x100, 0x1'0000, 0x1'0000'0000};
    if (argument < smallest_of_width[head.info - info_one_byte]) {
      return fail("non-minimal integer or length encoding");
    }
    return true;
  }

  bool body(const Head& head, std::uint32_t index, std::size_t depth) {
    switch (head.major) {
      case Major::unsigned_integer:
        if (head.argument > int64_max) return fail("integer out of the int64 range");
        nodes_[index].type = Type::integer;
        nodes_[index].integer = static_cast<std::int64_t>(head.argument);
        return true;
      case Major::negative_integer:
        if (head.argument > int64_max) return fail("integer out of the int64 range");
        nodes_[index].type = Type::integer;
        nodes_[index].integer = -1 - static_cast<std::int64_t>(head.argument);
        return true;
      case Major::bytes: return string(head, index, Type::bytes);
      case Major::text: return string(head, index, Type::text);
      case Major::array: return array(head, index, depth);
      case Major::map: return map(head, index, depth);
      case Major::tag: return link(head, index, depth);
      case Major::simple: return simple(head, index);
    }
    return fail("unknown major type");
  }

  bool string(const Head& head, std::uint32_t index, Type type) {
    if (head.argument > remaining()) return fail("string longer than the input");
    const std::uint8_t* data = at_;
    at_ += head.argument;
    if (type == Type::text && !utf8_text(data, head.argument)) {
      return fail("text is not UTF-8");
    }
    Node& node = nodes_[index];
    node.type = type;
    node.size = static_cast<std::uint32_t>(head.argument);
    node.data = data;
    return true;
  }

  bool array(const Head& head, std::uint32_t index, std::size_t depth) {
    if (depth >= core::limits::dag_cbor_depth_max) return fail("nested too deep");
    // Every item takes at least one byte: a larger count is a lie, refused before the loop.
    if (head.argument > remaining()) return fail("array longer than the input");
    nodes_[index].type = Type::array;
    nodes_[index].size = static_cast<std::uint32_t>(head.argument);
    for (std::uint64_t item_index = 0; item_index < head.argument; ++item_index) {
      if (!item(depth + 1)) return false;
    }
    return true;
  }

  bool map(const Head& head, std::uint32_t index, std::size_t depth) {
    if (depth >= core::limits::dag_cbor_depth_max) return fail("nested too deep");
    if (head.argument > remaining() / 2) return fail("map longer than the input");
    nodes_[index].type = Type::map;
    nodes_[index].size = static_cast<std::uint32_t>(head.argument);
    std::string_view previous_key;
    for (std::uint64_t pair = 0; pair < head.argument; ++pair) {
      const std::size_t key_at = consumed();
      Head key_head;
      if (!read_head(key_head)) return false;
      if (key_head.major != Major::text) {
        at_ = begin_ + key_at;
        return fail("map key is not text");
      }
      std::uint32_t key_index = 0;
      if (!new_node(key_index)) return false;
      if (!string(key_head, key_index, Type::text)) return false;
      nodes_[key_index].end = key_index + 1;
      const std::string_view key(reinterpret_cast<const char*>(nodes_[key_index].data),
                                 nodes_[key_index].size);
      if (pair > 0 && !key_before(previous_key, key)) {
        at_ = begin_ + key_at;
        return fail("map keys not in DAG-CBOR order, or repeated");
      }
      previous_key = key;
      if (!item(depth + 1)) return false;
    }
    return true;
  }

  bool link(const Head& head, std::uint32_t index, std::size_t depth) {
    if (head.argument != tag_cid) return fail("tag other than 42 (CID)");
    if (depth >= core::limits::dag_cbor_depth_max) return fail("nested too deep");
    Head content;
    if (!read_head(content)) return false;
    if (content.major != Major::bytes) return fail("tag 42 does not hold a byte string");
    if (content.argument > remaining()) return fail("string longer than the input");
    const std::span<const std::uint8_t> bytes(at_, content.argument);
    if (bytes.empty() || bytes[0] != cid_multibase_identity) {
      return fail("CID link without its 0x00 multibase prefix");
    }
    CidRead read;
    if (detail::read_cid(bytes.subspan(1), read) != nullptr || read.size != bytes.size() - 1) {
      return fail("tag 42 holds an invalid CID");
    }
    at_ += content.argument;
    Node& node = nodes_[index];
    node.type = Type::link;
    node.size = static_cast<std::uint32_t>(bytes.size() - 1);
    node.data = bytes.data() + 1;
    return true;
  }

  bool simple(const Head& head, std::uint32_t index) {
    Node& node = nodes_[index];
    switch (head.info) {
      case simple_false:
      case simple_true:
        node.type = Type::boolean;
        node.boolean = head.info == simple_true;
        return true;
      case simple_null: node.type = Type::null; return true;
      case info_eight_bytes: {
        const double value = std::bit_cast<double>(head.argument);
        if (!std::isfinite(value)) return fail("NaN or infinity (not DAG-CBOR)");
        node.type = Type::float64;
        node.float64 = value;
        return true;
      }
      default: return fail("simple value or float width not allowed in DAG-CBOR");
    }
  }

  const std::uint8_t* begin_;
  const std::uint8_t* at_;
  const std::uint8_t* end_;
  std::vector<Node>& nodes_;
  const char* reason_ = nullptr;
  std::size_t failed_at_ = 0;
};

core::Error decode_error(const char* reason, std::size_t offset) {
  return core::make_error(core::ErrorCode::invalid_request,
                          fmt::format("DAG-CBOR: {} at byte {}", reason, offset));
}

}  // namespace

core::Result<Prefix> Document::parse_prefix(std::span<const std::uint8_t> bytes) {
  nodes_.clear();
  if (bytes.size() > core::limits::firehose_frame_bytes_max) {
    return decode_error("input larger than the frame limit", 0);
  }
  Parser parser(bytes, nodes_);
  if (!parser.item(0)) return decode_error(parser.reason(), parser.failed_at());
  return Prefix{Value(nodes_.data(), 0), parser.consumed()};
}

core::Result<Value> Document::parse(std::span<const std::uint8_t> bytes) {
  auto prefix = parse_prefix(bytes);
  if (!prefix.ok()) return std::move(prefix).error();
  if (prefix->size != bytes.size()) return decode_error("trailing bytes", prefix->size);
  return prefix->value;
}

std::optional<Type> Value::type() const {
  if (!present()) return std::nullopt;
  return node().type;
}

std::optional<std::int64_t> Value::integer() const {
  if (!is(Type::integer)) return std::nullopt;
  return node().integer;
}

std::optional<bool> Value::boolean() const {
  if (!is(Type::boolean)) return std::nullopt;
  return node().boolean;
}

std::optional<double> Value::float64() const {
  if (!is(Type::float64)) return std::nullopt;
  return node().float64;
}

std::optional<std::string_view> Value::text() const {
  if (!is(Type::text)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(node().data), node().size);
}

std::optional<std::span<const std::uint8_t>> Value::bytes() const {
  if (!is(Type::bytes)) return std::nullopt;
  return std::span<const std::uint8_t>(node().data, node().size);
}

std::optional<Cid> Value::link() const {
  if (!is(Type::link)) return std::nullopt;
  CidRead read;
  // Checked when decoded: cannot fail here.
  detail::read_cid({node().data, node().size}, read);
  return read.cid;
}

std::size_t Value::size() const {
  if (!is(Type::array) && !is(Type::map)) return 0;
  return node().size;
}

Value Value::operator[](std::string_view key) const {
  for (const Member& member : members()) {
    // Most keys differ in length or first byte: no memcmp call for those.
    if (member.key.size() == key.size() &&
        (key.empty() || (member.key[0] == key[0] &&
                         std::memcmp(member.key.data(), key.data(), key.size()) == 0))) {
      return member.value;
    }
  }
  return {};
}

Range<Value> Value::items() const {
  if (!is(Type::array)) return {nullptr, 0, 0};
  return {nodes_, index_ + 1, node().end};
}

Range<Member> Value::members() const {
  if (!is(Type::map)) return {nullptr, 0, 0};
  return {nodes_, index_ + 1, node().end};
}

}  // namespace roost::ingest::dag_cbor
