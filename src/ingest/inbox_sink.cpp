#include "ingest/inbox_sink.hpp"

namespace roost::ingest {

core::Result<void> InboxSink::accept(std::span<const domain::IncomingPost> posts) {
  auto ingested = inbox_.ingest(posts);
  if (!ingested) return std::move(ingested).error();
  return core::success();
}

}  // namespace roost::ingest
