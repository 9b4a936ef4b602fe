// The post repository's contract on both backends: posts with targets and images, the
// jobs written with a scheduled post, Idempotency-Key replays, approvals and their expiry,
// cancelling, the calendar (filters, visibility, pages) and the duplicate check.
#include <gtest/gtest.h>

#include <set>

#include "post_fixture.hpp"

namespace roost::storage::testing {
namespace {

class PostRepositoryContract : public PostFixture {
 protected:
  std::vector<core::PostId> ids(const CalendarPage& page) {
    std::vector<core::PostId> listed;
    for (const auto& post : page.posts) listed.push_back(post.id);
    return listed;
  }

  CalendarPage calendar(CalendarQuery query) {
    auto page = posts_->list_calendar(query);
    EXPECT_TRUE(succeeded(page));
    return page.ok() ? *page : CalendarPage{};
  }

  CalendarQuery whole_day() {
    CalendarQuery query;
    query.org = acme_;
    query.from_ms = start_ms;
    query.until_ms = start_ms + 24 * hour_ms;
    query.limit = 100;
    return query;
  }
};

TEST_P(PostRepositoryContract, ADraftKeepsItsContentTargetsAndImagesAndHasNoJob) {
  auto draft = new_post({london_, stockholm_}, PostState::draft, start_ms + hour_ms);
  draft.kind = PostKind::reply;
  draft.reply_root = RecordRef{"at://did:plc:x/app.bsky.feed.post/root", "bafyroot"};
  draft.reply_parent = RecordRef{"at://did:plc:x/app.bsky.feed.post/parent", "bafyparent"};
  draft.targets[1].text_override = "Hej";
  draft.targets[1].text_hash = "hash:Hej";
  draft.images.push_back({{0x89, 'P', 'N', 'G', 0, 1}, "image/png", "A bike", 640, 480});
  draft.images.push_back({{0xFF, 0xD8, 0xFF}, "image/jpeg", "", 10, 20});
  auto post = create(draft);
  ASSERT_NE(post.id, core::PostId{});
  auto found = find(post.id);
  EXPECT_EQ(found.state, PostState::draft);
  EXPECT_EQ(found.kind, PostKind::reply);
  EXPECT_EQ(found.author, ada_);
  EXPECT_EQ(found.text, "Hello");
  EXPECT_EQ(found.langs, (std::vector<std::string>{"en", "fr"}));
  EXPECT_EQ(found.reply_root, draft.reply_root);
  EXPECT_EQ(found.reply_parent, draft.reply_parent);
  EXPECT_EQ(found.subject, std::nullopt);
  EXPECT_EQ(found.schedule, draft.schedule);
  EXPECT_EQ(found.calendar_at_ms, start_ms + hour_ms);
  EXPECT_EQ(found.created_at_ms, start_ms);
  ASSERT_EQ(found.targets.size(), 2u);
  EXPECT_EQ(found.targets[0].profile, london_);
  EXPECT_EQ(found.targets[0].text_override, std::nullopt);
  EXPECT_EQ(found.targets[1].text_override, "Hej");
  EXPECT_EQ(found.targets[1].text_hash, "hash:Hej");
  EXPECT_EQ(found.targets[1].state, TargetState::pending);
  EXPECT_EQ(found.targets[1].approval, std::nullopt);
  ASSERT_EQ(found.images.size(), 2u);
  EXPECT_EQ(found.images[0].mime_type, "image/png");
  EXPECT_EQ(found.images[0].alt_text, "A bike");
  EXPECT_EQ(found.images[0].width, 640);
  EXPECT_EQ(found.images[0].byte_count, 6);
  EXPECT_EQ(found.images[1].position, 1);
  auto bytes = posts_->image_bytes(acme_, post.id, 0);
  ASSERT_TRUE(succeeded(bytes));
  ASSERT_TRUE(bytes->has_value());
  EXPECT_EQ((*bytes)->bytes, draft.images[0].bytes);
  // Another organization sees neither the post nor its images.
  auto other = posts_->find(globex_, post.id);
  ASSERT_TRUE(succeeded(other));
  EXPECT_FALSE(other->has_value());
  auto other_bytes = posts_->image_bytes(globex_, post.id, 0);
  ASSERT_TRUE(succeeded(other_bytes));
  EXPECT_FALSE(other_bytes->has_value());
  auto job = jobs_->find_for_target(post.id, london_);
  ASSERT_TRUE(succeeded(job));
  EXPECT_FALSE(job->has_value());
  auto actions = audit_actions(acme_);
  EXPECT_EQ(actions.back(), "post.created");
}

TEST_P(PostRepositoryContract, AScheduledPostGetsOneQueuedJobPerTargetInTheSameWrite) {
  auto post = scheduled({london_, stockholm_}, start_ms + hour_ms);
  EXPECT_EQ(post.state, PostState::scheduled);
  for (auto profile : {london_, stockholm_}) {
    auto job = jobs_->find_for_target(post.id, profile);
    ASSERT_TRUE(succeeded(job));
    ASSERT_TRUE(job->has_value());
    EXPECT_EQ((*job)->state, PublishJobState::queued);
    EXPECT_EQ((*job)->due_at_ms, start_ms + hour_ms);
    EXPECT_EQ((*job)->next_attempt_at_ms, start_ms + hour_ms);
    EXPECT_EQ((*job)->created_at_us, start_us);
    EXPECT_EQ((*job)->org, acme_);
    EXPECT_EQ((*job)->attempts, 0);
  }
  // Publish now: scheduled without an instant is due at once, and shown at that instant.
  auto now = create(new_post({paris_}, PostState::scheduled, std::nullopt), start_us + 5'000);
  EXPECT_EQ(now.schedule.at_ms, start_ms + 5);
  auto job = jobs_->find_for_target(now.id, paris_);
  ASSERT_TRUE(succeeded(job));
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->due_at_ms, start_ms + 5);
}

TEST_P(PostRepositoryContract, ABadTargetWritesNothing) {
  auto across = new_post({london_, globex_profile_}, PostState::scheduled, start_ms);
  EXPECT_TRUE(failed_with(posts_->create(across, start_us, audit()), core::ErrorCode::not_found));
  auto none = new_post({}, PostState::draft, std::nullopt);
  EXPECT_TRUE(
      failed_with(posts_->create(none, start_us, audit()), core::ErrorCode::invalid_request));
  auto published = new_post({london_}, PostState::published, std::nullopt);
  EXPECT_TRUE(
      failed_with(posts_->create(published, start_us, audit()), core::ErrorCode::invalid_request));
  auto counts = jobs_->count_by_state();
  ASSERT_TRUE(succeeded(counts));
  EXPECT_EQ(counts->queued, 0);
  EXPECT_TRUE(calendar(whole_day()).posts.empty());
}

TEST_P(PostRepositoryContract, AnIdempotencyKeyReplaysTheSameRequestAndRefusesAnother) {
  auto request = new_post({london_}, PostState::scheduled, start_ms + hour_ms);
  request.idempotency = IdempotencyKey{"key-1", "sha256:aaa"};
  auto first = posts_->create(request, start_us, audit());
  ASSERT_TRUE(succeeded(first));
  EXPECT_FALSE(first->replayed);
  auto again = posts_->create(request, start_us + 1'000'000, audit());
  ASSERT_TRUE(succeeded(again));
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->post.id, first->post.id);
  EXPECT_EQ(again->post.targets.size(), 1u);
  auto counts = jobs_->count_by_state();
  ASSERT_TRUE(succeeded(counts));
  EXPECT_EQ(counts->queued, 1);  // no second job
  auto reused = request;
  reused.idempotency->request_hash = "sha256:bbb";
  EXPECT_TRUE(failed_with(posts_->create(reused, start_us, audit()), core::ErrorCode::conflict));
  // The key is the author's own: another author may use it.
  auto graces = request;
  graces.author = grace_;
  auto other = posts_->create(graces, start_us, audit());
  ASSERT_TRUE(succeeded(other));
  EXPECT_FALSE(other->replayed);
  EXPECT_NE(other->post.id, first->post.id);
}

TEST_P(PostRepositoryContract, ConcurrentCreatesWithOneKeyMakeOnePost) {
  auto request = new_post({london_}, PostState::scheduled, start_ms + hour_ms);
  request.idempotency = IdempotencyKey{"key-race", "sha256:same"};
  constexpr int writers = 4;
  std::vector<std::optional<CreatedPost>> results(writers);
  std::vector<std::optional<core::Error>> refusals(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      // SQLite may report the writer busy (storage maps SQLITE_BUSY and SQLITE_LOCKED to
      // unavailable): that alone is retried, as a client would. Any other error — above all
      // the unique key's conflict, which the repository must turn into a replay — fails.
      for (int attempt = 0; attempt < 20 && !results[w] && !refusals[w]; ++attempt) {
        auto created = posts_->create(request, start_us, audit());
        if (created.ok()) {
          results[w] = *created;
        } else if (created.error().code != core::ErrorCode::unavailable) {
          refusals[w] = created.error();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& refusal : refusals) {
    EXPECT_FALSE(refusal.has_value())
        << core::error_code_name(refusal->code) << ": " << refusal->message;
  }
  std::set<std::int64_t> post_ids;
  int fresh = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.has_value());
    post_ids.insert(result->post.id.value);
    fresh += result->replayed ? 0 : 1;
  }
  EXPECT_EQ(post_ids.size(), 1u);
  EXPECT_EQ(fresh, 1);
}

TEST_P(PostRepositoryContract, TheLastApprovalSchedulesThePostWithItsJobs) {
  auto post =
      create(new_post({london_, stockholm_}, PostState::pending_approval, start_ms + hour_ms));
  EXPECT_EQ(post.state, PostState::pending_approval);
  auto first = posts_->decide(acme_, post.id, london_, ApprovalDecision::approved, grace_,
                              "Looks good", start_us + us_per_ms, audit());
  ASSERT_TRUE(succeeded(first));
  EXPECT_EQ(first->state, PostState::pending_approval);
  ASSERT_TRUE(first->targets[0].approval.has_value());
  EXPECT_EQ(first->targets[0].approval->decision, ApprovalDecision::approved);
  EXPECT_EQ(first->targets[0].approval->approver, grace_);
  EXPECT_EQ(first->targets[0].approval->comment, "Looks good");
  EXPECT_EQ(first->targets[0].approval->decided_at_ms, start_ms + 1);
  auto none = jobs_->find_for_target(post.id, london_);
  ASSERT_TRUE(succeeded(none));
  EXPECT_FALSE(none->has_value());
  // Deciding twice is refused; a profile the post does not go to is not found.
  EXPECT_TRUE(failed_with(posts_->decide(acme_, post.id, london_, ApprovalDecision::rejected, ada_,
                                         "", start_us, audit()),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(posts_->decide(acme_, post.id, paris_, ApprovalDecision::approved, ada_,
                                         "", start_us, audit()),
                          core::ErrorCode::not_found));
  auto last = posts_->decide(acme_, post.id, stockholm_, ApprovalDecision::approved, ada_, "",
                             start_us + 2 * us_per_ms, audit());
  ASSERT_TRUE(succeeded(last));
  EXPECT_EQ(last->state, PostState::scheduled);
  for (auto profile : {london_, stockholm_}) {
    auto job = jobs_->find_for_target(post.id, profile);
    ASSERT_TRUE(succeeded(job));
    ASSERT_TRUE(job->has_value());
    EXPECT_EQ((*job)->due_at_ms, start_ms + hour_ms);
  }
  auto actions = audit_actions(acme_);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "post.approved"), 2);
  // Decided posts take no more decisions.
  EXPECT_TRUE(failed_with(posts_->decide(acme_, post.id, london_, ApprovalDecision::approved, ada_,
                                         "", start_us, audit()),
                          core::ErrorCode::conflict));
}

