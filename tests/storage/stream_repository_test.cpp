// The stream repository's contract on both backends: streams, the revision the matcher
// watches (cascades included), idempotent items trimmed to the retention, and columns.
#include <gtest/gtest.h>

#include "core/limits.hpp"
#include "migrated_database_test.hpp"
#include "storage/author_handle_repository.hpp"
#include "storage/stream_repository.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t at_ms = 1'000'000;

class StreamRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    streams_ = std::make_unique<StreamRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    acme_ = make_org("Acme", ada_, at_ms, audit("org.created"));
    web_ = make_team(acme_, "Web", at_ms, audit("team.created"));
  }

  AuditEvent audit(std::string action) {
    return AuditEvent{{}, ada_, std::move(action), "", "{}", "req-1", at_ms};
  }

  StreamRecord make_stream(const std::string& name, std::int64_t retention = 1'000,
                           core::TeamId team = {}) {
    StreamDraft draft{team.value != 0 ? team : web_, name, "roost", true, retention, ada_, at_ms};
    auto created = streams_->create(draft, audit("stream.created"));
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? *created : StreamRecord{};
  }

  StreamItemDraft item(core::StreamId stream, const std::string& uri) {
    return {stream, uri, "bafycid", "did:plc:bob", "roost é 🚀", "2026-12-04T09:30:00Z", at_ms};
  }

  std::int64_t revision() {
    auto value = streams_->revision();
    EXPECT_TRUE(succeeded(value));
    return value.ok() ? *value : -1;
  }

  std::vector<std::string> item_uris(core::StreamId stream,
                                     std::optional<std::int64_t> before = std::nullopt,
                                     std::size_t limit = listed_max) {
    auto items = streams_->list_items(stream, before, limit);
    EXPECT_TRUE(succeeded(items));
    std::vector<std::string> uris;
    if (items.ok()) {
      for (const auto& each : *items) uris.push_back(each.post_uri);
    }
    return uris;
  }

  std::unique_ptr<StreamRepository> streams_;
  core::UserId ada_;
  core::OrgId acme_;
  core::TeamId web_;
};

