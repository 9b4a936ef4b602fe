#include "storage/publish_job_repository.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/utf8.hpp"
#include "storage/audit_repository.hpp"
#include "storage/post_lifecycle.hpp"
#include "storage/postgres/publish_job_claim.hpp"
#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

// The columns of to_job(), each prefixed with `prefix`.
std::string job_columns(std::string_view prefix) {
  static constexpr std::array<std::string_view, 15> names{"id",
                                                          "org_id",
                                                          "post_id",
                                                          "profile_id",
                                                          "state",
                                                          "due_at_ms",
                                                          "next_attempt_at_ms",
                                                          "attempts",
                                                          "lease_owner",
                                                          "lease_expires_at_ms",
                                                          "claim_count",
                                                          "sent_at_ms",
                                                          "last_error",
                                                          "created_at_us",
                                                          "updated_at_ms"};
  std::string list;
  for (auto name : names) {
    if (!list.empty()) list += ", ";
    list += prefix;
    list += name;
  }
  return list;
}

PublishJobRecord to_job(const Row& row) {
  PublishJobRecord job;
  job.id = core::PublishJobId{row.integer(0)};
  job.org = core::OrgId{row.integer(1)};
  job.post = core::PostId{row.integer(2)};
  job.profile = core::ProfileId{row.integer(3)};
  job.state = parse_publish_job_state(row.text(4)).value_or(PublishJobState::queued);
  job.due_at_ms = row.integer(5);
  job.next_attempt_at_ms = row.integer(6);
  job.attempts = row.integer(7);
  job.lease_owner = row.text(8);
  job.lease_expires_at_ms = row.integer(9);
  job.claim_count = row.integer(10);
  job.sent_at_ms = row.optional_integer(11);
  job.last_error = row.text(12);
  job.created_at_us = row.integer(13);
  job.updated_at_ms = row.integer(14);
  return job;
}

// A claimable job: queued and due, or held under a lease that has ended. $1 is now_ms.
constexpr std::string_view claimable =
    "((state = 'queued' AND next_attempt_at_ms <= $1) "
    "OR (state IN ('claimed', 'sent') AND lease_expires_at_ms <= $1))";

// The lease's conditions, with $1 the job, $2 the owner and $3 the claim count.
constexpr std::string_view held =
    "id = $1 AND lease_owner = $2 AND claim_count = $3 AND state IN ('claimed', 'sent')";

std::vector<Value> lease_params(const JobLease& lease) {
  return {lease.job.value, lease.owner, lease.claim_count};
}

