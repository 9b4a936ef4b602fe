// The cache of authors' handles (ADR 0032) on both backends: which items' authors it does not
// know yet (a cursor over the items), what is due again, a handle held by one DID at a time,
// and failures counted until an answer.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "migrated_database_test.hpp"
#include "storage/author_handle_repository.hpp"
#include "storage/stream_repository.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t handle_at_ms = 1'000'000;

class AuthorHandleRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    handles_ = std::make_unique<AuthorHandleRepository>(database());
    streams_ = std::make_unique<StreamRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    auto org = make_org("Acme", ada_, handle_at_ms, audit("org.created"));
    auto team = make_team(org, "Web", handle_at_ms, audit("team.created"));
    auto created =
        streams_->create({team, "News", "roost", true, 1'000, ada_, handle_at_ms}, audit("s"));
    ASSERT_TRUE(succeeded(created));
    stream_ = created->id;
  }
  AuditEvent audit(std::string action) {
    return AuditEvent{{}, ada_, std::move(action), "", "{}", "req-1", handle_at_ms};
  }
  void add_item(const std::string& uri, const std::string& did) {
    std::vector<StreamItemDraft> items{
        {stream_, uri, "bafycid", did, "roost", "2026-12-04T09:30:00Z", handle_at_ms}};
    ASSERT_TRUE(succeeded(streams_->insert_items(items)));
  }

  std::unique_ptr<AuthorHandleRepository> handles_;
  std::unique_ptr<StreamRepository> streams_;
  core::UserId ada_;
  core::StreamId stream_;
};

TEST_P(AuthorHandleRepositoryContract, AScanFindsTheUnknownAuthorsAfterItsCursor) {
  add_item("at://1", "did:plc:bob");
  add_item("at://2", "did:plc:carol");
  add_item("at://3", "did:plc:bob");
  ASSERT_TRUE(succeeded(
      handles_->record_resolved("did:plc:carol", "carol.test", handle_at_ms, handle_at_ms)));
  auto scan = handles_->scan(AuthoredItems::stream_items, 0, 100);
  ASSERT_TRUE(succeeded(scan));
  EXPECT_EQ(scan->unknown_dids, std::vector<std::string>{"did:plc:bob"});
  EXPECT_GT(scan->last_id, 0);
  auto again = handles_->scan(AuthoredItems::stream_items, scan->last_id, 100);
  ASSERT_TRUE(succeeded(again));
  EXPECT_TRUE(again->unknown_dids.empty());
  EXPECT_EQ(again->last_id, scan->last_id);  // nothing newer: the cursor stays
  auto limited = handles_->scan(AuthoredItems::stream_items, 0, 1);
  ASSERT_TRUE(succeeded(limited));
  EXPECT_EQ(limited->unknown_dids, std::vector<std::string>{"did:plc:bob"});
  auto inbox = handles_->scan(AuthoredItems::inbox_items, 0, 100);
  ASSERT_TRUE(succeeded(inbox));
  EXPECT_TRUE(inbox->unknown_dids.empty());
}

