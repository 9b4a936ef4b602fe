#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/notification_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/post_types.hpp"

namespace roost::storage {

// One (post, profile) job of the publishing outbox (ADR 0015). The network's record key
// derives from id and created_at_us (domain::record_key_for_job): storage keeps neither the
// key nor its rule.
struct PublishJobRecord {
  core::PublishJobId id;
  core::OrgId org;
  core::PostId post;
  core::ProfileId profile;
  PublishJobState state = PublishJobState::queued;
  std::int64_t due_at_ms = 0;           // the post's instant
  std::int64_t next_attempt_at_ms = 0;  // due_at_ms, or later after a retry
  std::int64_t attempts = 0;            // sends started (mark_sent)
  std::string lease_owner;
  std::int64_t lease_expires_at_ms = 0;
  std::int64_t claim_count = 0;
  // The last send started. A retry keeps it: a send that ended without an answer leaves
  // the record possibly on the network whatever came after (attempts > 0 says the same).
  std::optional<std::int64_t> sent_at_ms;
  std::string last_error;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_ms = 0;
};

// What a claim hands its owner: every later change of the job names it. claim_count is the
// fencing token: once the lease ended and the job was claimed again (by anyone, the same
// owner too), the old lease no longer changes the job.
struct JobLease {
  core::PublishJobId job;
  std::string owner;
  std::int64_t claim_count = 0;
};

// A job with job.attempts > 0 was sent before (its lease ended, or a retry followed an
// answer that never came): its record may exist, so the network is checked before sending
// again.
struct ClaimedJob {
  PublishJobRecord job;
  JobLease lease;
};

// A job that ended, and the state its post is in after it.
struct JobOutcome {
  PublishJobRecord job;
  PostState post_state = PostState::publishing;
};

struct PublishJobCounts {
  std::int64_t queued = 0;
  std::int64_t claimed = 0;
  std::int64_t sent = 0;
  std::int64_t done = 0;
  std::int64_t failed = 0;
  std::int64_t cancelled = 0;
};

// The dispatcher's side of the outbox. Claiming is safe with several processes on one
// PostgreSQL database (FOR UPDATE SKIP LOCKED: no job is claimed twice, and claimers do not
// wait for each other) and in one process on SQLite (one writer). A lease that is no longer
// the job's current one (see JobLease) is ErrorCode::conflict; a job that is gone (its
// profile was removed) is ErrorCode::not_found.
class PublishJobRepository {
 public:
  explicit PublishJobRepository(Database& database) : database_(database) {}

  // Claims for `owner` until now_ms + lease_ms, at most `max` (capped at
  // limits::publish_claim_batch_max) jobs, oldest due first: the queued ones due at now_ms,
  // and the claimed or sent ones whose lease has ended. Their targets become publishing,
  // their posts publishing.
  core::Result<std::vector<ClaimedJob>> claim_due(std::int64_t now_ms, const std::string& owner,
                                                  std::int64_t lease_ms, std::size_t max);
  // Recorded before the network call: a job found sent after its lease ended has an
  // unknown outcome. Counts the attempt.
  core::Result<void> mark_sent(const JobLease& lease, std::int64_t now_ms);
  // The record exists on the network: the job is done, its target published with the
  // record, and the post published once every target is. Audit: post.published, with the
  // at:// URI, in the same transaction.
  core::Result<JobOutcome> complete(const JobLease& lease, const RecordRef& record,
                                    std::int64_t now_ms);
  // A transient failure: queued again, due at next_attempt_at_ms, the lease released.
  // attempts and sent_at_ms stay: the send may have reached the network.
  core::Result<PublishJobRecord> retry(const JobLease& lease, std::int64_t next_attempt_at_ms,
                                       const std::string& error, std::int64_t now_ms);
  // A permanent failure: the job and its target failed, the post failed once no target is
  // left to publish. Audit: post.publish_failed, with the error. `notices` (the author's and
  // the profile owner's) are written in the same transaction: told once, and only if it
  // failed.
  core::Result<JobOutcome> fail(const JobLease& lease, const std::string& error,
                                std::int64_t now_ms,
                                const std::vector<NotificationDraft>& notices = {});
  // Moves the lease's end to lease_expires_at_ms (a slow network call).
  core::Result<void> extend_lease(const JobLease& lease, std::int64_t lease_expires_at_ms,
                                  std::int64_t now_ms);
  // The earliest instant a job becomes claimable (due, or its lease ends); empty when none
  // will: how long the dispatcher may sleep.
  core::Result<std::optional<std::int64_t>> next_due_at();
  core::Result<PublishJobCounts> count_by_state();
  core::Result<std::optional<PublishJobRecord>> find(core::PublishJobId job);
  core::Result<std::optional<PublishJobRecord>> find_for_target(core::PostId post,
                                                                core::ProfileId profile);

 private:
  Database& database_;
};

}  // namespace roost::storage
