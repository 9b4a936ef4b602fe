// The cache of authors' handles (ADR 0032) on both backends: which items' authors it does not
// know yet (a cursor over the items), what is due again, a handle held by one DID at a time,
// and failures counted until an answer.
#include <gtest/gtest.h>

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
  auto due = handles_->due(handle_at_ms + 2, 10);
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
  auto due = handles_->due(handle_at_ms + 100, 10);
  ASSERT_TRUE(succeeded(due));
  EXPECT_TRUE(due->empty());
  due = handles_->due(handle_at_ms + 180, 10);
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

INSTANTIATE_TEST_SUITE_P(Sqlite, AuthorHandleRepositoryContract,
                         ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, AuthorHandleRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
