// services::Streams and ingest::StreamsSink on a scratch database: who may manage and read a
// team's streams, items stored once per post and announced to the team, pagination, columns,
// and a stream edited while ingestion goes on.
#include "services/streams.hpp"
#include "service_test_support.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "../storage/scratch_database.hpp"
#include "ingest/streams_sink.hpp"
#include "storage/migrations.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {
namespace {

using testing::DirectoryOfHandles;
using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

using domain::OrgRole;
using domain::TeamRole;

struct Post {
  std::string uri;
  std::string text;
  std::string author = "did:plc:bob";
  domain::IncomingPost view() const {
    domain::IncomingPost post;
    post.uri = uri;
    post.cid = "bafyreib";
    post.author_did = author;
    post.text = text;
    post.created_at = "2026-12-04T09:30:00.000Z";
    return post;
  }
};

class StreamsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    organizations_ = std::make_unique<storage::OrganizationRepository>(*database_);
    teams_ = std::make_unique<storage::TeamRepository>(*database_);
    stream_records_ = std::make_unique<storage::StreamRepository>(*database_);
    directory_.dids = {{"alice.test", "did:plc:alice"}, {"bob.test", "did:plc:bob"}};
    streams_ =
        std::make_unique<Streams>(*organizations_, *teams_, *stream_records_, clock_, &directory_);
    recorder_ = std::make_unique<StreamItemRecorder>(*stream_records_, events_, clock_);
    owner_ = make_user("owner@example.com");
    lead_ = make_user("lead@example.com");
    member_ = make_user("member@example.com");
    outsider_ = make_user("outsider@example.com");
    stranger_ = make_user("stranger@example.com");
    auto org = organizations_->create({"Acme", 10, 25, owner_, fixed_now_ms}, {});
    ASSERT_TRUE(org.ok());
    acme_ = org->id;
    auto other = organizations_->create({"Globex", 10, 25, stranger_, fixed_now_ms}, {});
    ASSERT_TRUE(other.ok());
    globex_ = other->id;
    for (auto user : {lead_, member_, outsider_}) {
      ASSERT_TRUE(
          organizations_->add_member({acme_, user, OrgRole::member, fixed_now_ms}, {}).ok());
    }
    web_ = make_team("Web");
    apps_ = make_team("Apps");
    join(web_, lead_, TeamRole::team_admin);
    join(web_, member_, TeamRole::member);
    join(apps_, outsider_, TeamRole::member);
  }

  core::UserId make_user(const std::string& email) {
    auto created = users_->create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }

  core::TeamId make_team(const std::string& name) {
    auto created = teams_->create(acme_, name, fixed_now_ms, {});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::TeamId{};
  }

  void join(core::TeamId team, core::UserId user, TeamRole role) {
    ASSERT_TRUE(teams_->set_member(team, user, role, fixed_now_ms, {}).ok());
  }

  static Caller as(core::UserId user) { return Caller{authz::Actor{user.value, 1, false}, "req"}; }

  StreamView create(core::UserId by, const std::string& name, const std::string& query,
                    core::TeamId team = {}) {
    StreamInput input{name, {query, std::nullopt}, true, std::nullopt};
    auto created = streams_->create(as(by), acme_, team.value ? team : web_, input);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? *created : StreamView{};
  }

  static core::ErrorCode code_of(const core::Result<StreamView>& result) {
    return result.ok() ? core::ErrorCode::internal : result.error().code;
  }

  FixedClock clock_;
  DirectoryOfHandles directory_;
  RecordedEvents events_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> organizations_;
  std::unique_ptr<storage::TeamRepository> teams_;
  std::unique_ptr<storage::StreamRepository> stream_records_;
  std::unique_ptr<Streams> streams_;
  std::unique_ptr<StreamItemRecorder> recorder_;
  core::UserId owner_, lead_, member_, outsider_, stranger_;
  core::OrgId acme_, globex_;
  core::TeamId web_, apps_;
};

