#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "ingest/identity_changes.hpp"
#include "ingest/post_sink.hpp"
#include "ingest/source.hpp"
#include "services/system_status.hpp"
#include "storage/ingest_cursor_repository.hpp"

// The network listener of ingest/: a WebSocket client of a Bluesky firehose
// (com.atproto.sync.subscribeRepos) or of Jetstream, on its own thread and io_context. It
// decodes every message, hands the created posts to a PostSink in batches and persists its
// cursor after each accepted batch; it reconnects with backoff and resumes from the cursor.
// ADR 0023 holds the cursor semantics and the idempotency contract.
namespace roost::ingest {

struct ConsumerOptions {
  std::string source_url;  // ws:// or wss:// (source.hpp); also the cursor's key
  SourceKind kind = SourceKind::firehose;
  std::size_t batch_posts_max = core::limits::ingest_batch_posts_max;
  std::chrono::milliseconds batch_window = core::limits::ingest_batch_window;
  std::int64_t cursor_save_events = core::limits::ingest_cursor_save_events;
  std::chrono::milliseconds cursor_save_interval = core::limits::ingest_cursor_save_interval;
  std::chrono::milliseconds reconnect_base_delay = core::limits::ingest_reconnect_base_delay;
  std::chrono::milliseconds reconnect_max_delay = core::limits::ingest_reconnect_max_delay;
  int reconnect_jitter_percent = core::limits::ingest_reconnect_jitter_percent;
  std::chrono::milliseconds healthy_connection = core::limits::ingest_healthy_connection;
  std::chrono::milliseconds idle_timeout = core::limits::ingest_idle_timeout;
  std::chrono::milliseconds connect_timeout = core::limits::ingest_connect_timeout;
  std::chrono::milliseconds stale_after = core::limits::ingest_stale_after;
  // Where #identity events' DIDs go (ADR 0032); none: they only move the cursor.
  IdentityChanges* identity_changes = nullptr;
};

// Totals since start, for /metrics.
struct ConsumerCounts {
  std::uint64_t frames = 0;         // messages read
  std::uint64_t posts = 0;          // posts the sink accepted
  std::uint64_t decode_errors = 0;  // messages skipped as undecodable
  std::uint64_t reconnects = 0;     // connections lost or refused, then retried
  std::uint64_t sink_errors = 0;    // accept() failures (the batch was retried)
};

// What /readyz reports.
struct ConsumerStatus {
  bool connected = false;
  std::int64_t last_frame_ms = 0;  // 0: no frame yet
  std::int64_t lag_ms = 0;         // now - the last event's own time, when it read
  std::string last_problem;        // why the last connection ended; empty when none
};

class FirehoseConsumer {
 public:
  // `options.source_url` must parse (parse_source_url): checked by create.
  static core::Result<std::unique_ptr<FirehoseConsumer>> create(
      storage::IngestCursorRepository& cursors, PostSink& sink, const core::Clock& clock,
      ConsumerOptions options);
  ~FirehoseConsumer();
  FirehoseConsumer(const FirehoseConsumer&) = delete;
  FirehoseConsumer& operator=(const FirehoseConsumer&) = delete;

  // Reads the persisted cursor and starts the thread. Once per object; an error (the
  // database does not answer) starts nothing: starting live would lose the missed posts.
  core::Result<void> start();
  // Ends the connection, joins the thread and saves the cursor of the last accepted batch
  // (a batch not accepted yet comes again after the next start). Idempotent.
  void stop();

  ConsumerCounts counts() const;
  ConsumerStatus status() const;
  // "ingest": ok while connected and a frame came within stale_after; otherwise a failing
  // check that degrades /readyz without making the instance unready (a stalled relay must
  // not take the API out of its load balancer).
  services::ReadinessCheck readiness_check() const;

 private:
  class Connection;  // the reconnect loop and its coroutines (firehose_consumer.cpp)
  FirehoseConsumer(storage::IngestCursorRepository& cursors, PostSink& sink,
                   const core::Clock& clock, ConsumerOptions options, SourceUrl url);
  struct Runtime;

  storage::IngestCursorRepository& cursors_;
  PostSink& sink_;
  const core::Clock& clock_;
  ConsumerOptions options_;
  SourceUrl url_;
  std::unique_ptr<Runtime> runtime_;
  std::thread thread_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};

  // Written by the consumer's thread, read by any.
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<std::uint64_t> posts_{0};
  std::atomic<std::uint64_t> decode_errors_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> sink_errors_{0};
  std::atomic<bool> connected_{false};
  std::atomic<std::int64_t> last_frame_ms_{0};
  std::atomic<std::int64_t> lag_ms_{0};
  mutable std::mutex status_mutex_;
  std::string last_problem_;

  // The consumer's thread only (and stop(), after the join).
  std::optional<std::int64_t> accepted_cursor_;   // every post up to it was accepted
  std::optional<std::int64_t> processed_cursor_;  // the last event read (its posts may wait)
  std::optional<std::int64_t> saved_cursor_;
  std::int64_t events_since_save_ = 0;
  std::int64_t last_save_ms_ = 0;

  void save_cursor(bool force);
  void set_problem(std::string problem);
};

// The delay before the `failed_attempts`-th reconnect in a row (jitter in [-1, 1]).
std::chrono::milliseconds reconnect_delay(int failed_attempts, const ConsumerOptions& options,
                                          double jitter);

}  // namespace roost::ingest