TEST_P(StreamRepositoryContract, CreatesFindsListsAndKeepsNamesUniquePerTeam) {
  auto news = make_stream("News");
  make_stream("Alerts");
  EXPECT_EQ(news.org, acme_);
  EXPECT_EQ(news.team, web_);
  EXPECT_TRUE(news.active);
  EXPECT_EQ(news.retention_items, 1'000);
  EXPECT_EQ(news.created_by, ada_);
  auto found = streams_->find(news.id);
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->query, "roost");
  auto listed = streams_->list_for_team(web_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "Alerts");
  EXPECT_TRUE(failed_with(
      streams_->create({web_, "News", "x", true, 10, ada_, at_ms}, audit("stream.created")),
      core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(streams_->create({core::TeamId{424242}, "X", "x", true, 10, ada_, at_ms},
                                           audit("stream.created")),
                          core::ErrorCode::not_found));
  auto apps = make_team(acme_, "Apps", at_ms, audit("team.created"));
  EXPECT_EQ(make_stream("News", 1'000, apps).team, apps);
  EXPECT_EQ(audit_actions(acme_).back(), "stream.created");
}

TEST_P(StreamRepositoryContract, ATeamHasABoundedNumberOfStreams) {
  for (std::size_t index = 0; index < core::limits::streams_per_team_max; ++index) {
    make_stream("s" + std::to_string(index));
  }
  EXPECT_TRUE(failed_with(
      streams_->create({web_, "one more", "x", true, 10, ada_, at_ms}, audit("stream.created")),
      core::ErrorCode::conflict));
}

TEST_P(StreamRepositoryContract, UpdatesAndRemoves) {
  auto news = make_stream("News");
  make_stream("Alerts");
  StreamChange change;
  change.name = "Headlines";
  change.query = "#roost";
  change.active = false;
  change.now_ms = at_ms + 5;
  auto updated = streams_->update(news.id, change, audit("stream.updated"));
  ASSERT_TRUE(succeeded(updated));
  EXPECT_EQ(updated->name, "Headlines");
  EXPECT_EQ(updated->query, "#roost");
  EXPECT_FALSE(updated->active);
  EXPECT_EQ(updated->updated_at_ms, at_ms + 5);
  auto active = streams_->list_active(listed_max);
  ASSERT_TRUE(succeeded(active));
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].name, "Alerts");
  StreamChange clash;
  clash.name = "Alerts";
  EXPECT_TRUE(failed_with(streams_->update(news.id, clash, audit("stream.updated")),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(succeeded(streams_->remove(news.id, audit("stream.deleted"))));
  EXPECT_TRUE(
      failed_with(streams_->remove(news.id, audit("stream.deleted")), core::ErrorCode::not_found));
  EXPECT_TRUE(failed_with(streams_->update(news.id, clash, audit("stream.updated")),
                          core::ErrorCode::not_found));
}

TEST_P(StreamRepositoryContract, TheRevisionMovesWithEveryChangeTheMatcherCares) {
  const auto start = revision();
  auto news = make_stream("News");
  const auto created = revision();
  EXPECT_GT(created, start);
  StreamChange rename;
  rename.name = "Renamed";
  ASSERT_TRUE(succeeded(streams_->update(news.id, rename, audit("stream.updated"))));
  EXPECT_EQ(revision(), created);  // a new name matches the same posts
  StreamChange pause;
  pause.active = false;
  ASSERT_TRUE(succeeded(streams_->update(news.id, pause, audit("stream.updated"))));
  const auto paused = revision();
  EXPECT_GT(paused, created);
  make_stream("Other");
  const auto before_cascade = revision();
  ASSERT_TRUE(succeeded(TeamRepository(database()).remove(web_, audit("team.deleted"))));
  EXPECT_GT(revision(), before_cascade);  // the team's streams went with it
  auto gone = streams_->find(news.id);
  ASSERT_TRUE(succeeded(gone));
  EXPECT_FALSE(gone->has_value());
}

TEST_P(StreamRepositoryContract, ItemsAreStoredOncePerPostAndNewestFirst) {
  auto news = make_stream("News");
  std::vector<StreamItemDraft> batch = {item(news.id, "at://a/1"), item(news.id, "at://a/2")};
  auto inserted = streams_->insert_items(batch);
  ASSERT_TRUE(succeeded(inserted));
  ASSERT_EQ(inserted->size(), 2u);
  EXPECT_EQ((*inserted)[0].text, "roost é 🚀");
  // The same posts again (a replay after a restart), and one new.
  batch.push_back(item(news.id, "at://a/3"));
  auto again = streams_->insert_items(batch);
  ASSERT_TRUE(succeeded(again));
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].post_uri, "at://a/3");
  EXPECT_EQ(item_uris(news.id), (std::vector<std::string>{"at://a/3", "at://a/2", "at://a/1"}));
  // Cursor pagination: older than the last one seen.
  auto first_page = streams_->list_items(news.id, std::nullopt, 2);
  ASSERT_TRUE(succeeded(first_page));
  ASSERT_EQ(first_page->size(), 2u);
  EXPECT_EQ(item_uris(news.id, first_page->back().id), std::vector<std::string>{"at://a/1"});
}

TEST_P(StreamRepositoryContract, ItemsOfPausedOrDeletedStreamsAreSkipped) {
  auto paused = make_stream("Paused");
  auto deleted = make_stream("Deleted");
  auto live = make_stream("Live");
  StreamChange pause;
  pause.active = false;
  ASSERT_TRUE(succeeded(streams_->update(paused.id, pause, audit("stream.updated"))));
  ASSERT_TRUE(succeeded(streams_->remove(deleted.id, audit("stream.deleted"))));
  std::vector<StreamItemDraft> batch = {item(paused.id, "at://a/1"), item(deleted.id, "at://a/1"),
                                        item(live.id, "at://a/1")};
  auto inserted = streams_->insert_items(batch);
  ASSERT_TRUE(succeeded(inserted));
  ASSERT_EQ(inserted->size(), 1u);
  EXPECT_EQ((*inserted)[0].stream, live.id);
}

TEST_P(StreamRepositoryContract, ItemsAreTrimmedToTheRetention) {
  auto small = make_stream("Small", 3);
  for (int index = 1; index <= 5; ++index) {
    std::vector<StreamItemDraft> batch = {item(small.id, "at://a/" + std::to_string(index))};
    ASSERT_TRUE(succeeded(streams_->insert_items(batch)));
  }
  EXPECT_EQ(item_uris(small.id), (std::vector<std::string>{"at://a/5", "at://a/4", "at://a/3"}));
  StreamChange shrink;
  shrink.retention_items = 1;
  ASSERT_TRUE(succeeded(streams_->update(small.id, shrink, audit("stream.updated"))));
  EXPECT_EQ(item_uris(small.id), std::vector<std::string>{"at://a/5"});
}

TEST_P(StreamRepositoryContract, ColumnsAreReplacedAsAWholePerUserAndOrganization) {
  auto news = make_stream("News");
  auto alerts = make_stream("Alerts");
  std::vector<StreamColumnRecord> columns = {{alerts.id, 0, 3}, {news.id, 1, 1}};
  ASSERT_TRUE(succeeded(streams_->replace_columns(ada_, acme_, columns)));
  auto listed = streams_->list_columns(ada_, acme_);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].stream, alerts.id);
  EXPECT_EQ((*listed)[0].width, 3);
  std::vector<StreamColumnRecord> one = {{news.id, 0, 2}};
  ASSERT_TRUE(succeeded(streams_->replace_columns(ada_, acme_, one)));
  listed = streams_->list_columns(ada_, acme_);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].width, 2);
  std::vector<StreamColumnRecord> too_wide = {{news.id, 0, 4}};
  EXPECT_FALSE(streams_->replace_columns(ada_, acme_, too_wide).ok());
  // A deleted stream's column goes with it.
  ASSERT_TRUE(succeeded(streams_->remove(news.id, audit("stream.deleted"))));
  listed = streams_->list_columns(ada_, acme_);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_TRUE(listed->empty());
}

