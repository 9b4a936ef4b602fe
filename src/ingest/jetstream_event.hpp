#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "ingest/post_batch.hpp"

// Jetstream (github.com/bluesky-social/jetstream): the firehose re-encoded as one JSON object
// per WebSocket message, {"did", "time_us", "kind": "commit" | "identity" | "account",
// "commit": {"rev", "operation": "create" | "update" | "delete", "collection", "rkey",
// "record", "cid"}}. Its cursor is time_us, a Unix time in microseconds.
namespace roost::ingest::jetstream {

struct EventRead {
  std::int64_t time_us = 0;  // the event's cursor
  bool post_added = false;   // a create of app.bsky.feed.post, appended to the batch
};

// Reads one Jetstream message. A create of app.bsky.feed.post whose record has text and
// createdAt is appended to `batch` as the firehose's posts are (uri, cid, facets' mentions,
// links and tags, the reply's and the quote's strong refs); every other event (another
// collection, an update or delete, identity, account, a post record without text) is only
// its time_us. invalid_request when the message is not JSON, not an object, over
// core::limits::jetstream_message_bytes_max, or lacks did, a numeric time_us or kind.
core::Result<EventRead> read_event(std::string_view message, PostBatch& batch);

}  // namespace roost::ingest::jetstream