TEST_F(StreamsServiceTest, TeamAdminsAndOrgAdminsManageMembersRead) {
  auto news = create(lead_, "News", "roost OR #roost -spam");
  EXPECT_EQ(news.query_text, "roost OR #roost -spam");
  EXPECT_EQ(news.retention_items, 1'000);
  create(owner_, "Owner's", "nest");
  StreamInput input{"Mine", {"roost", std::nullopt}, true, std::nullopt};
  auto by_member = streams_->create(as(member_), acme_, web_, input);
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, core::ErrorCode::permission_denied);
  EXPECT_NE(by_member.error().message.find("manage_team_streams"), std::string::npos);
  EXPECT_EQ(code_of(streams_->create(as(outsider_), acme_, web_, input)),
            core::ErrorCode::not_found);
  EXPECT_EQ(code_of(streams_->create(as(stranger_), acme_, web_, input)),
            core::ErrorCode::not_found);

  auto listed = streams_->list(as(member_), acme_, web_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  EXPECT_TRUE(streams_->get(as(member_), acme_, news.id).ok());
  StreamEdit pause;
  pause.active = false;
  EXPECT_EQ(code_of(streams_->update(as(member_), acme_, news.id, pause)),
            core::ErrorCode::permission_denied);
  // Outside the team, or outside the organization, the stream does not exist.
  EXPECT_EQ(code_of(streams_->get(as(outsider_), acme_, news.id)), core::ErrorCode::not_found);
  EXPECT_EQ(code_of(streams_->get(as(stranger_), acme_, news.id)), core::ErrorCode::not_found);
  EXPECT_EQ(code_of(streams_->get(as(stranger_), globex_, news.id)), core::ErrorCode::not_found);
  EXPECT_EQ(code_of(streams_->update(as(outsider_), acme_, news.id, pause)),
            core::ErrorCode::not_found);
  auto items = streams_->items(as(outsider_), acme_, news.id, "", 0);
  ASSERT_FALSE(items.ok());
  EXPECT_EQ(items.error().code, core::ErrorCode::not_found);

  auto paused = streams_->update(as(lead_), acme_, news.id, pause);
  ASSERT_TRUE(paused.ok());
  EXPECT_FALSE(paused->active);
  EXPECT_TRUE(streams_->remove(as(owner_), acme_, news.id).ok());
  EXPECT_EQ(code_of(streams_->get(as(lead_), acme_, news.id)), core::ErrorCode::not_found);
}

TEST_F(StreamsServiceTest, AMemberWhoJoinsATeamSeesItsStreams) {
  auto news = create(lead_, "News", "roost");
  EXPECT_EQ(code_of(streams_->get(as(outsider_), acme_, news.id)), core::ErrorCode::not_found);
  join(web_, outsider_, TeamRole::member);
  EXPECT_TRUE(streams_->get(as(outsider_), acme_, news.id).ok());
  auto listed = streams_->list(as(outsider_), acme_, web_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(StreamsServiceTest, InvalidSearchesAreRefusedNamingTheProblem) {
  StreamInput input{"Bad", {"roost \"shared inbox", std::nullopt}, true, std::nullopt};
  auto refused = streams_->create(as(lead_), acme_, web_, input);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::invalid_request);
  EXPECT_NE(refused.error().message.find("quote is not closed"), std::string::npos);
  input.search = {"roost from:nobody.test", std::nullopt};
  refused = streams_->create(as(lead_), acme_, web_, input);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::invalid_request);
  EXPECT_NE(refused.error().message.find("from:nobody.test"), std::string::npos);
  input.search = {"roost", domain::StreamQuery{{"roost"}}};
  EXPECT_EQ(code_of(streams_->create(as(lead_), acme_, web_, input)),
            core::ErrorCode::invalid_request);
  input.search = {std::nullopt, domain::StreamQuery{{"roost"}}};
  input.retention_items = 0;
  refused = streams_->create(as(lead_), acme_, web_, input);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().details.at(0).field, "retention_items");
  input.retention_items = 5;
  auto created = streams_->create(as(lead_), acme_, web_, input);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->query_text, "roost");
}