// Why a statement guarded by `held` changed nothing: the job is gone, or the lease is not
// its current one.
core::Error lease_error(Transaction& transaction, const JobLease& lease) {
  auto row = transaction.query_one("SELECT state, lease_owner FROM publish_jobs WHERE id = $1",
                                   {lease.job.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return core::make_error(core::ErrorCode::not_found, "no such publish job");
  return core::make_error(core::ErrorCode::conflict, "the lease of publish job " +
                                                         std::to_string(lease.job.value) +
                                                         " is no longer held by " + lease.owner +
                                                         " (the job is " + (*row)->text(0) + ")");
}

// At most limits::publish_error_bytes_max bytes, cut at a UTF-8 character boundary (the
// database keeps only valid UTF-8 text).
std::string bounded_error(const std::string& error) {
  return std::string(core::utf8_prefix(error, core::limits::publish_error_bytes_max));
}

// Ends the job held by `lease` in `state` (done or failed) and returns it.
core::Result<PublishJobRecord> end_job(Transaction& transaction, const JobLease& lease,
                                       PublishJobState state, const std::string& error,
                                       std::int64_t now_ms) {
  auto params = lease_params(lease);
  params.emplace_back(std::string(publish_job_state_name(state)));
  params.emplace_back(error);
  params.emplace_back(now_ms);
  auto row = transaction.query_one(
      "UPDATE publish_jobs SET state = $4, last_error = $5, "
      "lease_expires_at_ms = 0, updated_at_ms = $6 WHERE " +
          std::string(held) + " RETURNING " + job_columns(""),
      params);
  if (!row) return std::move(row).error();
  if (!row->has_value()) return lease_error(transaction, lease);
  return to_job(**row);
}

// The outbox's writes are the contended ones (several processes claim and settle jobs,
// locking jobs and posts together): PostgreSQL runs them again after a deadlock or a
// serialization failure (ADR 0030). Each work sets what it returns, so a rerun is safe.
core::Result<void> rerunnable_write(Database& database, const TransactionWork& work) {
  return database.transact_rerunnable(TransactionMode::read_write, work);
}

core::Result<void> append_job_audit(Transaction& transaction, const PublishJobRecord& job,
                                    std::string_view action, nlohmann::json details,
                                    std::int64_t now_ms) {
  details["profile_id"] = job.profile.value;
  details["job_id"] = job.id.value;
  AuditEvent event;
  event.org = job.org;
  event.action = std::string(action);
  event.target = "post:" + std::to_string(job.post.value);
  event.details_json = details.dump();
  event.created_at_ms = now_ms;
  return append_audit_event(transaction, event);
}

}  // namespace

core::Result<std::vector<ClaimedJob>> PublishJobRepository::claim_due(std::int64_t now_ms,
                                                                      const std::string& owner,
                                                                      std::int64_t lease_ms,
                                                                      std::size_t max) {
  const auto count =
      static_cast<std::int64_t>(std::min(max, core::limits::publish_claim_batch_max));
  std::vector<ClaimedJob> claimed;
  auto done = rerunnable_write(database_, [&](Transaction& transaction) {
    claimed.clear();  // a rerun (after a deadlock) starts over
    // SQLite has one writer: the subquery and the update see the same rows.
    const std::string sql =
        transaction.backend() == Backend::postgres
            ? postgres::claim_publish_jobs_sql(claimable, job_columns("publish_jobs."))
            : "UPDATE publish_jobs SET state = 'claimed', lease_owner = $2, "
              "lease_expires_at_ms = $3, claim_count = claim_count + 1, updated_at_ms = $1 "
              "WHERE id IN (SELECT id FROM publish_jobs WHERE " +
                  std::string(claimable) + " ORDER BY next_attempt_at_ms, id LIMIT $4) RETURNING " +
                  job_columns("");
    auto rows = transaction.query(sql, {now_ms, owner, now_ms + lease_ms, count});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      ClaimedJob job{to_job(row), {}};
      job.lease = JobLease{job.job.id, owner, job.job.claim_count};
      claimed.push_back(std::move(job));
    }
    // RETURNING gives no order: hand them out oldest due first.
    std::sort(claimed.begin(), claimed.end(), [](const ClaimedJob& a, const ClaimedJob& b) {
      return std::pair(a.job.next_attempt_at_ms, a.job.id) <
             std::pair(b.job.next_attempt_at_ms, b.job.id);
    });
    // The lock order of post_lifecycle.hpp: the jobs, the posts (by id: two claims of jobs
    // of the same posts lock them in the same order), then the targets.
    std::set<std::int64_t> posts;
    for (const auto& job : claimed) posts.insert(job.job.post.value);
    for (auto post_id : posts) {
      auto post = transaction.execute(
          "UPDATE posts SET state = CASE WHEN state = 'scheduled' THEN 'publishing' "
          "ELSE state END, updated_at_ms = CASE WHEN state = 'scheduled' THEN $2 "
          "ELSE updated_at_ms END WHERE id = $1",
          {post_id, now_ms});
      if (!post) return core::Result<void>(std::move(post).error());
    }
    for (const auto& job : claimed) {
      auto target = transaction.execute(
          "UPDATE post_targets SET state = 'publishing' "
          "WHERE post_id = $1 AND profile_id = $2 AND state = 'pending'",
          {job.job.post.value, job.job.profile.value});
      if (!target) return core::Result<void>(std::move(target).error());
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return claimed;
}

core::Result<void> PublishJobRepository::mark_sent(const JobLease& lease, std::int64_t now_ms) {
  return rerunnable_write(database_, [&](Transaction& transaction) {
    auto params = lease_params(lease);
    params.emplace_back(now_ms);
    auto changed = transaction.execute(
        "UPDATE publish_jobs SET state = 'sent', sent_at_ms = $4, attempts = attempts + 1, "
        "updated_at_ms = $4 WHERE " +
            std::string(held),
        params);
    if (!changed) return core::Result<void>(std::move(changed).error());
    if (*changed == 0) return core::Result<void>(lease_error(transaction, lease));
    return core::success();
  });
}

core::Result<JobOutcome> PublishJobRepository::complete(const JobLease& lease,
                                                        const RecordRef& record,
                                                        std::int64_t now_ms) {
  JobOutcome outcome;
  auto done = rerunnable_write(database_, [&](Transaction& transaction) {
    auto job = end_job(transaction, lease, PublishJobState::done, "", now_ms);
    if (!job) return core::Result<void>(std::move(job).error());
    if (auto locked = post_lifecycle::lock_post(transaction, job->post); !locked) {
      return core::Result<void>(std::move(locked).error());
    }
    auto target = transaction.execute(
        "UPDATE post_targets SET state = 'published', published_uri = $3, published_cid = $4, "
        "published_at_ms = $5, last_error = '' WHERE post_id = $1 AND profile_id = $2",
        {job->post.value, job->profile.value, record.uri, record.cid, now_ms});
    if (!target) return core::Result<void>(std::move(target).error());
    auto settled = post_lifecycle::settle(transaction, job->post, now_ms);
    if (!settled) return core::Result<void>(std::move(settled).error());
    if (auto appended = append_job_audit(transaction, *job, "post.published",
                                         {{"uri", record.uri}, {"cid", record.cid}}, now_ms);
        !appended) {
      return appended;
    }
    outcome = JobOutcome{std::move(*job), *settled};
    return core::success();
  });
  if (!done) return std::move(done).error();
  return outcome;
}

core::Result<PublishJobRecord> PublishJobRepository::retry(const JobLease& lease,
                                                           std::int64_t next_attempt_at_ms,
                                                           const std::string& error,
                                                           std::int64_t now_ms) {
  PublishJobRecord retried;
  auto done = rerunnable_write(database_, [&](Transaction& transaction) {
    auto params = lease_params(lease);
    params.emplace_back(next_attempt_at_ms);
    params.emplace_back(bounded_error(error));
    params.emplace_back(now_ms);
    // sent_at_ms stays: a failure the dispatcher retries may be an unanswered send, so the
    // job still counts as sent (a cancel must not race a record that may exist).
    auto row = transaction.query_one(
        "UPDATE publish_jobs SET state = 'queued', next_attempt_at_ms = $4, last_error = $5, "
        "lease_owner = '', lease_expires_at_ms = 0, updated_at_ms = $6 "
        "WHERE " +
            std::string(held) + " RETURNING " + job_columns(""),
        params);
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::Result<void>(lease_error(transaction, lease));
    retried = to_job(**row);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return retried;
}

core::Result<JobOutcome> PublishJobRepository::fail(const JobLease& lease, const std::string& error,
                                                    std::int64_t now_ms,
                                                    const std::vector<NotificationDraft>& notices) {
  const std::string bounded = bounded_error(error);
  JobOutcome outcome;
  auto done = rerunnable_write(database_, [&](Transaction& transaction) {
    auto job = end_job(transaction, lease, PublishJobState::failed, bounded, now_ms);
    if (!job) return core::Result<void>(std::move(job).error());
    if (auto locked = post_lifecycle::lock_post(transaction, job->post); !locked) {
      return core::Result<void>(std::move(locked).error());
    }
    auto target = transaction.execute(
        "UPDATE post_targets SET state = 'failed', last_error = $3 "
        "WHERE post_id = $1 AND profile_id = $2",
        {job->post.value, job->profile.value, bounded});
    if (!target) return core::Result<void>(std::move(target).error());
    auto settled = post_lifecycle::settle(transaction, job->post, now_ms);
    if (!settled) return core::Result<void>(std::move(settled).error());
    if (auto appended = append_job_audit(transaction, *job, "post.publish_failed",
                                         {{"error", bounded}}, now_ms);
        !appended) {
      return appended;
    }
    for (const auto& notice : notices) {
      if (auto appended = append_notification(transaction, notice); !appended) {
        return core::Result<void>(std::move(appended).error());
      }
    }
    outcome = JobOutcome{std::move(*job), *settled};
    return core::success();
  });
  if (!done) return std::move(done).error();
  return outcome;
}

core::Result<void> PublishJobRepository::extend_lease(const JobLease& lease,
                                                      std::int64_t lease_expires_at_ms,
                                                      std::int64_t now_ms) {
  return rerunnable_write(database_, [&](Transaction& transaction) {
    auto params = lease_params(lease);
    params.emplace_back(lease_expires_at_ms);
    params.emplace_back(now_ms);
    auto changed = transaction.execute(
        "UPDATE publish_jobs SET lease_expires_at_ms = $4, updated_at_ms = $5 WHERE " +
            std::string(held),
        params);
    if (!changed) return core::Result<void>(std::move(changed).error());
    if (*changed == 0) return core::Result<void>(lease_error(transaction, lease));
    return core::success();
  });
}

core::Result<std::optional<std::int64_t>> PublishJobRepository::next_due_at() {
  std::optional<std::int64_t> next;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto row = transaction.query_one(
        "SELECT (SELECT MIN(next_attempt_at_ms) FROM publish_jobs WHERE state = 'queued'), "
        "(SELECT MIN(lease_expires_at_ms) FROM publish_jobs WHERE state IN ('claimed', 'sent'))");
    if (!row) return core::Result<void>(std::move(row).error());
    for (std::size_t column = 0; column < 2; ++column) {
      if (auto at = (*row)->optional_integer(column)) next = next ? std::min(*next, *at) : *at;
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return next;
}

core::Result<PublishJobCounts> PublishJobRepository::count_by_state() {
  auto rows = query_all(database_, "SELECT state, COUNT(*) FROM publish_jobs GROUP BY state", {},
                        [](const Row& row) { return std::pair(row.text(0), row.integer(1)); });
  if (!rows) return std::move(rows).error();
  PublishJobCounts counts;
  for (const auto& [name, count] : *rows) {
    switch (parse_publish_job_state(name).value_or(PublishJobState::queued)) {
      case PublishJobState::queued: counts.queued = count; break;
      case PublishJobState::claimed: counts.claimed = count; break;
      case PublishJobState::sent: counts.sent = count; break;
      case PublishJobState::done: counts.done = count; break;
      case PublishJobState::failed: counts.failed = count; break;
      case PublishJobState::cancelled: counts.cancelled = count; break;
    }
  }
  return counts;
}

core::Result<std::optional<PublishJobRecord>> PublishJobRepository::find(core::PublishJobId job) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + job_columns("") + " FROM publish_jobs WHERE id = $1",
                        {job.value}, to_job);
}

core::Result<std::optional<PublishJobRecord>> PublishJobRepository::find_for_target(
    core::PostId post, core::ProfileId profile) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + job_columns("") + " FROM publish_jobs WHERE post_id = $1 AND profile_id = $2",
      {post.value, profile.value}, to_job);
}

}  // namespace roost::storage
