#pragma once

#include "ingest/post_sink.hpp"
#include "services/inbox.hpp"

namespace roost::ingest {

// Hands a listener's posts to the team inbox (services::Inbox::ingest: idempotent, so a
// replayed batch is accepted again and changes nothing). app/ composes it with the streams.
class InboxSink final : public PostSink {
 public:
  explicit InboxSink(services::Inbox& inbox) : inbox_(inbox) {}
  core::Result<void> accept(std::span<const domain::IncomingPost> posts) override;

 private:
  services::Inbox& inbox_;
};

}  // namespace roost::ingest