TEST_F(StreamsServiceTest, TheSinkStoresEachMatchOnceAndAnnouncesItToTheTeam) {
  auto news = create(lead_, "News", "roost -spam");
  auto apps = create(owner_, "Apps", "#roost", apps_);
  ingest::StreamsSink sink(*streams_, *recorder_);
  std::vector<Post> posts = {{"at://bob/1", "roost is live"},
                             {"at://bob/2", "roost spam"},
                             {"at://bob/3", "#Roost and roost"},
                             {"at://bob/4", "nothing"}};
  std::vector<domain::IncomingPost> views;
  for (const auto& post : posts) views.push_back(post.view());
  ASSERT_TRUE(sink.accept(views).ok());
  auto events = events_.taken();
  ASSERT_EQ(events.size(), 3u);
  std::map<std::string, int> audiences;
  for (const auto& event : events) {
    EXPECT_EQ(event.type, "stream.item");
    ++audiences[event.audience];
  }
  EXPECT_EQ(audiences["team:" + std::to_string(web_.value)], 2);
  EXPECT_EQ(audiences["team:" + std::to_string(apps_.value)], 1);
  EXPECT_NE(events[0].payload.find("\"uri\":\"at://bob/1\""), std::string::npos);

  // The same batch again (the listener's cursor was not saved): nothing new, no event.
  ASSERT_TRUE(sink.accept(views).ok());
  EXPECT_TRUE(events_.taken().empty());
  auto page = streams_->items(as(member_), acme_, news.id, "", 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].post_uri, "at://bob/3");
  ASSERT_TRUE(page->next_cursor.has_value());
  auto older = streams_->items(as(member_), acme_, news.id, *page->next_cursor, 1);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->items.size(), 1u);
  EXPECT_EQ(older->items[0].post_uri, "at://bob/1");
  EXPECT_FALSE(older->next_cursor.has_value());
  auto bad_cursor = streams_->items(as(member_), acme_, news.id, "12abc", 1);
  ASSERT_FALSE(bad_cursor.ok());
  EXPECT_EQ(bad_cursor.error().details.at(0).field, "cursor");
  EXPECT_TRUE(streams_->items(as(outsider_), acme_, apps.id, "", 0).ok());
}

TEST_F(StreamsServiceTest, AnEditedStreamIsRecompiledWhileIngestionGoesOn) {
  auto news = create(lead_, "News", "roost");
  ingest::StreamsSink sink(*streams_, *recorder_);
  std::vector<domain::IncomingPost> views;
  Post nest{"at://bob/1", "a nest"};
  views.push_back(nest.view());
  ASSERT_TRUE(sink.accept(views).ok());
  EXPECT_TRUE(events_.taken().empty());
  StreamEdit edit;
  edit.search.text = "nest";
  ASSERT_TRUE(streams_->update(as(lead_), acme_, news.id, edit).ok());
  auto revision = streams_->revision();
  ASSERT_TRUE(revision.ok());
  // Batches go on while the rebuild thread compiles; within seconds the edit applies.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t announced = 0;
  int round = 0;
  while (announced == 0 && std::chrono::steady_clock::now() < deadline) {
    Post again{"at://bob/n" + std::to_string(round++), "a nest"};
    std::vector<domain::IncomingPost> batch = {again.view()};
    ASSERT_TRUE(sink.accept(batch).ok());
    announced = events_.taken().size();
    if (announced == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(announced, 1u);
  EXPECT_EQ(sink.compiled_revision(), *revision);
  // A deleted stream stops matching too.
  ASSERT_TRUE(streams_->remove(as(lead_), acme_, news.id).ok());
  ASSERT_TRUE(sink.rebuild_now().ok());
  Post last{"at://bob/last", "a nest"};
  std::vector<domain::IncomingPost> batch = {last.view()};
  ASSERT_TRUE(sink.accept(batch).ok());
  EXPECT_TRUE(events_.taken().empty());
  EXPECT_EQ(sink.matcher_stats().streams, 0u);
}

TEST_F(StreamsServiceTest, ColumnsHoldOnlyStreamsTheUserSees) {
  auto news = create(lead_, "News", "roost");
  auto alerts = create(lead_, "Alerts", "nest");
  auto apps = create(owner_, "Apps", "apps", apps_);
  std::vector<ColumnInput> columns = {{alerts.id, 3}, {news.id, 1}};
  auto set = streams_->set_columns(as(member_), acme_, columns);
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->size(), 2u);
  EXPECT_EQ((*set)[0].stream.name, "Alerts");
  EXPECT_EQ((*set)[0].width, 3);
  EXPECT_EQ((*set)[1].position, 1);
  std::vector<ColumnInput> hidden = {{apps.id, 1}};
  auto refused = streams_->set_columns(as(member_), acme_, hidden);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().details.at(0).field, "columns[0].stream_id");
  std::vector<ColumnInput> too_wide = {{news.id, 4}};
  refused = streams_->set_columns(as(member_), acme_, too_wide);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().details.at(0).field, "columns[0].width");
  std::vector<ColumnInput> twice = {{news.id, 1}, {news.id, 2}};
  EXPECT_FALSE(streams_->set_columns(as(member_), acme_, twice).ok());
  // Leaving the team hides its columns.
  ASSERT_TRUE(teams_->remove_member(web_, member_, {}).ok());
  auto listed = streams_->columns(as(member_), acme_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  EXPECT_FALSE(streams_->columns(as(stranger_), acme_).ok());
}

}  // namespace
}  // namespace roost::services