TEST_P(AuthorHandleRepositoryContract, AHandleBelongsToOneDidAtATime) {
  ASSERT_TRUE(succeeded(
      handles_->record_resolved("did:plc:old", "alice.test", handle_at_ms, handle_at_ms + 5)));
  ASSERT_TRUE(succeeded(
      handles_->record_resolved("did:plc:new", "alice.test", handle_at_ms + 1, handle_at_ms + 5)));
  auto old_one = handles_->find("did:plc:old");
  ASSERT_TRUE(succeeded(old_one));
  ASSERT_TRUE(old_one->has_value());
  EXPECT_EQ((*old_one)->handle, std::nullopt);
  // The DID that lost the handle is looked at again at once, not at its old time.
  auto due = handles_->claim_due(handle_at_ms + 2, "worker", 1'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_EQ(*due, std::vector<std::string>{"did:plc:old"});
  auto did = handles_->did_of_handle("alice.test");
  ASSERT_TRUE(succeeded(did));
  EXPECT_EQ(*did, "did:plc:new");
  auto none = handles_->did_of_handle("nobody.test");
  ASSERT_TRUE(succeeded(none));
  EXPECT_EQ(*none, std::nullopt);
}

TEST_P(AuthorHandleRepositoryContract, FailuresCountUntilAnAnswerAndComeDueAgain) {
  auto first = handles_->record_failure("did:plc:bob", handle_at_ms, handle_at_ms + 60);
  ASSERT_TRUE(succeeded(first));
  EXPECT_EQ(*first, 1);
  auto second = handles_->record_failure("did:plc:bob", handle_at_ms + 60, handle_at_ms + 180);
  ASSERT_TRUE(succeeded(second));
  EXPECT_EQ(*second, 2);
  auto due = handles_->claim_due(handle_at_ms + 100, "worker", 1'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_TRUE(due->empty());
  due = handles_->claim_due(handle_at_ms + 180, "worker", 1'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_EQ(*due, std::vector<std::string>{"did:plc:bob"});
  ASSERT_TRUE(succeeded(handles_->record_resolved("did:plc:bob", "bob.test", handle_at_ms + 200,
                                                  handle_at_ms + 1'000)));
  auto found = handles_->find("did:plc:bob");
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->handle, "bob.test");
  EXPECT_EQ((*found)->failures, 0);
  EXPECT_EQ((*found)->next_attempt_at_ms, handle_at_ms + 1'000);
  // A failure later keeps the handle already known.
  ASSERT_TRUE(succeeded(
      handles_->record_failure("did:plc:bob", handle_at_ms + 1'000, handle_at_ms + 2'000)));
  found = handles_->find("did:plc:bob");
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ((*found)->handle, "bob.test");
}

// ADR 0035: taking DIDs to resolve is a leased claim. A new author is claimed by inserting
// its row; a cached one by leasing it; neither is taken by another owner while the lease
// holds, and an expired lease is claimable again.
TEST_P(AuthorHandleRepositoryContract, TwoClaimersNeverGetTheSameDidWhileTheLeaseHolds) {
  const std::int64_t now = handle_at_ms;
  const std::vector<std::string> both{"did:plc:a", "did:plc:b"};
  auto first = handles_->claim_new(both, "one", now, 1'000);
  ASSERT_TRUE(succeeded(first));
  EXPECT_EQ(*first, both);
  auto second = handles_->claim_new({"did:plc:a", "did:plc:b", "did:plc:c"}, "two", now, 1'000);
  ASSERT_TRUE(succeeded(second));
  EXPECT_EQ(*second, std::vector<std::string>{"did:plc:c"});
  auto row = handles_->find("did:plc:a");
  ASSERT_TRUE(succeeded(row));
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->lease_owner, "one");
  EXPECT_EQ((*row)->lease_expires_at_ms, now + 1'000);
  EXPECT_EQ((*row)->handle, std::nullopt);
  EXPECT_EQ((*row)->next_attempt_at_ms, 0);  // due at once should its claimer die

  // Leased rows are due, yet nobody else takes them; an owner's own are not taken twice.
  auto due = handles_->claim_due(now + 10, "two", 1'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_TRUE(due->empty());
  auto cached =
      handles_->claim_cached({"did:plc:a", "did:plc:c", "did:plc:none"}, "two", now + 10, 1'000);
  ASSERT_TRUE(succeeded(cached));
  EXPECT_EQ(*cached, std::vector<std::string>{"did:plc:c"});  // its own, renewed; none: no row
  auto none = handles_->find("did:plc:none");
  ASSERT_TRUE(succeeded(none));
  EXPECT_FALSE(none->has_value());

  // One's lease ends at now + 1000: then its DIDs are anyone's.
  due = handles_->claim_due(now + 999, "two", 1'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_TRUE(due->empty());
  due = handles_->claim_due(now + 1'000, "two", 1'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_EQ(*due, both);
  cached = handles_->claim_cached({"did:plc:a"}, "one", now + 1'001, 1'000);
  ASSERT_TRUE(succeeded(cached));
  EXPECT_TRUE(cached->empty());  // two holds it now
  cached = handles_->claim_cached({"did:plc:a"}, "one", now + 2'000, 1'000);
  ASSERT_TRUE(succeeded(cached));
  EXPECT_EQ(*cached, std::vector<std::string>{"did:plc:a"});  // expired: claimable again
}

TEST_P(AuthorHandleRepositoryContract, AResolutionOrAReleaseEndsTheLease) {
  const std::int64_t now = handle_at_ms;
  ASSERT_TRUE(succeeded(handles_->claim_new({"did:plc:a", "did:plc:b"}, "one", now, 60'000)));
  ASSERT_TRUE(succeeded(handles_->record_resolved("did:plc:a", "a.test", now + 1, now + 5'000)));
  ASSERT_TRUE(succeeded(handles_->record_failure("did:plc:b", now + 1, now + 100)));
  for (const auto* did : {"did:plc:a", "did:plc:b"}) {
    auto row = handles_->find(did);
    ASSERT_TRUE(succeeded(row));
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->lease_owner, std::nullopt) << did;
  }
  // Resolved: not due, but an #identity event may lease it; failed: due again at its time.
  auto cached = handles_->claim_cached({"did:plc:a"}, "two", now + 2, 60'000);
  ASSERT_TRUE(succeeded(cached));
  EXPECT_EQ(*cached, std::vector<std::string>{"did:plc:a"});
  auto due = handles_->claim_due(now + 100, "three", 60'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_EQ(*due, std::vector<std::string>{"did:plc:b"});
  // A release by someone who does not hold the lease changes nothing; by its holder, the DID
  // is due at once for anyone.
  ASSERT_TRUE(succeeded(handles_->release({"did:plc:a"}, "one")));
  due = handles_->claim_due(now + 3, "one", 60'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_TRUE(due->empty());
  ASSERT_TRUE(succeeded(handles_->release({"did:plc:a"}, "two")));
  due = handles_->claim_due(now + 3, "one", 60'000, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_EQ(*due, std::vector<std::string>{"did:plc:a"});
  auto row = handles_->find("did:plc:a");
  ASSERT_TRUE(succeeded(row));
  EXPECT_EQ((*row)->handle, "a.test");  // released, the handle known stays
}

// Several claimers at once (threads over the pool: on PostgreSQL, separate connections and
// transactions) take every due DID exactly once between them.
TEST_P(AuthorHandleRepositoryContract, ConcurrentClaimersShareTheDueDidsWithoutOverlap) {
  const std::int64_t now = handle_at_ms;
  constexpr int count = 120;
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(succeeded(
        handles_->record_failure("did:plc:due" + std::to_string(i), now - 10, now - i % 7)));
  }
  std::vector<std::vector<std::string>> taken(3);
  std::vector<std::thread> claimers;
  std::atomic<int> errors{0};
  for (std::size_t c = 0; c < taken.size(); ++c) {
    claimers.emplace_back([&, c] {
      AuthorHandleRepository own(database());
      for (;;) {
        auto due = own.claim_due(now, "claimer" + std::to_string(c), 60'000, 7);
        if (!due) {
          ++errors;
          return;
        }
        if (due->empty()) return;
        taken[c].insert(taken[c].end(), due->begin(), due->end());
      }
    });
  }
  for (auto& claimer : claimers) claimer.join();
  EXPECT_EQ(errors.load(), 0);
  std::multiset<std::string> all;
  for (const auto& part : taken) all.insert(part.begin(), part.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(count));
  for (const auto& did : all) EXPECT_EQ(all.count(did), 1u) << did;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, AuthorHandleRepositoryContract,
                         ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, AuthorHandleRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
