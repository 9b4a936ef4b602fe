#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/incoming_post.hpp"
#include "ingest/firehose_frame.hpp"

// The posts a listener collected for one hand-over to the PostSink. A decoded frame's strings
// are views of its message, which the next read overwrites, so a batch that spans several
// messages keeps copies. All of a batch's strings go end to end into one buffer that keeps its
// capacity across batches: copying a post is a few appends to memory the previous batch
// warmed, not fifteen strings scattered over the heap (bench/matcher, ADR 0038).
namespace roost::ingest {

class PostBatch {
 public:
  // A copy of `post` (views of anything, valid during the call) at the end of the batch.
  void add(const domain::IncomingPost& post);
  // The firehose post `op` of `commit` (op.record == RecordStatus::post): its at:// URI,
  // its CID in base32, the commit's seq as cursor.
  void add_firehose_post(const firehose::CommitEvent& commit, const firehose::RecordOp& op);

  std::size_t size() const { return posts_.size(); }
  bool empty() const { return posts_.empty(); }
  void clear();
  // Drops the last post (one read again from a replay).
  void pop_back();
  // Views of the batch's posts, valid until the batch is changed.
  std::span<const domain::IncomingPost> views();

  // A string of the batch: where it is in `text_`.
  struct Slice {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  // A post: its strings in `text_`, its URI first (where pop_back cuts), its lists' items in
  // `items_` (langs, mentioned DIDs, links, then tags, from `first_item`). Public for
  // post_batch.cpp's table of fields.
  struct Packed {
    Slice uri, cid, author_did, text, created_at;
    Slice reply_root_uri, reply_root_cid, reply_parent_uri, reply_parent_cid;
    Slice quote_uri, quote_cid;
    std::size_t first_item = 0;
    std::uint32_t langs = 0, mention_dids = 0, links = 0, tags = 0;
    std::int64_t cursor = 0;
  };

 private:
  Slice keep(std::string_view text);
  std::uint32_t keep_items(std::span<const std::string_view> items);
  // The post's strings from the `first_text`th of post_batch.cpp's table (past the URI, CID
  // and author when the caller wrote those), its lists and its cursor.
  void keep_fields(Packed& packed, const domain::IncomingPost& post, std::size_t first_text);

  std::string text_;
  std::vector<Slice> items_;
  std::vector<Packed> posts_;
  std::vector<domain::IncomingPost> views_;
  std::vector<std::string_view> item_views_;
};

// "at://<did>/<collection>/<rkey>", returned or appended to `out`.
std::string record_uri(std::string_view did, std::string_view collection, std::string_view rkey);
void append_record_uri(std::string& out, std::string_view did, std::string_view collection,
                       std::string_view rkey);

}  // namespace roost::ingest
