#include "ingest/firehose_frame.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "core/limits.hpp"

namespace roost::ingest::firehose {

namespace {

using dag_cbor::Node;
using dag_cbor::Reader;
using dag_cbor::Type;
using dag_cbor::Value;
using detail::Field;
using detail::OpFields;

constexpr std::int64_t op_message = 1;
constexpr std::int64_t op_error = -1;
constexpr std::string_view post_collection = "app.bsky.feed.post";
constexpr std::string_view facet_mention = "app.bsky.richtext.facet#mention";
constexpr std::string_view facet_link = "app.bsky.richtext.facet#link";
constexpr std::string_view facet_tag = "app.bsky.richtext.facet#tag";
constexpr std::string_view embed_record = "app.bsky.embed.record";
constexpr std::string_view embed_record_with_media = "app.bsky.embed.recordWithMedia";

core::Error frame_error(std::string_view why) {
  return core::make_error(core::ErrorCode::invalid_request, fmt::format("firehose frame: {}", why));
}

core::Error missing_field(std::string_view type, std::string_view field) {
  return frame_error(fmt::format("{} without a valid '{}'", type, field));
}

constexpr std::string_view commit_type = "#commit";
// {t: "#commit", op: 1} in DAG-CBOR, the header of most messages: matched as bytes, it needs
// no parse (any other header, valid or not, takes the general path).
constexpr std::uint8_t commit_header[] = {0xa2, 0x61, 't', 0x67, '#', 'c', 'o', 'm',
                                          'm',  'i',  't', 0x62, 'o', 'p', 0x01};

// Asks for the message's first cache lines at once. A message read from memory rather than
// from the cache (a queued one, the benchmark's corpus) otherwise costs one memory round
// trip per line, each found only when the parse reaches it.
void prefetch(std::span<const std::uint8_t> message) {
  constexpr std::size_t line = 64;
  constexpr std::size_t prefetched_max = 4096;
  const std::size_t size = std::min(message.size(), prefetched_max);
  for (std::size_t at = 0; at < size; at += line) __builtin_prefetch(message.data() + at);
}

EventType event_type(std::string_view name) {
  if (name == commit_type) return EventType::commit;
  if (name == "#identity") return EventType::identity;
  if (name == "#account") return EventType::account;
  if (name == "#sync") return EventType::sync;
  if (name == "#info") return EventType::info;
  return EventType::unknown;
}

// The single-pass readers of a commit body and a post record (ADR 0033). Each reads one
// value at the depth it is given with dag_cbor::Reader; what it does not keep it reads and
// drops, so a body or a record is checked whole exactly as a Document would check it.

Value value_of(const Field& field) { return field.present ? Value(&field.node, 0) : Value(); }

// Whether `key` is `wanted`: a compile-time length, compared without a memcmp call.
template <std::size_t size>
bool is_key(std::string_view key, const char (&wanted)[size]) {
  return key.size() == size - 1 && std::memcmp(key.data(), wanted, size - 1) == 0;
}

// Reads one value into `field`: a scalar whole, or a container's head (its contents read
// and dropped).
bool read_field(Reader& reader, Field& field, std::size_t depth) {
  if (!reader.value(field.node, depth)) return false;
  field.present = true;
  return reader.skip_contents(field.node, depth);
}

// Reads one value; when it is a map, hands each key to `member`, which reads that key's
// value at depth + 1. Any other value is read and dropped.
template <class Member>
bool read_if_map(Reader& reader, std::size_t depth, Member member) {
  Node head;
  if (!reader.value(head, depth)) return false;
  if (head.type != Type::map) return reader.skip_contents(head, depth);
  std::string_view key;
  for (std::uint32_t pair = 0; pair < head.size; ++pair) {
    if (!reader.key(key) || !member(key)) return false;
  }
  return true;
}

// Reads one value; when it is an array, calls `item` once per item, which reads it at
// depth + 1. Any other value is read and dropped.
template <class Item>
bool read_if_array(Reader& reader, std::size_t depth, Item item) {
  Node head;
  if (!reader.value(head, depth)) return false;
  if (head.type != Type::array) return reader.skip_contents(head, depth);
  for (std::uint32_t index = 0; index < head.size; ++index) {
    if (!item()) return false;
  }
  return true;
}

std::string_view text_of(const Field& field) { return value_of(field).text().value_or(""); }

// Appends the text items of an array (anything else in it is skipped).
bool read_texts(Reader& reader, std::size_t depth, std::vector<std::string_view>& out) {
  return read_if_array(reader, depth, [&] {
    Field item;
    if (!read_field(reader, item, depth + 1)) return false;
    if (item.node.type == Type::text) out.push_back(text_of(item));
    return true;
  });
}

// A strong ref's {uri, cid} (com.atproto.repo.strongRef), and for recordWithMedia's record
// the strong ref inside it.
struct StrongRef {
  Field uri;
  Field cid;
};

bool read_strong_ref(Reader& reader, std::size_t depth, StrongRef& ref, StrongRef* inner) {
  return read_if_map(reader, depth, [&](std::string_view key) {
    if (is_key(key, "uri")) return read_field(reader, ref.uri, depth + 1);
    if (is_key(key, "cid")) return read_field(reader, ref.cid, depth + 1);
    if (inner != nullptr && is_key(key, "record")) {
      return read_strong_ref(reader, depth + 1, *inner, nullptr);
    }
    return reader.skip(depth + 1);
  });
}

// facets: [{features: [{$type, did | uri | tag}...], index...}...]
bool read_facets(Reader& reader, std::size_t depth, Post& post) {
  return read_if_array(reader, depth, [&] {
    return read_if_map(reader, depth + 1, [&](std::string_view key) {
      if (!is_key(key, "features")) return reader.skip(depth + 2);
      return read_if_array(reader, depth + 2, [&] {
        Field type;
        Field did;
        Field uri;
        Field tag;
        const bool read = read_if_map(reader, depth + 3, [&](std::string_view name) {
          const std::size_t at = depth + 4;
          if (is_key(name, "$type")) return read_field(reader, type, at);
          if (is_key(name, "did")) return read_field(reader, did, at);
          if (is_key(name, "uri")) return read_field(reader, uri, at);
          if (is_key(name, "tag")) return read_field(reader, tag, at);
          return reader.skip(at);
        });
        if (!read) return false;
        const std::string_view feature = text_of(type);
        if (feature == facet_mention) {
          if (auto text = value_of(did).text()) post.mention_dids.push_back(*text);
        } else if (feature == facet_link) {
          if (auto text = value_of(uri).text()) post.links.push_back(*text);
        } else if (feature == facet_tag) {
          if (auto text = value_of(tag).text()) post.tags.push_back(*text);
        }
        return true;
      });
    });
  });
}

// An app.bsky.feed.post record into `post` (cleared beforehand); false when the block is not
// DAG-CBOR or not a post ($type, text and createdAt).
bool read_record(std::span<const std::uint8_t> block, Post& post) {
  Reader reader(block);
  Field type;
  Field text;
  Field created_at;
  StrongRef reply_root;
  StrongRef reply_parent;
  Field embed_type;
  StrongRef embedded;        // embed.record
  StrongRef embedded_inner;  // embed.record.record (recordWithMedia)
  std::size_t record_tags = 0;
  constexpr std::size_t depth = 1;  // of the record's values
  const bool read = read_if_map(reader, 0, [&](std::string_view key) {
    if (is_key(key, "text")) return read_field(reader, text, depth);
    if (is_key(key, "tags")) {
      const bool tags_read = read_texts(reader, depth, post.tags);
      record_tags = post.tags.size();
      return tags_read;
    }
    if (is_key(key, "$type")) return read_field(reader, type, depth);
    if (is_key(key, "langs")) return read_texts(reader, depth, post.langs);
    if (is_key(key, "reply")) {
      return read_if_map(reader, depth, [&](std::string_view name) {
        if (is_key(name, "root")) return read_strong_ref(reader, depth + 1, reply_root, nullptr);
        if (is_key(name, "parent")) {
          return read_strong_ref(reader, depth + 1, reply_parent, nullptr);
        }
        return reader.skip(depth + 1);
      });
    }
    if (is_key(key, "embed")) {
      return read_if_map(reader, depth, [&](std::string_view name) {
        if (is_key(name, "$type")) return read_field(reader, embed_type, depth + 1);
        if (is_key(name, "record")) {
          return read_strong_ref(reader, depth + 1, embedded, &embedded_inner);
        }
        return reader.skip(depth + 1);
      });
    }
    if (is_key(key, "facets")) return read_facets(reader, depth, post);
    if (is_key(key, "createdAt")) return read_field(reader, created_at, depth);
    return reader.skip(depth);
  });
  if (!read || !reader.at_end()) return false;
  // A record that is not a map has no $type.
  if (value_of(type).text() != post_collection) return false;
  auto post_text = value_of(text).text();
  auto post_created_at = value_of(created_at).text();
  if (!post_text || !post_created_at) return false;
  post.text = *post_text;
  post.created_at = *post_created_at;
  // The facets' tags, then the record's: "tags" sorts before "facets" in DAG-CBOR's key
  // order, so the record's were read first.
  std::rotate(post.tags.begin(), post.tags.begin() + static_cast<std::ptrdiff_t>(record_tags),
              post.tags.end());
  post.reply_root_uri = text_of(reply_root.uri);
  post.reply_root_cid = text_of(reply_root.cid);
  post.reply_parent_uri = text_of(reply_parent.uri);
  post.reply_parent_cid = text_of(reply_parent.cid);
  const std::string_view embed = text_of(embed_type);
  const StrongRef* quoted = embed == embed_record              ? &embedded
                            : embed == embed_record_with_media ? &embedded_inner
                                                               : nullptr;
  if (quoted != nullptr) {
    post.quote_uri = text_of(quoted->uri);
    post.quote_cid = text_of(quoted->cid);
  }
  return true;
}

core::Result<void> decode_repo_event(Value body, std::string_view type, RepoEvent& event) {
  auto seq = body["seq"].integer();
  if (!seq) return missing_field(type, "seq");
  auto did = body["did"].text();
  if (!did) return missing_field(type, "did");
  event.seq = *seq;
  event.did = *did;
  event.time = body["time"].text().value_or("");
  return core::success();
}

}  // namespace

void Post::clear() {
  text = {};
  created_at = {};
  langs.clear();
  mention_dids.clear();
  links.clear();
  tags.clear();
  reply_root_uri = {};
  reply_parent_uri = {};
  quote_uri = {};
  reply_root_cid = {};
  reply_parent_cid = {};
  quote_cid = {};
}

std::optional<std::int64_t> Frame::seq() const {
  switch (type) {
    case EventType::commit: return commit.seq;
    case EventType::identity:
    case EventType::account:
    case EventType::sync: return repo_event.seq;
    default: return std::nullopt;
  }
}

core::Result<void> FrameDecoder::decode(std::span<const std::uint8_t> message, Frame& frame) {
  frame.type = EventType::unknown;
  frame.type_name = {};
  if (message.size() > core::limits::firehose_frame_bytes_max) {
    return frame_error("message larger than the frame limit");
  }
  prefetch(message);
  std::size_t header_size = sizeof commit_header;
  EventType type = EventType::commit;
  if (message.size() >= sizeof commit_header &&
      std::memcmp(message.data(), commit_header, sizeof commit_header) == 0) {
    // "#commit" as the message spells it, after a2 61 't' 67: a view of the message too.
    frame.type_name = {reinterpret_cast<const char*>(message.data()) + 4, commit_type.size()};
  } else {
    auto header = header_.parse_prefix(message);
    if (!header.ok()) return frame_error(fmt::format("header: {}", header.error().message));
    const Value type_value = header->value["t"];
    const auto op = header->value["op"].integer();
    if (op != op_message && op != op_error) return frame_error("header op is neither 1 nor -1");
    const auto name = type_value.text();
    if (op == op_message && !name) return frame_error("header without a type ('t')");
    type = op == op_error ? EventType::error : event_type(*name);
    frame.type_name = name.value_or("");
    header_size = header->size;
  }
  if (type == EventType::unknown) return core::success();  // a newer event: not ours to read
  if (type == EventType::commit) {
    if (auto decoded = decode_commit(message.subspan(header_size), frame.commit); !decoded.ok()) {
      return decoded;
    }
    frame.type = type;
    return core::success();
  }

  auto body = body_.parse(message.subspan(header_size));
  if (!body.ok()) return frame_error(fmt::format("body: {}", body.error().message));
  if (!body->is(Type::map)) return frame_error("body is not a map");

  switch (type) {
    case EventType::commit:  // read above
    case EventType::identity:
    case EventType::account:
    case EventType::sync:
      if (auto decoded = decode_repo_event(*body, frame.type_name, frame.repo_event);
          !decoded.ok()) {
        return decoded;
      }
      break;
    case EventType::info: {
      auto info_name = (*body)["name"].text();
      if (!info_name) return missing_field("#info", "name");
      frame.info = {*info_name, (*body)["message"].text().value_or("")};
      break;
    }
    case EventType::error: {
      auto error = (*body)["error"].text();
      if (!error) return missing_field("error frame", "error");
      frame.error = {*error, (*body)["message"].text().value_or("")};
      break;
    }
    case EventType::unknown: break;
  }
  frame.type = type;
  return core::success();
}

// The commit body in one pass: the fields kept as their values' heads, the ops' fields
// likewise, everything else read and dropped; then the same checks, in the same order, as
// over a decoded Document.
core::Result<void> FrameDecoder::decode_commit(std::span<const std::uint8_t> bytes,
                                               CommitEvent& commit) {
  Field seq_value;
  Field repo_value;
  Field rev_value;
  Field time_value;
  Field blocks_value;
  Field ops;
  Field since;
  Field too_big;
  op_fields_.clear();
  Reader reader(bytes);
  Node body;
  bool read = reader.value(body, 0);
  if (read && body.type == Type::map) {
    constexpr std::size_t depth = 1;  // of the body's values
    std::string_view key;
    for (std::uint32_t pair = 0; read && pair < body.size; ++pair) {
      read = reader.key(key);
      if (!read) break;
      if (is_key(key, "seq")) {
        read = read_field(reader, seq_value, depth);
      } else if (is_key(key, "ops")) {
        read = read_ops(reader, ops);
      } else if (is_key(key, "rev")) {
        read = read_field(reader, rev_value, depth);
      } else if (is_key(key, "repo")) {
        read = read_field(reader, repo_value, depth);
      } else if (is_key(key, "time")) {
        read = read_field(reader, time_value, depth);
      } else if (is_key(key, "since")) {
        read = read_field(reader, since, depth);
      } else if (is_key(key, "blocks")) {
        read = read_field(reader, blocks_value, depth);
      } else if (is_key(key, "tooBig")) {
        read = read_field(reader, too_big, depth);
      } else {
        read = reader.skip(depth);
      }
    }
  } else if (read) {
    read = reader.skip_contents(body, 0);
  }
  if (read && !reader.at_end()) read = reader.fail("trailing bytes");
  if (!read) return frame_error(fmt::format("body: {}", reader.error().message));
  if (body.type != Type::map) return frame_error("body is not a map");

  auto seq = value_of(seq_value).integer();
  if (!seq) return missing_field("#commit", "seq");
  auto repo = value_of(repo_value).text();
  if (!repo) return missing_field("#commit", "repo");
  auto rev = value_of(rev_value).text();
  if (!rev) return missing_field("#commit", "rev");
  auto time = value_of(time_value).text();
  if (!time) return missing_field("#commit", "time");
  auto blocks = value_of(blocks_value).bytes();
  if (!blocks) return missing_field("#commit", "blocks");
  if (!value_of(ops).is(Type::array)) return missing_field("#commit", "ops");
  if (ops.node.size > core::limits::firehose_commit_ops_max) return frame_error("too many ops");
  const Value since_value = value_of(since);
  if (since_value.present() && !since_value.is(Type::null) && !since_value.is(Type::text)) {
    return missing_field("#commit", "since");
  }

  commit.seq = *seq;
  commit.repo = *repo;
  commit.rev = *rev;
  commit.time = *time;
  commit.since = since_value.text().value_or("");
  commit.too_big = value_of(too_big).boolean().value_or(false);

  // A tooBig commit may carry no blocks at all; its records are then reported missing.
  if (blocks->empty()) {
    car_ = Car();
  } else if (auto parsed = car_.parse(*blocks, check_); !parsed.ok()) {
    return frame_error(fmt::format("blocks: {}", parsed.error().message));
  }

  commit.ops.resize(op_fields_.size());
  for (std::size_t index = 0; index < op_fields_.size(); ++index) {
    if (auto decoded = decode_op(op_fields_[index], commit.ops[index]); !decoded.ok()) {
      return decoded;
    }
  }
  return core::success();
}

// The body's "ops": each op's action, path and cid kept (up to the limit: more is refused
// once the body has been read), the rest read and dropped.
bool FrameDecoder::read_ops(Reader& reader, Field& ops) {
  constexpr std::size_t depth = 1;  // of the ops array
  if (!reader.value(ops.node, depth)) return false;
  ops.present = true;
  if (ops.node.type != Type::array) return reader.skip_contents(ops.node, depth);
  for (std::uint32_t index = 0; index < ops.node.size; ++index) {
    OpFields fields;
    const bool read = read_if_map(reader, depth + 1, [&](std::string_view key) {
      const std::size_t at = depth + 2;
      if (is_key(key, "cid")) return read_field(reader, fields.cid, at);
      if (is_key(key, "path")) return read_field(reader, fields.path, at);
      if (is_key(key, "action")) return read_field(reader, fields.action, at);
      return reader.skip(at);
    });
    if (!read) return false;
    if (index < core::limits::firehose_commit_ops_max) op_fields_.push_back(fields);
  }
  return true;
}

core::Result<void> FrameDecoder::decode_op(const OpFields& op, RecordOp& out) {
  const Value action_value = value_of(op.action);
  const Value path_value = value_of(op.path);
  const Value cid_value = value_of(op.cid);
  const std::string_view action = action_value.text().value_or("");
  if (action == "create") {
    out.action = OpAction::create;
  } else if (action == "update") {
    out.action = OpAction::update;
  } else if (action == "delete") {
    out.action = OpAction::delete_;
  } else {
    return missing_field("op", "action");
  }
  const std::string_view path = path_value.text().value_or("");
  const auto slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size() ||
      path.find('/', slash + 1) != std::string_view::npos) {
    return missing_field("op", "path");
  }
  out.collection = path.substr(0, slash);
  out.rkey = path.substr(slash + 1);
  out.cid = cid_value.link();
  if (out.action != OpAction::delete_ && !out.cid) return missing_field("op", "cid");
  if (out.action == OpAction::delete_) out.cid.reset();
  out.record = RecordStatus::not_read;
  out.post.clear();
  if (out.action == OpAction::create && out.collection == post_collection) return read_post(out);
  return core::success();
}

core::Result<void> FrameDecoder::read_post(RecordOp& op) {
  auto block = car_.find(*op.cid);
  if (!block.ok()) return frame_error(fmt::format("blocks: {}", block.error().message));
  if (!*block) {
    op.record = RecordStatus::missing;
    return core::success();
  }
  // One user's malformed record spoils that op only, not the commit's other ops.
  if (!read_record(**block, op.post)) {
    op.post.clear();
    op.record = RecordStatus::invalid;
    return core::success();
  }
  op.record = RecordStatus::post;
  return core::success();
}

}  // namespace roost::ingest::firehose
