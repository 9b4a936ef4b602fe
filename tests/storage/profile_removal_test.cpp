// Removing a profile on both backends: in one transaction its unfinished posts that went
// to it alone are cancelled with their jobs, the others go on without it, and the authors
// to tell are returned.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "post_fixture.hpp"

namespace roost::storage::testing {
namespace {

class ProfileRemovalContract : public PostFixture {
 protected:
  RemovedProfile remove(core::ProfileId profile) {
    auto removed = profiles_->remove(acme_, profile, start_us + us_per_ms, audit());
    EXPECT_TRUE(succeeded(removed));
    return removed.ok() ? *removed : RemovedProfile{};
  }
};

TEST_P(ProfileRemovalContract, CancelsThePostsThatWentToItAloneAndKeepsTheOthers) {
  auto alone = scheduled({london_}, start_ms + hour_ms);
  auto shared = scheduled({london_, stockholm_}, start_ms + hour_ms);
  auto draft = create(new_post({london_}, PostState::draft, std::nullopt));
  auto elsewhere = scheduled({paris_}, start_ms + hour_ms);
  auto removed = remove(london_);
  EXPECT_EQ(removed.profile.handle, "london.test");
  ASSERT_EQ(removed.posts.size(), 3u);
  EXPECT_EQ(removed.posts[0].post, alone.id);
  EXPECT_EQ(removed.posts[0].author, ada_);
  EXPECT_TRUE(removed.posts[0].was_cancelled);
  EXPECT_EQ(removed.posts[1].post, shared.id);
  EXPECT_FALSE(removed.posts[1].was_cancelled);
  EXPECT_EQ(removed.posts[2].post, draft.id);
  EXPECT_TRUE(removed.posts[2].was_cancelled);
  EXPECT_EQ(find(alone.id).state, PostState::cancelled);
  EXPECT_EQ(find(draft.id).state, PostState::cancelled);
  auto kept = find(shared.id);
  EXPECT_EQ(kept.state, PostState::scheduled);
  ASSERT_EQ(kept.targets.size(), 1u);
  EXPECT_EQ(kept.targets[0].profile, stockholm_);
  EXPECT_EQ(find(elsewhere.id).state, PostState::scheduled);
  // Only the other profiles' jobs are left to claim.
  auto claimed = claim(start_ms + hour_ms);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& job : claimed) EXPECT_NE(job.job.profile, london_);
  auto found = profiles_->find(london_);
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
  auto actions = audit_actions(acme_);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "post.cancelled"), 2);
  EXPECT_EQ(actions.back(), "profile.removed");
}