TEST_P(PostRepositoryContract, AnApprovalAfterThePostsTimeExpiresItAndItCanBeRescheduled) {
  auto post = create(new_post({london_}, PostState::pending_approval, start_ms + hour_ms));
  auto late = posts_->decide(acme_, post.id, london_, ApprovalDecision::approved, grace_, "",
                             (start_ms + 2 * hour_ms) * us_per_ms, audit());
  ASSERT_TRUE(succeeded(late));
  EXPECT_EQ(late->state, PostState::expired);
  auto job = jobs_->find_for_target(post.id, london_);
  ASSERT_TRUE(succeeded(job));
  EXPECT_FALSE(job->has_value());
  PostSchedule later{start_ms + 3 * hour_ms, "America/New_York", "2023-11-14T20:13", "exact"};
  auto rescheduled =
      posts_->schedule(acme_, post.id, later, (start_ms + 2 * hour_ms) * us_per_ms, audit());
  ASSERT_TRUE(succeeded(rescheduled));
  EXPECT_EQ(rescheduled->state, PostState::scheduled);
  EXPECT_EQ(rescheduled->schedule, later);
  EXPECT_EQ(rescheduled->calendar_at_ms, start_ms + 3 * hour_ms);
  job = jobs_->find_for_target(post.id, london_);
  ASSERT_TRUE(succeeded(job));
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->due_at_ms, start_ms + 3 * hour_ms);
}

