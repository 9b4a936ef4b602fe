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

using wire::cid_multibase_identity;
using wire::info_eight_bytes;
using wire::Major;
using wire::simple_false;
using wire::simple_null;
using wire::simple_true;
using wire::tag_cid;

core::Error decode_error(const char* reason, std::size_t offset) {
  return core::make_error(core::ErrorCode::invalid_request,
                          fmt::format("DAG-CBOR: {} at byte {}", reason, offset));
}

// What a walk over one value builds: the Document's tape, or nothing (Reader::skip).
class Tape {
 public:
  explicit Tape(std::vector<Node>& nodes) : nodes_(nodes) {}
  std::uint32_t open(const Node& node) {
    nodes_.push_back(node);
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }
  void close(std::uint32_t index) { nodes_[index].end = static_cast<std::uint32_t>(nodes_.size()); }
  void key(std::string_view key) {
    Node node;
    node.type = Type::text;
    node.size = static_cast<std::uint32_t>(key.size());
    node.end = static_cast<std::uint32_t>(nodes_.size() + 1);
    node.data = reinterpret_cast<const std::uint8_t*>(key.data());
    nodes_.push_back(node);
  }

 private:
  std::vector<Node>& nodes_;
};

struct NoTape {
  std::uint32_t open(const Node&) { return 0; }
  void close(std::uint32_t) {}
  void key(std::string_view) {}
};

template <class Sink>
bool walk(Reader& reader, Sink& sink, std::size_t depth);

// The items or pairs of the container whose head is `node` (nothing for a scalar).
template <class Sink>
bool walk_contents(Reader& reader, Sink& sink, const Node& node, std::size_t depth) {
  if (node.type == Type::array) {
    for (std::uint32_t item = 0; item < node.size; ++item) {
      if (!walk(reader, sink, depth + 1)) return false;
    }
  } else if (node.type == Type::map) {
    std::string_view key;
    for (std::uint32_t pair = 0; pair < node.size; ++pair) {
      if (!reader.key(key)) return false;
      sink.key(key);
      if (!walk(reader, sink, depth + 1)) return false;
    }
  }
  return true;
}

// The one recursive descent over a value, its subtree handed to `sink` in document order.
template <class Sink>
bool walk(Reader& reader, Sink& sink, std::size_t depth) {
  Node node;
  if (!reader.value(node, depth)) return false;
  const std::uint32_t index = sink.open(node);
  if (!walk_contents(reader, sink, node, depth)) return false;
  sink.close(index);
  return true;
}

}  // namespace

bool Reader::fail(const char* reason) {
  reason_ = reason;
  failed_at_ = consumed();
  return false;
}

core::Error Reader::error() const { return decode_error(reason_, failed_at_); }

bool Reader::skip(std::size_t depth) {
  NoTape none;
  return walk(*this, none, depth);
}

bool Reader::skip_container(const Node& node, std::size_t depth) {
  NoTape none;
  return walk_contents(*this, none, node, depth);
}

bool Reader::link(const Head& head, Node& node, std::size_t depth) {
  if (head.argument != tag_cid) return fail("tag other than 42 (CID)");
  if (depth >= core::limits::dag_cbor_depth_max) return fail("nested too deep");
  Head content;
  if (!read_head(content)) return false;
  if (content.major != Major::bytes) return fail("tag 42 does not hold a byte string");
  if (content.argument > static_cast<std::size_t>(end_ - at_)) {
    return fail("string longer than the input");
  }
  const std::span<const std::uint8_t> bytes(at_, content.argument);
  if (bytes.empty() || bytes[0] != cid_multibase_identity) {
    return fail("CID link without its 0x00 multibase prefix");
  }
  CidRead read;
  if (detail::read_cid(bytes.subspan(1), read) != nullptr || read.size != bytes.size() - 1) {
    return fail("tag 42 holds an invalid CID");
  }
  at_ += content.argument;
  node.type = Type::link;
  node.size = static_cast<std::uint32_t>(bytes.size() - 1);
  node.data = bytes.data() + 1;
  return true;
}

bool Reader::simple(const Head& head, Node& node) {
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

core::Result<Prefix> Document::parse_prefix(std::span<const std::uint8_t> bytes) {
  nodes_.clear();
  if (bytes.size() > core::limits::firehose_frame_bytes_max) {
    return decode_error("input larger than the frame limit", 0);
  }
  Reader reader(bytes);
  Tape tape(nodes_);
  if (!walk(reader, tape, 0)) return reader.error();
  return Prefix{Value(nodes_.data(), 0), reader.consumed()};
}

core::Result<Value> Document::parse(std::span<const std::uint8_t> bytes) {
  auto prefix = parse_prefix(bytes);
  if (!prefix.ok()) return std::move(prefix).error();
  if (prefix->size != bytes.size()) return decode_error("trailing bytes", prefix->size);
  return prefix->value;
}

std::optional<Cid> Value::link() const {
  if (!is(Type::link)) return std::nullopt;
  CidRead read;
  // Checked when decoded: cannot fail here.
  detail::read_cid({node().data, node().size}, read);
  return read.cid;
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
