#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "core/periodic_worker.hpp"
#include "ingest/firehose_consumer.hpp"
#include "ingest/post_sink.hpp"
#include "services/system_status.hpp"
#include "storage/ingest_cursor_repository.hpp"
#include "storage/ingest_leader_lock.hpp"

// Which roost process consumes the ingest source (ADR 0027): the one holding the ingest
// leader lock. Every process started with --ingest-source runs this loop on a thread of its
// own: a standby tries the lock every `retry_interval`; once it holds it, it starts a
// FirehoseConsumer, which resumes from the saved cursor (the sinks are idempotent, so what
// the previous leader accepted after its last saved cursor is accepted again, not doubled);
// the leader checks the lock as often, and stops its consumer the moment the lock is lost.
namespace roost::ingest {

// How often a standby tries the lock, and how often the leader checks it still holds it: the
// longest a dead leader's posts wait for a standby (plus the new consumer's connect).
inline constexpr std::chrono::milliseconds leader_retry_default{2'000};

struct LeadershipOptions {
  std::chrono::milliseconds retry_interval = leader_retry_default;
};

class IngestLeadership {
 public:
  // `consumer.source_url` must parse (parse_source_url): checked here, so that a bad URL
  // fails at start-up, not at the first takeover.
  static core::Result<std::unique_ptr<IngestLeadership>> create(
      storage::IngestLeaderLock& lock, storage::IngestCursorRepository& cursors, PostSink& sink,
      const core::Clock& clock, ConsumerOptions consumer, LeadershipOptions options);
  ~IngestLeadership();
  IngestLeadership(const IngestLeadership&) = delete;
  IngestLeadership& operator=(const IngestLeadership&) = delete;

  // Makes the first attempt before returning (a single process is consuming when start
  // returns), then starts the thread. Once per object.
  void start();
  // Stops the consumer (its cursor saved), releases the lock, joins the thread. Idempotent.
  void stop();

  bool leader() const;
  // Totals over every consumer this process has run; connected and lag are the current one's.
  ConsumerCounts counts() const;
  ConsumerStatus status() const;
  // Times this process became the leader.
  std::uint64_t takeovers() const;
  // "ingest": the leader's is its consumer's check, its detail prefixed "leader: "; a
  // standby is healthy ("standby: ..."), another process consumes.
  services::ReadinessCheck readiness_check() const;

 private:
  IngestLeadership(storage::IngestLeaderLock& lock, storage::IngestCursorRepository& cursors,
                   PostSink& sink, const core::Clock& clock, ConsumerOptions consumer,
                   LeadershipOptions options);
  void attempt();  // one turn of the loop: try the lock as a standby, check it as the leader
  void become_leader();
  void become_standby(const std::string& why);

  storage::IngestLeaderLock& lock_;
  storage::IngestCursorRepository& cursors_;
  PostSink& sink_;
  const core::Clock& clock_;
  ConsumerOptions consumer_options_;
  LeadershipOptions options_;

  bool started_ = false;
  std::atomic<bool> stopped_{false};

  // The loop's thread writes (under state_mutex_), any thread reads.
  mutable std::mutex state_mutex_;
  std::unique_ptr<FirehoseConsumer> consumer_;  // set while the leader
  ConsumerCounts retired_;                      // totals of the consumers stopped already
  std::uint64_t takeovers_ = 0;
  std::string standby_detail_ = "standby: not tried yet";

  // Last: its thread (the attempts after the first) stops before the members it uses go.
  core::PeriodicWorker worker_;
};

}  // namespace roost::ingest
