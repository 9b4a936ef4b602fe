#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/result.hpp"
#include "networks/network.hpp"
#include "services/profile_alerts.hpp"
#include "services/profile_credentials.hpp"
#include "services/system_status.hpp"
#include "storage/live_event_channel.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/publish_job_repository.hpp"

namespace roost::scheduler {

struct PublishDispatcherOptions {
  // The lease owner: one per process (make_dispatcher_owner), so that a restarted process
  // does not mistake its predecessor's leases for its own.
  std::string owner;
  int attempts_max = core::limits::publish_attempts_max;
  std::chrono::milliseconds retry_base_delay = core::limits::publish_retry_base_delay;
  std::chrono::milliseconds retry_max_delay = core::limits::publish_retry_max_delay;
  int retry_jitter_percent = core::limits::publish_retry_jitter_percent;
  std::chrono::milliseconds claim_lease = core::limits::publish_claim_lease;
  // How long a job's lease must still run before its network calls; 0: every call of the
  // job timing out (the default). serve sets it with --publish-lease-ms: a shorter lease
  // makes a crash cost less delay, at the price of a second send (harmless: the record key)
  // when a call outlives it.
  std::chrono::milliseconds job_lease{0};
  std::size_t batch_max = core::limits::publish_dispatch_batch_max;
  // Jobs of different profiles go out in parallel; one profile's jobs go out in turn (its
  // session refreshes in one place, and its posts keep their order).
  std::size_t threads = core::limits::publish_dispatch_threads;
  std::chrono::milliseconds poll_interval = core::limits::publish_poll_interval;
  std::chrono::milliseconds heartbeat_stale_after = core::limits::publish_heartbeat_stale_after;
  // The base of the links in notifications (services::OutboundSettings::public_url).
  std::string public_url = "http://127.0.0.1:8080";
};

// How long to wait after the `failed_attempts`-th failed attempt (1 for the first): the
// base delay doubled per further failure, capped, then moved by `jitter` (in [-1, 1]) times
// the jitter percentage.
std::chrono::milliseconds publish_retry_delay(int failed_attempts,
                                              const PublishDispatcherOptions& options,
                                              double jitter);

// "<host>-<pid>-<random>": a lease owner no other process has, nor this one's predecessor.
std::string make_dispatcher_owner();

struct PublishDispatchCounts {
  std::uint64_t published_total = 0;       // records created, or found after an unknown outcome
  std::uint64_t found_existing_total = 0;  // of which were found already there
  std::uint64_t retried_total = 0;
  std::uint64_t failed_total = 0;
  std::uint64_t lease_lost_total = 0;  // jobs another claim took over before they ended
};

// The network calls a profile's jobs may make, by network. The dispatcher picks by
// storage::ProfileRecord::network.
struct DispatchNetworks {
  std::vector<networks::Network*> networks;
  networks::Network* find(std::string_view name) const;
};

// Publishes the outbox (ADR 0018): claims due publish jobs with a lease, and for each loads
// its post, the target's text and the profile's session, derives the record key from the
// job (domain::record_key_for_job), records the send (mark_sent) and then makes the
// network call; the at:// URI and CID complete the job (audited by storage). A job claimed
// after an unknown outcome, or sent before, is looked up on the network under its key
// before anything is sent again. Transient failures and rate limits are retried with
// backoff and jitter up to attempts_max sends; a permanent refusal fails the post's target
// and tells the author and the profile's owner; refused credentials put the profile in
// needs_reconnect (its owner is told once) and fail the job. Credentials a call refreshed
// are sealed again. Runs on its own threads; several processes may share one PostgreSQL
// database (the claim is a lease fenced by claim_count).
class PublishDispatcher {
 public:
  PublishDispatcher(storage::PublishJobRepository& jobs, storage::PostRepository& posts,
                    storage::ProfileRepository& profiles, services::ProfileAlerts& alerts,
                    services::ProfileCredentialVault& vault, DispatchNetworks networks,
                    const core::Clock& clock, PublishDispatcherOptions options);
  ~PublishDispatcher();
  PublishDispatcher(const PublishDispatcher&) = delete;
  PublishDispatcher& operator=(const PublishDispatcher&) = delete;

  // One pass: claims what is due now and dispatches it; returns how many jobs it claimed.
  // Tests call it directly (with a clock they control).
  core::Result<std::size_t> run_once();
  // Starts the loop: a pass, then sleep until the next job is due (at most poll_interval),
  // until stop().
  void start();
  // Wakes the loop early (a post was made due in this process). Thread-safe, never blocks.
  void wake();
  // Other processes' wake-ups (ADR 0030): a thread of its own waits on `channel` (PostgreSQL's
  // storage::ChannelTopic::publish_due) and wakes the loop for each but its own (the payload
  // is the owner). Call before start(); nullptr (SQLite, one process) listens to nothing.
  // Announcing to the others is scheduler::DueAnnouncer's (ADR 0035): off the request path.
  void listen_for_due(storage::LiveEventChannel* channel);
  // Wakes the loop and joins it; jobs in flight finish, the rest of the batch waits for its
  // lease to end. Idempotent.
  void stop();

  PublishDispatchCounts counts() const;
  // The last time (clock ms) the loop came round or a job ended; 0 before the first.
  std::int64_t last_heartbeat_ms() const { return heartbeat_ms_.load(); }
  // For /readyz: ok while the loop runs and its heartbeat is fresh.
  services::ReadinessCheck readiness_check() const;

 private:
  struct ProfileBatch;
  struct JobRun;

  void run();
  void listen();
  void dispatch_profile(ProfileBatch& batch);
  void dispatch_job(ProfileBatch& batch, const storage::ClaimedJob& claimed);
  void send(ProfileBatch& batch, JobRun& run);
  void settle_failure(ProfileBatch& batch, JobRun& run, const networks::NetworkError& error);
  void give_up(ProfileBatch& batch, JobRun& run, const std::string& last_error);
  void complete(JobRun& run, const networks::PublishedPost& record, bool found_existing);
  void retry(JobRun& run, std::chrono::milliseconds delay, const std::string& error);
  void fail(ProfileBatch& batch, JobRun& run, const std::string& error);
  void mark_needs_reconnect(ProfileBatch& batch, std::string_view reason);
  core::Result<void> load_credentials(ProfileBatch& batch);
  bool reconnected_meanwhile(ProfileBatch& batch);
  void persist_refreshed_credentials(ProfileBatch& batch);
  bool lease_lost(const core::Result<void>& result, const JobRun& run);
  double next_jitter();
  void beat();
  bool stop_requested();

  storage::PublishJobRepository& jobs_;
  storage::PostRepository& posts_;
  storage::ProfileRepository& profiles_;
  services::ProfileAlerts& alerts_;
  services::ProfileCredentialVault& vault_;
  DispatchNetworks networks_;
  const core::Clock& clock_;
  PublishDispatcherOptions options_;

  std::atomic<std::uint64_t> published_total_{0};
  std::atomic<std::uint64_t> found_existing_total_{0};
  std::atomic<std::uint64_t> retried_total_{0};
  std::atomic<std::uint64_t> failed_total_{0};
  std::atomic<std::uint64_t> lease_lost_total_{0};
  std::atomic<std::int64_t> heartbeat_ms_{0};
  std::atomic<bool> running_{false};

  std::mutex jitter_mutex_;
  std::uint64_t jitter_state_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
  storage::LiveEventChannel* due_channel_ = nullptr;
  std::thread listener_;
};

}  // namespace roost::scheduler