TEST_P(PostRepositoryContract, ARejectionRejectsThePostWhichCanBeEditedAndSubmittedAgain) {
  auto post = create(new_post({london_, stockholm_}, PostState::pending_approval, std::nullopt));
  auto rejected = posts_->decide(acme_, post.id, london_, ApprovalDecision::rejected, grace_,
                                 "Not on a Sunday", start_us, audit());
  ASSERT_TRUE(succeeded(rejected));
  EXPECT_EQ(rejected->state, PostState::rejected);
  EXPECT_EQ(rejected->targets[0].approval->comment, "Not on a Sunday");
  EXPECT_TRUE(failed_with(posts_->schedule(acme_, post.id, {}, start_us, audit()),
                          core::ErrorCode::conflict));
  DraftChange change;
  change.text = "Hello on Monday";
  change.targets = {{london_, std::nullopt, "hash:monday"}};
  auto edited = posts_->update_draft(acme_, post.id, change, start_us, audit());
  ASSERT_TRUE(succeeded(edited));
  EXPECT_EQ(edited->state, PostState::draft);
  EXPECT_EQ(edited->text, "Hello on Monday");
  ASSERT_EQ(edited->targets.size(), 1u);
  EXPECT_EQ(edited->targets[0].approval, std::nullopt);
  auto submitted = posts_->submit_for_approval(acme_, post.id, start_us, audit());
  ASSERT_TRUE(succeeded(submitted));
  EXPECT_EQ(submitted->state, PostState::pending_approval);
  // Without an instant, the approval schedules it now.
  auto approved = posts_->decide(acme_, post.id, london_, ApprovalDecision::approved, grace_, "",
                                 start_us + 7 * us_per_ms, audit());
  ASSERT_TRUE(succeeded(approved));
  EXPECT_EQ(approved->state, PostState::scheduled);
  EXPECT_EQ(approved->schedule.at_ms, start_ms + 7);
  // A post that is not a draft is not edited.
  EXPECT_TRUE(failed_with(posts_->update_draft(acme_, post.id, change, start_us, audit()),
                          core::ErrorCode::conflict));
}

