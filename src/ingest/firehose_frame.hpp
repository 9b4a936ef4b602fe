#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "ingest/car.hpp"
#include "ingest/cid.hpp"
#include "ingest/dag_cbor.hpp"

// One message of com.atproto.sync.subscribeRepos (the Bluesky firehose), decoded: a DAG-CBOR
// header {op, t} followed by a DAG-CBOR body. Every string of a Frame is a view of the
// message's bytes: keep the message alive while the Frame is read.
namespace roost::ingest::firehose {

enum class EventType { commit, identity, account, sync, info, error, unknown };

enum class OpAction { create, update, delete_ };

// An app.bsky.feed.post record, reduced to what stream matching reads.
struct Post {
  std::string_view text;
  std::string_view created_at;                 // as written by the client (RFC 3339)
  std::vector<std::string_view> langs;         // BCP 47 tags
  std::vector<std::string_view> mention_dids;  // facets' #mention features
  std::vector<std::string_view> links;         // facets' #link features (URIs)
  std::vector<std::string_view> tags;          // facets' #tag features, then the record's tags
  std::string_view reply_root_uri;             // empty when the post is not a reply
  std::string_view reply_parent_uri;
  std::string_view quote_uri;  // embed.record or embed.recordWithMedia's record; else empty
  // The strong refs' CIDs beside those URIs: a reply to this post must name both.
  std::string_view reply_root_cid;
  std::string_view reply_parent_cid;
  std::string_view quote_cid;

  void clear();
};

// What became of an op's record.
enum class RecordStatus {
  not_read,  // not a create of app.bsky.feed.post, whose records are not decoded
  post,      // decoded into RecordOp::post
  missing,   // the CAR does not hold the block (tooBig commits carry no blocks)
  invalid,   // the block is not a post record (not DAG-CBOR, wrong $type, no text...)
};

struct RecordOp {
  OpAction action = OpAction::create;
  std::string_view collection;  // the path before its '/', e.g. "app.bsky.feed.post"
  std::string_view rkey;        // the path after it
  std::optional<Cid> cid;       // the new record's CID; nullopt for deletes
  RecordStatus record = RecordStatus::not_read;
  Post post;  // meaningful when record == RecordStatus::post
};

struct CommitEvent {
  std::int64_t seq = 0;
  std::string_view repo;  // the DID whose repository changed
  std::string_view rev;
  std::string_view since;  // empty when null
  std::string_view time;   // when the relay/PDS emitted it (RFC 3339)
  bool too_big = false;
  std::vector<RecordOp> ops;
};

// #identity, #account and #sync: what a consumer needs to keep its cursor and caches right.
struct RepoEvent {
  std::int64_t seq = 0;
  std::string_view did;
  std::string_view time;
};

struct InfoEvent {
  std::string_view name;  // e.g. "OutdatedCursor"
  std::string_view message;
};

// op -1: the server ends the stream with this error (e.g. "FutureCursor").
struct ErrorEvent {
  std::string_view error;
  std::string_view message;
};

struct Frame {
  EventType type = EventType::unknown;
  std::string_view type_name;  // the header's t as sent ("#commit"...); empty for errors
  CommitEvent commit;          // type == commit
  RepoEvent repo_event;        // type == identity, account or sync
  InfoEvent info;              // type == info
  ErrorEvent error;            // type == error

  // The event's sequence number (commit, identity, account, sync): what a cursor resumes from.
  std::optional<std::int64_t> seq() const;
};

namespace detail {
// A member of a map read in one pass (ADR 0033): its value's head (a scalar whole), or absent.
struct Field {
  dag_cbor::Node node;
  bool present = false;
};
// An op of a commit body as read, checked once the body has been read whole.
struct OpFields {
  Field action;
  Field path;
  Field cid;
};
}  // namespace detail

// Decodes firehose messages. Reusable and meant to be long-lived (one per connection): its
// parse buffers and the Frame's vectors keep their capacity, so that a warm decoder
// allocates nothing for a typical commit.
//
// An error is ErrorCode::invalid_request naming the first problem: a malformed header or
// body, a missing or mistyped field, a bad CAR (a block not matching its CID included),
// a malformed op path, more than core::limits::firehose_commit_ops_max ops, or a message over
// core::limits::firehose_frame_bytes_max. A header of an unknown type is not an error: the
// Frame says EventType::unknown and its body is not read (the lexicon may grow). After an
// error the Frame holds whatever was decoded before it: read a Frame only after ok().
//
// `check` says which CAR blocks are hashed (Car): every_block by default; blocks_read hashes
// only the post records the decoder reads (about 3× faster per commit, ADR 0017).
class FrameDecoder {
 public:
  explicit FrameDecoder(BlockCheck check = BlockCheck::every_block) : check_(check) {}

  core::Result<void> decode(std::span<const std::uint8_t> message, Frame& frame);

 private:
  core::Result<void> decode_commit(std::span<const std::uint8_t> body, CommitEvent& commit);
  bool read_ops(dag_cbor::Reader& reader, detail::Field& ops);
  core::Result<void> decode_op(const detail::OpFields& op, RecordOp& out);
  core::Result<void> read_post(RecordOp& op);

  dag_cbor::Document header_;
  dag_cbor::Document body_;  // bodies other than a commit's
  std::vector<detail::OpFields> op_fields_;
  Car car_;
  BlockCheck check_;
};

}  // namespace roost::ingest::firehose
