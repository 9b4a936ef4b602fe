#pragma once

#include <cstdint>
#include <span>
#include <string_view>

// A post that arrived from a network listener (the Bluesky firehose or Jetstream), as the
// streams matcher and the inbox router read it. Every field is a view into the listener's
// buffers: valid only during the call that hands the post over. Keep what you store.
namespace roost::domain {

struct IncomingPost {
  std::string_view uri;         // at://<did>/app.bsky.feed.post/<rkey>
  std::string_view cid;         // the record's CID, base32 string form
  std::string_view author_did;  // the repository's DID
  std::string_view text;
  std::string_view created_at;                     // as the client wrote it (RFC 3339)
  std::span<const std::string_view> langs;         // BCP 47 tags
  std::span<const std::string_view> mention_dids;  // facets' #mention features
  std::span<const std::string_view> links;         // facets' #link features
  std::span<const std::string_view> tags;          // facets' #tag features, then record tags
  std::string_view reply_root_uri;                 // empty when the post is not a reply
  std::string_view reply_root_cid;
  std::string_view reply_parent_uri;
  std::string_view reply_parent_cid;
  std::string_view quote_uri;  // the quoted record; empty when none
  std::string_view quote_cid;
  // Where the listener's source is in its stream when this post arrived: the firehose's seq,
  // or Jetstream's time_us. Increasing within one source.
  std::int64_t cursor = 0;
};

}  // namespace roost::domain
