#pragma once

#include <vector>

#include "ingest/post_sink.hpp"

namespace roost::ingest {

// Hands each batch to several sinks in order (the streams matcher, then the inbox router).
// The first error is the batch's: the listener retries the whole batch, so a sink that
// accepted it already gets it again, which the PostSink contract (idempotent) allows.
// With no sink added, every batch is accepted and dropped.
class CompositePostSink final : public PostSink {
 public:
  void add(PostSink& sink) { sinks_.push_back(&sink); }

  core::Result<void> accept(std::span<const domain::IncomingPost> posts) override {
    for (PostSink* sink : sinks_) {
      if (auto accepted = sink->accept(posts); !accepted.ok()) return accepted;
    }
    return core::success();
  }

 private:
  std::vector<PostSink*> sinks_;
};

}  // namespace roost::ingest