TEST_P(PostRepositoryContract, CancellingCancelsTheQueuedJobsAndRefusesWhatIsBeingSent) {
  auto post = scheduled({london_, stockholm_}, start_ms);
  auto cancelled = posts_->cancel(acme_, post.id, start_us, audit());
  ASSERT_TRUE(succeeded(cancelled));
  EXPECT_EQ(cancelled->state, PostState::cancelled);
  EXPECT_EQ(cancelled->targets[0].state, TargetState::cancelled);
  auto counts = jobs_->count_by_state();
  ASSERT_TRUE(succeeded(counts));
  EXPECT_EQ(counts->cancelled, 2);
  EXPECT_TRUE(claim(start_ms + hour_ms).empty());
  EXPECT_TRUE(
      failed_with(posts_->cancel(acme_, post.id, start_us, audit()), core::ErrorCode::conflict));
  // A job a dispatcher holds is not pulled from under it.
  auto busy = scheduled({paris_}, start_ms);
  ASSERT_EQ(claim(start_ms).size(), 1u);
  EXPECT_TRUE(
      failed_with(posts_->cancel(acme_, busy.id, start_us, audit()), core::ErrorCode::conflict));
  EXPECT_EQ(find(busy.id).state, PostState::publishing);
  EXPECT_TRUE(
      failed_with(posts_->cancel(globex_, busy.id, start_us, audit()), core::ErrorCode::not_found));
}