// ADR 0032: the DIDs a query's handles resolved to are stored beside the text, and a change
// of them alone (the same text, re-resolved) moves the revision the matcher watches.
TEST_P(StreamRepositoryContract, ResolvedDidsAreKeptBesideTheQueryAndMoveTheRevision) {
  StreamDraft draft{web_,
                    "Alice",
                    "from:alice.test",
                    true,
                    1'000,
                    ada_,
                    at_ms,
                    R"({"alice.test":"did:plc:alice"})"};
  auto created = streams_->create(draft, audit("stream.created"));
  ASSERT_TRUE(succeeded(created));
  EXPECT_EQ(created->query, "from:alice.test");
  EXPECT_EQ(created->resolved_dids, R"({"alice.test":"did:plc:alice"})");
  EXPECT_EQ(make_stream("Plain").resolved_dids, "{}");
  const auto before = revision();
  StreamChange change;
  change.query = "from:alice.test";
  change.resolved_dids = R"({"alice.test":"did:plc:other"})";
  change.now_ms = at_ms + 1;
  auto updated = streams_->update(created->id, change, audit("stream.updated"));
  ASSERT_TRUE(succeeded(updated));
  EXPECT_EQ(updated->resolved_dids, R"({"alice.test":"did:plc:other"})");
  EXPECT_GT(revision(), before);
  auto active = streams_->list_active(listed_max);
  ASSERT_TRUE(succeeded(active));
  EXPECT_EQ(active->front().resolved_dids, R"({"alice.test":"did:plc:other"})");
  // A rename leaves them as they are.
  StreamChange rename;
  rename.name = "Alice B";
  rename.now_ms = at_ms + 2;
  auto renamed = streams_->update(created->id, rename, audit("stream.updated"));
  ASSERT_TRUE(succeeded(renamed));
  EXPECT_EQ(renamed->resolved_dids, R"({"alice.test":"did:plc:other"})");
}

// Items carry their author's handle from the cache once it is known, null before.
TEST_P(StreamRepositoryContract, ItemsCarryTheCachedAuthorHandle) {
  auto news = make_stream("News");
  auto inserted = streams_->insert_items(std::vector<StreamItemDraft>{item(news.id, "at://1")});
  ASSERT_TRUE(succeeded(inserted));
  EXPECT_EQ(inserted->front().author_handle, std::nullopt);
  auto listed = streams_->list_items(news.id, std::nullopt, listed_max);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_EQ(listed->front().author_handle, std::nullopt);
  AuthorHandleRepository handles(database());
  ASSERT_TRUE(succeeded(handles.record_resolved("did:plc:bob", "bob.test", at_ms, at_ms + 10)));
  listed = streams_->list_items(news.id, std::nullopt, listed_max);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_EQ(listed->front().author_handle, "bob.test");
  inserted = streams_->insert_items(std::vector<StreamItemDraft>{item(news.id, "at://2")});
  ASSERT_TRUE(succeeded(inserted));
  EXPECT_EQ(inserted->front().author_handle, "bob.test");  // what the live event shows
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StreamRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, StreamRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