namespace roost::services {
namespace {

std::vector<domain::StreamQuery> active_queries(Streams& streams) {
  auto active = streams.active_streams();
  EXPECT_TRUE(active.ok());
  std::vector<domain::StreamQuery> queries;
  if (active.ok()) {
    for (const auto& stream : *active) queries.push_back(stream.query);
  }
  return queries;
}

// ADR 0032: a from: handle is resolved when the stream is saved; the text stays as written,
// the DID is stored beside it, and the matcher is given the DID.
TEST_F(StreamsServiceTest, FromHandlesAreResolvedWhenSavedAndMatchedByDid) {
  auto alice = create(lead_, "Alice", "roost from:alice.test");
  EXPECT_EQ(alice.query_text, "roost from:alice.test");
  EXPECT_EQ(alice.resolved_dids,
            (std::map<std::string, std::string>{{"alice.test", "did:plc:alice"}}));
  auto queries = active_queries(*streams_);
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].authors, std::vector<std::string>{"did:plc:alice"});

  // The sink matches a post of that DID, not another's.
  ingest::StreamsSink sink(*streams_, *recorder_);
  std::vector<Post> posts{{"at://did:plc:alice/app.bsky.feed.post/1", "roost day", "did:plc:alice"},
                          {"at://did:plc:bob/app.bsky.feed.post/2", "roost day", "did:plc:bob"}};
  std::vector<domain::IncomingPost> views;
  for (const auto& post : posts) views.push_back(post.view());
  ASSERT_TRUE(sink.accept(views).ok());
  auto items = streams_->items(as(member_), acme_, alice.id, "", 0);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->items.size(), 1u);
  EXPECT_EQ(items->items[0].author_did, "did:plc:alice");

  // Edited: resolved again (the handle may name another account by now).
  directory_.dids["alice.test"] = "did:plc:alice2";
  StreamEdit edit;
  edit.search.text = "roost from:alice.test";
  auto edited = streams_->update(as(lead_), acme_, alice.id, edit);
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->resolved_dids.at("alice.test"), "did:plc:alice2");
  EXPECT_EQ(active_queries(*streams_)[0].authors, std::vector<std::string>{"did:plc:alice2"});
}

TEST_F(StreamsServiceTest, AnUnknownOrUnresolvableHandleSavesNothing) {
  StreamInput input{"Ghost", {"roost from:ghost.test", std::nullopt}, true, std::nullopt};
  auto unknown = streams_->create(as(lead_), acme_, web_, input);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::ErrorCode::invalid_request);
  EXPECT_NE(unknown.error().message.find("from:ghost.test"), std::string::npos);
  directory_.down = true;
  input.search = {"roost from:alice.test", std::nullopt};
  auto down = streams_->create(as(lead_), acme_, web_, input);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, core::ErrorCode::unavailable);
  EXPECT_NE(down.error().message.find("from:alice.test"), std::string::npos);
  auto listed = streams_->list(as(lead_), acme_, web_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  // An edit refused the same way leaves the stream as it was.
  directory_.down = false;
  auto kept = create(lead_, "Kept", "roost");
  directory_.down = true;
  StreamEdit edit;
  edit.search.text = "roost from:alice.test";
  edit.name = "Renamed";
  EXPECT_EQ(streams_->update(as(lead_), acme_, kept.id, edit).error().code,
            core::ErrorCode::unavailable);
  auto after = streams_->get(as(lead_), acme_, kept.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->name, "Kept");
  EXPECT_EQ(after->query_text, "roost");
}

// A mention matches the text "@handle" and, once its handle resolves, the mention facet of
// its DID; an unknown mentioned handle still saves (the text match stands), and so does one
// while the resolver is down.
TEST_F(StreamsServiceTest, MentionHandlesAlsoMatchTheirDidWhenTheyResolve) {
  create(lead_, "Bob", "@bob.test");
  auto queries = active_queries(*streams_);
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].mentions, (std::vector<std::string>{"bob.test", "did:plc:bob"}));
  create(lead_, "Ghost", "@ghost.test");
  directory_.down = true;
  create(lead_, "Down", "@alice.test");
  queries = active_queries(*streams_);
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[1].mentions, std::vector<std::string>{"ghost.test"});
  EXPECT_EQ(queries[2].mentions, std::vector<std::string>{"alice.test"});
}

}  // namespace
}  // namespace roost::services