TEST_P(ProfileRemovalContract, APublishedPostIsNotAffected) {
  auto post = scheduled({london_}, start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(succeeded(jobs_->complete(
      claimed[0].lease, {"at://did:plc:london/app.bsky.feed.post/3k", "bafy"}, start_ms)));
  auto removed = remove(london_);
  EXPECT_TRUE(removed.posts.empty());
  EXPECT_EQ(find(post.id).state, PostState::published);
}

TEST_P(ProfileRemovalContract, ThePendingApprovalOfTheRemovedProfileNoLongerHoldsThePost) {
  auto post =
      create(new_post({london_, stockholm_}, PostState::pending_approval, start_ms + hour_ms));
  ASSERT_TRUE(succeeded(posts_->decide(acme_, post.id, stockholm_, ApprovalDecision::approved, ada_,
                                       "", start_us, audit())));
  auto removed = remove(london_);
  ASSERT_EQ(removed.posts.size(), 1u);
  EXPECT_FALSE(removed.posts[0].was_cancelled);
  EXPECT_EQ(find(post.id).state, PostState::scheduled);
  auto job = jobs_->find_for_target(post.id, stockholm_);
  ASSERT_TRUE(succeeded(job));
  EXPECT_TRUE(job->has_value());
}

// A job a dispatcher holds would be deleted under it (its record may land on the network
// while the post says cancelled): the removal waits until the job ends.
TEST_P(ProfileRemovalContract, AJobBeingPublishedRefusesTheRemovalAndNothingChanges) {
  auto post = scheduled({london_}, start_ms);
  auto queued = scheduled({london_}, start_ms + hour_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 1u);
  auto expect_refused = [&] {
    EXPECT_TRUE(failed_with(profiles_->remove(acme_, london_, start_us + us_per_ms, audit()),
                            core::ErrorCode::conflict));
    auto found = profiles_->find(london_);
    ASSERT_TRUE(succeeded(found));
    EXPECT_TRUE(found->has_value());
    EXPECT_EQ(find(post.id).state, PostState::publishing);
    EXPECT_EQ(find(queued.id).state, PostState::scheduled);
    auto job = jobs_->find_for_target(queued.id, london_);
    ASSERT_TRUE(succeeded(job));
    ASSERT_TRUE(job->has_value());
    EXPECT_EQ((*job)->state, PublishJobState::queued);
    auto actions = audit_actions(acme_);
    EXPECT_EQ(std::count(actions.begin(), actions.end(), "profile.removed"), 0);
  };
  expect_refused();  // claimed
  ASSERT_TRUE(succeeded(jobs_->mark_sent(claimed[0].lease, start_ms)));
  expect_refused();  // sent
  // Once the job ended, the profile goes.
  ASSERT_TRUE(succeeded(jobs_->complete(
      claimed[0].lease, {"at://did:plc:london/app.bsky.feed.post/3k", "bafy"}, start_ms)));
  auto removed = remove(london_);
  ASSERT_EQ(removed.posts.size(), 1u);
  EXPECT_EQ(removed.posts[0].post, queued.id);
  EXPECT_EQ(find(post.id).state, PostState::published);
  EXPECT_EQ(find(queued.id).state, PostState::cancelled);
}

// Deciding an approval holds the post's row, then writes its target; a removal running
// meanwhile must wait for the post before it touches the target, or the two wait on each
// other (PostgreSQL rolls one back as a deadlock). SQLite has one writer: nothing to race.
TEST_P(ProfileRemovalContract, ARemovalWaitsForThePostBeforeItsTargetsAndDeadlocksWithNothing) {
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "one writer: no lock order";
  auto post = create(new_post({london_}, PostState::pending_approval, start_ms + hour_ms));
  std::atomic<bool> post_locked{false};
  std::atomic<bool> removal_started{false};
  core::Result<RemovedProfile> removed = core::make_error(core::ErrorCode::internal, "not run");
  std::thread remover;
  // What decide() does, with a pause between the post and its target.
  auto decided = database().transact(TransactionMode::read_write, [&](Transaction& t) {
    auto locked = t.execute("UPDATE posts SET updated_at_ms = $2 WHERE id = $1",
                            {post.id.value, start_ms + 1});
    if (!locked.ok()) return core::Result<void>(std::move(locked).error());
    post_locked = true;
    remover = std::thread([&] {
      removal_started = true;
      removed = profiles_->remove(acme_, london_, start_us + us_per_ms, audit());
    });
    while (!removal_started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // Long enough for the removal to reach the lock it waits for.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto target = t.execute(
        "UPDATE post_targets SET approval_comment = 'held' WHERE post_id = $1 AND profile_id = $2",
        {post.id.value, london_.value});
    if (!target.ok()) return core::Result<void>(std::move(target).error());
    return core::success();
  });
  if (remover.joinable()) remover.join();
  ASSERT_TRUE(post_locked);
  EXPECT_TRUE(succeeded(decided));
  ASSERT_TRUE(succeeded(removed));
  ASSERT_EQ(removed->posts.size(), 1u);
  EXPECT_TRUE(removed->posts[0].was_cancelled);
  EXPECT_EQ(find(post.id).state, PostState::cancelled);
}

TEST_P(ProfileRemovalContract, AProfileOfAnotherOrganizationIsNotFound) {
  auto refused = profiles_->remove(acme_, globex_profile_, start_us, audit());
  EXPECT_TRUE(failed_with(refused, core::ErrorCode::not_found));
  auto found = profiles_->find(globex_profile_);
  ASSERT_TRUE(succeeded(found));
  EXPECT_TRUE(found->has_value());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ProfileRemovalContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, ProfileRemovalContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
