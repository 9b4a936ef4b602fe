#include "ingest/firehose_frame.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "core/limits.hpp"

namespace roost::ingest::firehose {

namespace {

using dag_cbor::Type;
using dag_cbor::Value;

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

bool same_key(std::string_view key, std::string_view wanted) {
  return key.size() == wanted.size() && !key.empty() && key[0] == wanted[0] &&
         std::memcmp(key.data(), wanted.data(), key.size()) == 0;
}

// The members `keys` of `map` (absent Values for those it lacks), in one pass over it: keys
// are unique in DAG-CBOR, and a lookup per field would scan a commit's eleven members again
// for each of the seven fields read.
template <std::size_t count>
std::array<Value, count> pick(Value map, const std::array<std::string_view, count>& keys) {
  std::array<Value, count> found{};
  for (const dag_cbor::Member& member : map.members()) {
    for (std::size_t index = 0; index < count; ++index) {
      if (same_key(member.key, keys[index])) {
        found[index] = member.value;
        break;
      }
    }
  }
  return found;
}

// Appends the text items of `array` (anything else in it is skipped).
void append_texts(Value array, std::vector<std::string_view>& out) {
  for (Value item : array.items()) {
    if (auto text = item.text()) out.push_back(*text);
  }
}

void read_facets(Value facets, Post& post) {
  for (Value facet : facets.items()) {
    for (Value feature : facet["features"].items()) {
      const std::string_view type = feature["$type"].text().value_or("");
      if (type == facet_mention) {
        if (auto did = feature["did"].text()) post.mention_dids.push_back(*did);
      } else if (type == facet_link) {
        if (auto uri = feature["uri"].text()) post.links.push_back(*uri);
      } else if (type == facet_tag) {
        if (auto tag = feature["tag"].text()) post.tags.push_back(*tag);
      }
    }
  }
}

// The quoted record's strong ref (com.atproto.repo.strongRef): embed.record, or
// embed.recordWithMedia's record; a null Value for any other embed.
Value quoted_ref(Value embed) {
  const std::string_view type = embed["$type"].text().value_or("");
  if (type == embed_record) return embed["record"];
  if (type == embed_record_with_media) return embed["record"]["record"];
  return {};
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
    const auto [op_value, type_value] = pick<2>(header->value, {"op", "t"});
    const auto op = op_value.integer();
    if (op != op_message && op != op_error) return frame_error("header op is neither 1 nor -1");
    const auto name = type_value.text();
    if (op == op_message && !name) return frame_error("header without a type ('t')");
    type = op == op_error ? EventType::error : event_type(*name);
    frame.type_name = name.value_or("");
    header_size = header->size;
  }
  if (type == EventType::unknown) return core::success();  // a newer event: not ours to read

  auto body = body_.parse(message.subspan(header_size));
  if (!body.ok()) return frame_error(fmt::format("body: {}", body.error().message));
  if (!body->is(Type::map)) return frame_error("body is not a map");

  switch (type) {
    case EventType::commit:
      if (auto decoded = decode_commit(*body, frame.commit); !decoded.ok()) return decoded;
      break;
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

core::Result<void> FrameDecoder::decode_commit(Value body, CommitEvent& commit) {
  const auto [seq_value, repo_value, rev_value, time_value, blocks_value, ops, since, too_big] =
      pick<8>(body, {"seq", "repo", "rev", "time", "blocks", "ops", "since", "tooBig"});
  auto seq = seq_value.integer();
  if (!seq) return missing_field("#commit", "seq");
  auto repo = repo_value.text();
  if (!repo) return missing_field("#commit", "repo");
  auto rev = rev_value.text();
  if (!rev) return missing_field("#commit", "rev");
  auto time = time_value.text();
  if (!time) return missing_field("#commit", "time");
  auto blocks = blocks_value.bytes();
  if (!blocks) return missing_field("#commit", "blocks");
  if (!ops.is(Type::array)) return missing_field("#commit", "ops");
  if (ops.size() > core::limits::firehose_commit_ops_max) return frame_error("too many ops");
  if (since.present() && !since.is(Type::null) && !since.is(Type::text)) {
    return missing_field("#commit", "since");
  }

  commit.seq = *seq;
  commit.repo = *repo;
  commit.rev = *rev;
  commit.time = *time;
  commit.since = since.text().value_or("");
  commit.too_big = too_big.boolean().value_or(false);

  // A tooBig commit may carry no blocks at all; its records are then reported missing.
  if (blocks->empty()) {
    car_ = Car();
  } else if (auto parsed = car_.parse(*blocks, check_); !parsed.ok()) {
    return frame_error(fmt::format("blocks: {}", parsed.error().message));
  }

  commit.ops.resize(ops.size());
  std::size_t index = 0;
  for (Value op : ops.items()) {
    if (auto decoded = decode_op(op, commit.ops[index++]); !decoded.ok()) return decoded;
  }
  return core::success();
}

core::Result<void> FrameDecoder::decode_op(Value op, RecordOp& out) {
  const auto [action_value, path_value, cid_value] = pick<3>(op, {"action", "path", "cid"});
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
  op.record = RecordStatus::invalid;
  auto record = record_.parse(**block);
  if (!record.ok()) return core::success();
  const auto [type, text_value, created_at_value, langs, facets, tags, reply, embed] =
      pick<8>(*record, {"$type", "text", "createdAt", "langs", "facets", "tags", "reply", "embed"});
  if (type.text() != post_collection) return core::success();
  auto text = text_value.text();
  auto created_at = created_at_value.text();
  if (!text || !created_at) return core::success();

  Post& post = op.post;
  post.text = *text;
  post.created_at = *created_at;
  append_texts(langs, post.langs);
  read_facets(facets, post);
  append_texts(tags, post.tags);
  post.reply_root_uri = reply["root"]["uri"].text().value_or("");
  post.reply_root_cid = reply["root"]["cid"].text().value_or("");
  post.reply_parent_uri = reply["parent"]["uri"].text().value_or("");
  post.reply_parent_cid = reply["parent"]["cid"].text().value_or("");
  const Value quoted = quoted_ref(embed);
  post.quote_uri = quoted["uri"].text().value_or("");
  post.quote_cid = quoted["cid"].text().value_or("");
  op.record = RecordStatus::post;
  return core::success();
}

}  // namespace roost::ingest::firehose
