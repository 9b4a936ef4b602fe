#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ingest/post_sink.hpp"
#include "ingest/stream_matcher.hpp"
#include "services/streams.hpp"

// The streams half of ingestion (ADR 0024): each post of a batch is matched against every
// active stream in one scan, and the matches are stored and announced through
// services::StreamItemRecorder.
//
// Keeping the matcher current: the stream set's revision (a database counter that triggers
// bump, services::Streams::revision) is read once per batch. When it moved, a rebuild thread
// loads the active streams, compiles them and swaps the snapshot in, while batches go on
// matching against the previous one — a compile of 10,000 streams takes about a second
// (bench/matcher). A revision read per batch, rather than a callback from services, also sees
// changes made by another roost process on the same PostgreSQL database, and the cascades of
// deleting a team or an organization.
namespace roost::ingest {

class StreamsSink : public PostSink {
 public:
  StreamsSink(services::Streams& streams, services::StreamItemRecorder& recorder);
  ~StreamsSink() override;
  StreamsSink(const StreamsSink&) = delete;
  StreamsSink& operator=(const StreamsSink&) = delete;

  // The first call compiles the streams before matching (nothing to match against before);
  // later ones hand a moved revision to the rebuild thread and go on with the current
  // snapshot. An error of the database or the recorder leaves the batch to be retried.
  core::Result<void> accept(std::span<const domain::IncomingPost> posts) override;

  // Loads and compiles the active streams now, on the caller's thread (tests, start-up).
  core::Result<void> rebuild_now();
  // The revision the matcher was last compiled from (-1 before the first compile).
  std::int64_t compiled_revision() const;
  MatcherStats matcher_stats() const { return matcher_.stats(); }

 private:
  using TeamOf = std::unordered_map<std::int64_t, core::TeamId>;
  void rebuild_loop(std::stop_token stop);
  std::shared_ptr<const TeamOf> teams() const;

  services::Streams& streams_;
  services::StreamItemRecorder& recorder_;
  StreamMatcher matcher_;
  MatchSession session_;  // accept() runs on the listener's one thread

  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::int64_t compiled_revision_ = -1;
  std::int64_t wanted_revision_ = -1;
  std::shared_ptr<const TeamOf> teams_ = std::make_shared<const TeamOf>();
  std::mutex rebuild_mutex_;
  std::vector<core::StreamId> found_;
  std::vector<services::StreamMatch> matches_;
  std::jthread rebuilder_;  // last: stopped and joined before the members it uses go
};

}  // namespace roost::ingest
