#pragma once

#include <span>

#include "core/result.hpp"
#include "domain/incoming_post.hpp"

// Where a listener hands the posts it decoded: the streams matcher and the inbox router
// (composed in app/). A batch is handed over in stream order; the listener saves its cursor
// only after accept() succeeded, so after a crash the same posts may come again: an
// implementation must be idempotent (stream items and inbox items are unique per post).
namespace roost::ingest {

class PostSink {
 public:
  virtual ~PostSink() = default;
  // An error leaves the cursor where it was; the listener retries the batch after a backoff.
  virtual core::Result<void> accept(std::span<const domain::IncomingPost> posts) = 0;
};

}  // namespace roost::ingest