// A send that got no answer is retried: the job is queued again, but its record may be on
// the network, so cancelling must not mark the post cancelled.
TEST_P(PostRepositoryContract, AJobSentBeforeAndQueuedForARetryIsNotCancelled) {
  auto post = scheduled({london_, stockholm_}, start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(succeeded(jobs_->mark_sent(claimed[0].lease, start_ms)));
  ASSERT_TRUE(succeeded(
      jobs_->retry(claimed[0].lease, start_ms + 5'000, "outcome_unknown: timeout", start_ms)));
  ASSERT_TRUE(succeeded(jobs_->retry(claimed[1].lease, start_ms + 5'000, "never sent", start_ms)));
  EXPECT_TRUE(
      failed_with(posts_->cancel(acme_, post.id, start_us, audit()), core::ErrorCode::conflict));
  // Nothing changed: both jobs are still queued, the post still publishing.
  auto counts = jobs_->count_by_state();
  ASSERT_TRUE(succeeded(counts));
  EXPECT_EQ(counts->queued, 2);
  EXPECT_EQ(counts->cancelled, 0);
  auto after = find(post.id);
  EXPECT_EQ(after.state, PostState::publishing);
  for (const auto& target : after.targets) EXPECT_EQ(target.state, TargetState::publishing);
  EXPECT_EQ(claim(start_ms + 5'000).size(), 2u);
}

TEST_P(PostRepositoryContract, MovingAScheduledPostMovesItsJobs) {
  auto post = scheduled({london_}, start_ms + hour_ms);
  auto moved =
      posts_->schedule(acme_, post.id, {start_ms + 2 * hour_ms, "UTC", "", ""}, start_us, audit());
  ASSERT_TRUE(succeeded(moved));
  auto job = jobs_->find_for_target(post.id, london_);
  ASSERT_TRUE(succeeded(job));
  EXPECT_EQ((*job)->due_at_ms, start_ms + 2 * hour_ms);
  EXPECT_TRUE(claim(start_ms + hour_ms).empty());
  EXPECT_EQ(claim(start_ms + 2 * hour_ms).size(), 1u);
  // Once claimed it cannot move.
  EXPECT_TRUE(failed_with(
      posts_->schedule(acme_, post.id, {start_ms + 3 * hour_ms, "UTC", "", ""}, start_us, audit()),
      core::ErrorCode::conflict));
}

TEST_P(PostRepositoryContract, TheCalendarFiltersByTimeProfileTeamAndState) {
  auto early = scheduled({london_}, start_ms + hour_ms);
  auto late = scheduled({stockholm_}, start_ms + 2 * hour_ms);
  auto draft = create(new_post({paris_, london_}, PostState::draft, start_ms + 3 * hour_ms));
  scheduled({london_}, start_ms + 30 * hour_ms);  // outside the day
  EXPECT_EQ(ids(calendar(whole_day())), (std::vector<core::PostId>{early.id, late.id, draft.id}));
  auto by_profile = whole_day();
  by_profile.profiles = {london_};
  EXPECT_EQ(ids(calendar(by_profile)), (std::vector<core::PostId>{early.id, draft.id}));
  auto by_team = whole_day();
  by_team.team = london_team_;
  EXPECT_EQ(ids(calendar(by_team)), (std::vector<core::PostId>{early.id, draft.id}));
  auto by_state = whole_day();
  by_state.states = {PostState::scheduled};
  EXPECT_EQ(ids(calendar(by_state)), (std::vector<core::PostId>{early.id, late.id}));
  auto other = whole_day();
  other.org = globex_;
  EXPECT_TRUE(calendar(other).posts.empty());
}

TEST_P(PostRepositoryContract, TheCalendarShowsAMemberOnlyThePostsAndTargetsTheyMaySee) {
  auto london = scheduled({london_}, start_ms + hour_ms);
  scheduled({stockholm_}, start_ms + 2 * hour_ms);
  auto both = scheduled({london_, paris_}, start_ms + 3 * hour_ms);
  auto query = whole_day();
  query.visible_to = grace_;  // her team has only the London profile
  auto page = calendar(query);
  EXPECT_EQ(ids(page), (std::vector<core::PostId>{london.id, both.id}));
  ASSERT_EQ(page.posts.size(), 2u);
  ASSERT_EQ(page.posts[1].targets.size(), 1u);
  EXPECT_EQ(page.posts[1].targets[0].profile, london_);
  // Ada is in no team: as a member she would see nothing (admins query without visible_to).
  query.visible_to = ada_;
  EXPECT_TRUE(calendar(query).posts.empty());
}

TEST_P(PostRepositoryContract, TheCalendarIsPagedWithACursorThatSkipsNothing) {
  std::vector<core::PostId> made;
  // Two posts at each instant: the cursor must break ties by id.
  for (int i = 0; i < 7; ++i) made.push_back(scheduled({london_}, start_ms + (i / 2) * hour_ms).id);
  auto query = whole_day();
  query.limit = 3;
  std::vector<core::PostId> seen;
  int pages = 0;
  while (true) {
    auto page = calendar(query);
    ++pages;
    for (auto id : ids(page)) seen.push_back(id);
    if (!page.next) break;
    ASSERT_EQ(page.posts.size(), 3u);
    query.after = page.next;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, made);
  // A limit of zero still lists (one); a huge one is capped.
  query.after.reset();
  query.limit = 0;
  EXPECT_EQ(calendar(query).posts.size(), 1u);
  query.limit = 1'000'000;
  EXPECT_EQ(calendar(query).posts.size(), made.size());
}

TEST_P(PostRepositoryContract, TheSameTextToTheSameProfileIsFoundWithinTheWindow) {
  auto first = scheduled({london_, stockholm_}, start_ms + hour_ms, "Big news");
  create(new_post({london_}, PostState::draft, start_ms + hour_ms, "Big news"));  // a draft
  auto cancelled = scheduled({london_}, start_ms + hour_ms, "Big news");
  ASSERT_TRUE(succeeded(posts_->cancel(acme_, cancelled.id, start_us, audit())));
  auto found = posts_->find_same_text(london_, "hash:Big news", start_ms, start_ms + 24 * hour_ms,
                                      std::nullopt);
  ASSERT_TRUE(succeeded(found));
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].post, first.id);
  EXPECT_EQ((*found)[0].author, ada_);
  EXPECT_EQ((*found)[0].state, PostState::scheduled);
  auto excluded =
      posts_->find_same_text(london_, "hash:Big news", start_ms, start_ms + 24 * hour_ms, first.id);
  ASSERT_TRUE(succeeded(excluded));
  EXPECT_TRUE(excluded->empty());
  auto other_text =
      posts_->find_same_text(london_, "hash:Other", start_ms, start_ms + 24 * hour_ms, {});
  ASSERT_TRUE(succeeded(other_text));
  EXPECT_TRUE(other_text->empty());
  auto outside = posts_->find_same_text(london_, "hash:Big news", start_ms + 2 * hour_ms,
                                        start_ms + 24 * hour_ms, {});
  ASSERT_TRUE(succeeded(outside));
  EXPECT_TRUE(outside->empty());
  auto other_profile =
      posts_->find_same_text(paris_, "hash:Big news", start_ms, start_ms + 24 * hour_ms, {});
  ASSERT_TRUE(succeeded(other_profile));
  EXPECT_TRUE(other_profile->empty());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, PostRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, PostRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
