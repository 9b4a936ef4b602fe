// The publish outbox's contract on both backends: due jobs are claimed once under a lease,
// also by claimers racing on separate connections; a lease that ended is reclaimable and
// its old holder can change nothing; a send whose outcome is unknown is reported as such;
// a publish is audited with its at:// URI and the post ends as its targets say.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "post_fixture.hpp"
#include "storage/audit_repository.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t lease_ms = 60'000;
const RecordRef london_record{"at://did:plc:london/app.bsky.feed.post/3kabc", "bafylondon"};
const RecordRef sthlm_record{"at://did:plc:sthlm/app.bsky.feed.post/3kdef", "bafysthlm"};

class PublishJobRepositoryContract : public PostFixture {
 protected:
  PublishJobCounts counts() {
    auto counted = jobs_->count_by_state();
    EXPECT_TRUE(succeeded(counted));
    return counted.ok() ? *counted : PublishJobCounts{-1, -1, -1, -1, -1, -1};
  }

  std::optional<std::int64_t> next_due_at() {
    auto next = jobs_->next_due_at();
    EXPECT_TRUE(succeeded(next));
    return next.ok() ? *next : std::optional<std::int64_t>{-1};
  }

  // The details of the organization's last audit event with `action`.
  std::string last_details(const std::string& action) {
    auto events = AuditRepository(database()).list_for_org(acme_, 1'000);
    EXPECT_TRUE(succeeded(events));
    std::string details;
    if (events.ok()) {
      for (const auto& record : *events) {
        if (record.event.action == action) details = record.event.details_json;
      }
    }
    return details;
  }
};

TEST_P(PublishJobRepositoryContract, ClaimsWhatIsDueOldestFirstOnceWhileTheLeaseLasts) {
  auto later = scheduled({paris_}, start_ms + hour_ms);
  auto post = scheduled({london_, stockholm_}, start_ms);
  EXPECT_EQ(next_due_at(), start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].job.post, post.id);
  EXPECT_EQ(claimed[0].job.state, PublishJobState::claimed);
  EXPECT_EQ(claimed[0].job.lease_owner, "worker-1");
  EXPECT_EQ(claimed[0].job.lease_expires_at_ms, start_ms + lease_ms);
  EXPECT_EQ(claimed[0].job.claim_count, 1);
  EXPECT_EQ(claimed[0].lease.claim_count, 1);
  EXPECT_EQ(claimed[0].lease.owner, "worker-1");
  EXPECT_EQ(claimed[0].job.sent_at_ms, std::nullopt);
  EXPECT_LT(claimed[0].job.id, claimed[1].job.id);
  // The post and its targets are publishing; nothing more is due until the later post.
  auto publishing = find(post.id);
  EXPECT_EQ(publishing.state, PostState::publishing);
  EXPECT_EQ(publishing.targets[0].state, TargetState::publishing);
  EXPECT_TRUE(claim(start_ms + 1'000, "worker-2").empty());
  EXPECT_EQ(next_due_at(), start_ms + lease_ms);  // the first lease to end
  EXPECT_EQ(find(later.id).state, PostState::scheduled);
  auto later_jobs = claim(start_ms + hour_ms, "worker-2", 2 * hour_ms);
  ASSERT_EQ(later_jobs.size(), 3u);  // the later post, and the two leases that ended
  EXPECT_EQ(counts().claimed, 3);
}

TEST_P(PublishJobRepositoryContract, ClaimsAtMostMax) {
  scheduled({london_, stockholm_, paris_}, start_ms);
  EXPECT_EQ(claim(start_ms, "w", lease_ms, 2).size(), 2u);
  EXPECT_EQ(claim(start_ms, "w", lease_ms, 2).size(), 1u);
  EXPECT_TRUE(claim(start_ms, "w", lease_ms, 2).empty());
}

TEST_P(PublishJobRepositoryContract, CompletingEveryTargetPublishesThePostAndAuditsTheUri) {
  auto post = scheduled({london_, stockholm_}, start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(succeeded(jobs_->mark_sent(claimed[0].lease, start_ms + 10)));
  auto sent = jobs_->find(claimed[0].job.id);
  ASSERT_TRUE(succeeded(sent));
  EXPECT_EQ((*sent)->state, PublishJobState::sent);
  EXPECT_EQ((*sent)->attempts, 1);
  EXPECT_EQ((*sent)->sent_at_ms, start_ms + 10);
  auto first = jobs_->complete(claimed[0].lease, london_record, start_ms + 20);
  ASSERT_TRUE(succeeded(first));
  EXPECT_EQ(first->job.state, PublishJobState::done);
  EXPECT_EQ(first->post_state, PostState::publishing);  // Stockholm is still under way
  EXPECT_NE(last_details("post.published").find(london_record.uri), std::string::npos);
  ASSERT_TRUE(succeeded(jobs_->mark_sent(claimed[1].lease, start_ms + 30)));
  auto second = jobs_->complete(claimed[1].lease, sthlm_record, start_ms + 40);
  ASSERT_TRUE(succeeded(second));
  EXPECT_EQ(second->post_state, PostState::published);
  auto published = find(post.id);
  EXPECT_EQ(published.state, PostState::published);
  EXPECT_EQ(published.targets[0].state, TargetState::published);
  EXPECT_EQ(published.targets[0].published, london_record);
  EXPECT_EQ(published.targets[0].published_at_ms, start_ms + 20);
  EXPECT_EQ(published.targets[1].published, sthlm_record);
  EXPECT_NE(last_details("post.published").find(sthlm_record.uri), std::string::npos);
  auto actions = audit_actions(acme_);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "post.published"), 2);
  EXPECT_EQ(counts().done, 2);
  EXPECT_EQ(next_due_at(), std::nullopt);
  // Done is done: completing again is a conflict.
  EXPECT_TRUE(failed_with(jobs_->complete(claimed[0].lease, london_record, start_ms + 50),
                          core::ErrorCode::conflict));
}

TEST_P(PublishJobRepositoryContract, ARetryIsQueuedForLaterAndAFailureFailsThePost) {
  auto post = scheduled({london_, stockholm_}, start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(succeeded(jobs_->mark_sent(claimed[0].lease, start_ms)));
  auto retried = jobs_->retry(claimed[0].lease, start_ms + 5'000, "HTTP 503", start_ms + 1);
  ASSERT_TRUE(succeeded(retried));
  EXPECT_EQ(retried->state, PublishJobState::queued);
  EXPECT_EQ(retried->next_attempt_at_ms, start_ms + 5'000);
  EXPECT_EQ(retried->last_error, "HTTP 503");
  EXPECT_EQ(retried->sent_at_ms, start_ms);  // the send may have reached the network
  EXPECT_EQ(retried->lease_owner, "");
  // The old lease is spent.
  EXPECT_TRUE(failed_with(jobs_->complete(claimed[0].lease, london_record, start_ms + 2),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(claim(start_ms + 4'999).empty());
  auto again = claim(start_ms + 5'000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].job.attempts, 1);
  EXPECT_EQ(again[0].job.claim_count, 2);
  EXPECT_EQ(again[0].job.sent_at_ms, start_ms);  // sent before: looked up before a resend
  ASSERT_TRUE(succeeded(jobs_->complete(again[0].lease, london_record, start_ms + 5'001)));
  std::string long_error(3'000, 'x');
  long_error.replace(999, 2, "\xC3\xA9");  // a two-byte character across the cut
  auto failed = jobs_->fail(claimed[1].lease, long_error, start_ms + 6'000);
  ASSERT_TRUE(succeeded(failed));
  EXPECT_EQ(failed->job.state, PublishJobState::failed);
  EXPECT_EQ(failed->job.last_error.size(), 999u);
  EXPECT_EQ(failed->post_state, PostState::failed);
  auto ended = find(post.id);
  EXPECT_EQ(ended.state, PostState::failed);
  EXPECT_EQ(ended.targets[0].state, TargetState::published);
  EXPECT_EQ(ended.targets[1].state, TargetState::failed);
  EXPECT_EQ(ended.targets[1].last_error.size(), 999u);
  auto actions = audit_actions(acme_);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "post.publish_failed"), 1);
}

TEST_P(PublishJobRepositoryContract, AFailureWritesItsNoticesOnlyWhenItCommits) {
  scheduled({london_}, start_ms);
  auto first = claim(start_ms, "worker-1");
  ASSERT_EQ(first.size(), 1u);
  std::vector<NotificationDraft> notices{
      {ada_, acme_, "post.publish_failed", R"({"post_id":1})", start_ms},
      {grace_, acme_, "post.publish_failed", R"({"post_id":1})", start_ms}};
  // A lease that ended: nothing changes, and nobody is told.
  auto second = claim(start_ms + lease_ms, "worker-2");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(failed_with(jobs_->fail(first[0].lease, "refused", start_ms + lease_ms, notices),
                          core::ErrorCode::conflict));
  NotificationRepository notifications(database());
  for (auto user : {ada_, grace_}) {
    auto unread = notifications.unread_count(user);
    ASSERT_TRUE(succeeded(unread));
    EXPECT_EQ(*unread, 0);
  }
  ASSERT_TRUE(succeeded(jobs_->fail(second[0].lease, "refused", start_ms + lease_ms, notices)));
  for (auto user : {ada_, grace_}) {
    auto listed = notifications.list(user, {});
    ASSERT_TRUE(succeeded(listed));
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].kind, "post.publish_failed");
    EXPECT_EQ((*listed)[0].org, acme_);
  }
}

TEST_P(PublishJobRepositoryContract, AnEndedLeaseIsReclaimedAndItsOldHolderCanChangeNothing) {
  scheduled({london_}, start_ms);
  auto first = claim(start_ms, "worker-1");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(succeeded(jobs_->mark_sent(first[0].lease, start_ms)));
  // worker-1 dies after sending: its lease ends, and worker-2 is told the outcome is unknown.
  auto second = claim(start_ms + lease_ms, "worker-2");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].job.sent_at_ms, start_ms);
  EXPECT_EQ(second[0].job.claim_count, 2);
  EXPECT_EQ(second[0].job.attempts, 1);
  for (auto change : {jobs_->mark_sent(first[0].lease, start_ms + lease_ms),
                      jobs_->extend_lease(first[0].lease, start_ms + 10 * lease_ms, start_ms)}) {
    EXPECT_TRUE(failed_with(change, core::ErrorCode::conflict));
  }
  EXPECT_TRUE(failed_with(jobs_->complete(first[0].lease, london_record, start_ms + lease_ms),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(jobs_->fail(first[0].lease, "late", start_ms + lease_ms),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(jobs_->retry(first[0].lease, start_ms, "late", start_ms + lease_ms),
                          core::ErrorCode::conflict));
  // The same owner name reclaiming is fenced by the claim count too.
  ASSERT_TRUE(succeeded(
      jobs_->extend_lease(second[0].lease, start_ms + 2 * lease_ms, start_ms + lease_ms)));
  EXPECT_TRUE(claim(start_ms + 2 * lease_ms - 1, "worker-3").empty());
  auto third = claim(start_ms + 2 * lease_ms, "worker-2");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_TRUE(failed_with(jobs_->complete(second[0].lease, london_record, start_ms),
                          core::ErrorCode::conflict));
  ASSERT_TRUE(succeeded(jobs_->complete(third[0].lease, london_record, start_ms + 2 * lease_ms)));
  // A job that is gone is not found.
  JobLease gone{core::PublishJobId{third[0].job.id.value + 1'000}, "worker-2", 1};
  EXPECT_TRUE(failed_with(jobs_->mark_sent(gone, start_ms), core::ErrorCode::not_found));
}

// Claimers racing, each on its own connection (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite:
// one writer): every job is claimed by exactly one of them.
TEST_P(PublishJobRepositoryContract, ConcurrentClaimersNeverShareAJob) {
  constexpr int posts = 30;
  for (int i = 0; i < posts; ++i) scheduled({london_, stockholm_}, start_ms + i);
  constexpr int claimers = 4;
  std::vector<std::vector<std::int64_t>> claimed(claimers);
  std::vector<std::thread> threads;
  for (int c = 0; c < claimers; ++c) {
    threads.emplace_back([&, c] {
      const std::string owner = "claimer-" + std::to_string(c);
      for (int round = 0; round < 2 * posts; ++round) {
        auto got = jobs_->claim_due(start_ms + posts, owner, lease_ms, 3);
        if (!got.ok()) continue;  // SQLite may report the writer busy; the next round retries
        for (const auto& job : *got) claimed[c].push_back(job.job.id.value);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::multiset<std::int64_t> all;
  for (const auto& ids : claimed) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(2 * posts));
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size());
  EXPECT_EQ(counts().claimed, 2 * posts);
}

// Completions of the jobs of one post racing: the post still ends published.
TEST_P(PublishJobRepositoryContract, ConcurrentCompletionsOfOnePostPublishIt) {
  auto post = scheduled({london_, stockholm_, paris_}, start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 3u);
  std::vector<std::thread> threads;
  for (const auto& job : claimed) {
    threads.emplace_back([&, lease = job.lease] {
      for (int attempt = 0; attempt < 20; ++attempt) {
        if (jobs_->complete(lease, london_record, start_ms + 1).ok()) return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counts().done, 3);
  EXPECT_EQ(find(post.id).state, PostState::published);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, PublishJobRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, PublishJobRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
