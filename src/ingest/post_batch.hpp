#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "domain/incoming_post.hpp"
#include "ingest/firehose_frame.hpp"

// The posts a listener collected for one hand-over to the PostSink. A decoded frame's strings
// are views of its message, which the next read overwrites, so a batch that spans several
// messages keeps copies; its strings and vectors keep their capacity across batches.
namespace roost::ingest {

struct OwnedPost {
  std::string uri;
  std::string cid;
  std::string author_did;
  std::string text;
  std::string created_at;
  std::vector<std::string> langs;
  std::vector<std::string> mention_dids;
  std::vector<std::string> links;
  std::vector<std::string> tags;
  std::string reply_root_uri;
  std::string reply_root_cid;
  std::string reply_parent_uri;
  std::string reply_parent_cid;
  std::string quote_uri;
  std::string quote_cid;
  std::int64_t cursor = 0;
};

// A copy of a handed-over post that outlives the hand-over (its views die with it).
OwnedPost owned_copy(const domain::IncomingPost& post);

class PostBatch {
 public:
  // A cleared post at the end of the batch, to fill.
  OwnedPost& add();
  // The firehose post `op` of `commit` (op.record == RecordStatus::post): its at:// URI,
  // its CID in base32, the commit's seq as cursor.
  void add_firehose_post(const firehose::CommitEvent& commit, const firehose::RecordOp& op);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  // Drops the last post (one read again from a replay).
  void pop_back() {
    if (size_ > 0) --size_;
  }
  // Views of the batch's posts, valid until the batch is changed.
  std::span<const domain::IncomingPost> views();

 private:
  std::vector<OwnedPost> posts_;  // [0, size_) are the batch; the rest keep capacity
  std::size_t size_ = 0;
  std::vector<domain::IncomingPost> views_;
  std::vector<std::string_view> list_items_;
};

// "at://<did>/<collection>/<rkey>"
std::string record_uri(std::string_view did, std::string_view collection, std::string_view rkey);

}  // namespace roost::ingest
