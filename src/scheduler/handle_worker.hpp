#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/periodic_worker.hpp"
#include "core/result.hpp"
#include "ingest/identity_changes.hpp"
#include "networks/identity.hpp"
#include "storage/author_handle_repository.hpp"
#include "storage/inbox_repository.hpp"

// Fills the cache of authors' handles (ADR 0032) off the ingest path: the ingest thread only
// stores DIDs; this worker finds the stream and inbox items' authors the cache does not know,
// resolves them at a bounded rate (one DID per resolve_interval, batch_max a round), retries
// failures later with backoff, and checks known handles again after refresh_interval. Its
// cursors over the items live in memory: a restart scans the items once more, cheaply (a
// join on the cache's key). Every DID it resolves is claimed first with a lease (ADR 0035):
// a new author by inserting its row, a due or changed one by leasing its row; so several
// processes on one database resolve each DID once, and one that dies leaves its batch to
// the others when the lease ends.
namespace roost::scheduler {

struct HandleWorkerOptions {
  // The lease owner: one per process (scheduler::make_dispatcher_owner's form); empty: one
  // is made.
  std::string owner;
  std::chrono::milliseconds claim_lease = core::limits::handle_claim_lease;
  std::size_t batch_max = core::limits::handle_worker_batch_max;
  std::size_t scan_rows_max = core::limits::handle_worker_scan_rows_max;
  std::chrono::milliseconds resolve_interval = core::limits::handle_worker_resolve_interval;
  std::chrono::milliseconds poll_interval = core::limits::handle_worker_poll_interval;
  std::chrono::milliseconds retry_base_delay = core::limits::handle_retry_base_delay;
  std::chrono::milliseconds retry_max_delay = core::limits::handle_retry_max_delay;
  std::chrono::milliseconds refresh_interval = core::limits::handle_refresh_interval;
  // The firehose's #identity events (the consumer notes them): a cached DID among them is
  // resolved again at the next round, ahead of everything else.
  ingest::IdentityChanges* identity_changes = nullptr;
  // Routing rules saved before their authors' handles were resolved (migration 0018, ADR
  // 0034): the worker resolves those too, a batch a round, a failure retried with the same
  // backoff. Null: rules are not its business.
  storage::InboxRepository* rules = nullptr;
};

// The wait before the `failures`-th retry (1 for the first): the base doubled per further
// failure, at most the maximum.
std::chrono::milliseconds handle_retry_delay(std::int64_t failures,
                                             const HandleWorkerOptions& options);

struct HandleWorkerCounts {
  std::uint64_t resolved_total = 0;  // answers: a handle, or none verified
  std::uint64_t failed_total = 0;    // no answer (network, 429, timeout): retried later
};

class HandleWorker {
 public:
  HandleWorker(storage::AuthorHandleRepository& handles, networks::IdentityResolver& identities,
               const core::Clock& clock, HandleWorkerOptions options = {})
      : handles_(handles),
        identities_(identities),
        clock_(clock),
        options_(with_owner(std::move(options))),
        worker_(options_.poll_interval, [this] { return round(); }) {}
  ~HandleWorker();
  HandleWorker(const HandleWorker&) = delete;
  HandleWorker& operator=(const HandleWorker&) = delete;

  // One round: #identity changes of cached DIDs, new items' unknown authors, then the cache
  // rows that are due, each claimed with a lease; returns how many DIDs it tried. Tests call
  // it directly (with a zero resolve_interval).
  core::Result<std::size_t> run_once();
  // One round over the routing rules whose author handle has no DID yet (options.rules):
  // each due one resolved and its DID stored; returns how many it tried. A handle that names
  // no one, or a resolver that does not answer, is tried again after the retry delay.
  core::Result<std::size_t> resolve_rule_authors();
  void start();
  // Wakes the thread and joins it (a resolution under way finishes first, bounded by the
  // resolver's timeouts); what the round claimed and did not resolve is released. Idempotent.
  void stop();
  const std::string& owner() const { return options_.owner; }
  HandleWorkerCounts counts() const;

 private:
  static HandleWorkerOptions with_owner(HandleWorkerOptions options);
  core::PeriodicWorker::Next round();
  void resolve(const std::string& did);

  storage::AuthorHandleRepository& handles_;
  networks::IdentityResolver& identities_;
  const core::Clock& clock_;
  HandleWorkerOptions options_;
  // Found with no row after a full batch (not claimed): claimed first next round.
  std::deque<std::string> backlog_;
  std::int64_t stream_items_after_ = 0;
  std::int64_t inbox_items_after_ = 0;
  std::int64_t rules_after_ = 0;  // the rule scan's cursor, back to 0 at the end
  struct RuleRetry {
    std::string author;
    std::int64_t failures = 0;
    std::int64_t next_attempt_at_ms = 0;
  };
  std::map<std::int64_t, RuleRetry> rule_retries_;  // by rule id
  std::atomic<std::uint64_t> resolved_total_{0};
  std::atomic<std::uint64_t> failed_total_{0};
  core::PeriodicWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace roost::scheduler
