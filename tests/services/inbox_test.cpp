// services::Inbox and services::Templates on a scratch SQLite database: what becomes an item
// (mentions, replies, quotes; not the profile's own posts), routing rules in order with the
// owner as fallback, the member cap, a replayed batch that changes nothing and tells nobody,
// who may work items, and replies through Posts with their refs and templates.
#include "services/inbox.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "../storage/scratch_database.hpp"
#include "../support/fed_post.hpp"
#include "storage/migrations.hpp"

namespace roost::services {
namespace {

using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

storage::AuditEvent no_audit() { return {{}, std::nullopt, "", "", "{}", "test", fixed_now_ms}; }

// A post as the listener hands it over.
using PostData = roost::testing::FedPost;

constexpr std::string_view bikes_did = "did:plc:bikes";
constexpr std::string_view news_did = "did:plc:news";

class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    organizations_ = std::make_unique<storage::OrganizationRepository>(*database_);
    teams_ = std::make_unique<storage::TeamRepository>(*database_);
    profiles_ = std::make_unique<storage::ProfileRepository>(*database_);
    post_records_ = std::make_unique<storage::PostRepository>(*database_);
    notification_records_ = std::make_unique<storage::NotificationRepository>(*database_);
    inbox_records_ = std::make_unique<storage::InboxRepository>(*database_);
    template_records_ = std::make_unique<storage::TemplateRepository>(*database_);
    notifications_ = std::make_unique<Notifications>(*notification_records_, clock_);
    posts_ = std::make_unique<Posts>(*organizations_, *teams_, *profiles_, *post_records_,
                                     *notifications_, clock_);
    templates_ = std::make_unique<Templates>(*organizations_, *teams_, *profiles_,
                                             *template_records_, clock_);
    outbound_.mail_enabled = true;
    inbox_ = std::make_unique<Inbox>(*organizations_, *teams_, *profiles_, *inbox_records_, *users_,
                                     *notification_records_, *posts_, *templates_, &events_, clock_,
                                     outbound_, InboxOptions{2, &directory_});

    owner_ = make_user("owner@example.com", "Olive Owner");
    publisher_ = make_user("publisher@example.com", "Pat Publisher");
    limited_ = make_user("limited@example.com", "Lee Limited");
    viewer_ = make_user("viewer@example.com", "Vi Viewer");
    stranger_ = make_user("stranger@example.com", "Stan Stranger");
    auto org = organizations_->create({"Acme", 10, 25, owner_, fixed_now_ms}, no_audit());
    ASSERT_TRUE(org.ok()) << org.error().message;
    org_ = org->id;
    auto other = organizations_->create({"Globex", 10, 25, stranger_, fixed_now_ms}, no_audit());
    ASSERT_TRUE(other.ok());
    other_org_ = other->id;
    for (auto user : {publisher_, limited_, viewer_}) {
      ASSERT_TRUE(organizations_
                      ->add_member({org_, user, domain::OrgRole::member, fixed_now_ms}, no_audit())
                      .ok());
    }
    bikes_ = make_profile(org_, bikes_did, "bikes.test", publisher_);
    news_ = make_profile(org_, news_did, "news.test", std::nullopt);
    support_ = make_team("Support", {{publisher_, domain::TeamRole::team_admin},
                                     {limited_, domain::TeamRole::member},
                                     {viewer_, domain::TeamRole::member}});
    hr_ = make_team("HR", {});
    grant(support_, bikes_, domain::ProfileLevel::viewer);
    grant(hr_, bikes_, domain::ProfileLevel::viewer);
    // Levels per member through their own teams.
    publishers_ = make_team("Publishers", {{publisher_, domain::TeamRole::member}});
    grant(publishers_, bikes_, domain::ProfileLevel::publisher);
    auto writers = make_team("Writers", {{limited_, domain::TeamRole::member}});
    grant(writers, bikes_, domain::ProfileLevel::limited);
  }

  core::UserId make_user(const std::string& email, const std::string& name) {
    auto created = users_->create({email, email, name, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }

  core::ProfileId make_profile(core::OrgId org, std::string_view did, const std::string& handle,
                               std::optional<core::UserId> owner) {
    auto created = profiles_->create(
        {org, "bluesky", std::string(did), handle, "", "", "", owner, owner, fixed_now_ms},
        no_audit());
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->id : core::ProfileId{};
  }

  core::TeamId make_team(const std::string& name,
                         std::vector<std::pair<core::UserId, domain::TeamRole>> members) {
    auto team = teams_->create(org_, name, fixed_now_ms, no_audit());
    EXPECT_TRUE(team.ok());
    for (auto [user, role] : members) {
      EXPECT_TRUE(teams_->set_member(team->id, user, role, fixed_now_ms, no_audit()).ok());
    }
    return team->id;
  }

  void grant(core::TeamId team, core::ProfileId profile, domain::ProfileLevel level) {
    auto granted = profiles_->set_grants(org_, {{team, profile, level}}, fixed_now_ms, no_audit());
    ASSERT_TRUE(granted.ok()) << granted.error().message;
  }

  Caller as(core::UserId user) const { return Caller{authz::Actor{user.value, 1, false}, "req"}; }

  PostData mention(const std::string& rkey, std::string_view did, const std::string& text) {
    PostData post;
    post.uri = "at://did:plc:fan/app.bsky.feed.post/" + rkey;
    post.cid = "bafy" + rkey;
    post.author = "did:plc:fan";
    post.text = text;
    post.mentions = {std::string(did)};
    return post;
  }

  std::size_t ingest(std::vector<PostData>& posts) {
    std::vector<domain::IncomingPost> views;
    for (auto& post : posts) views.push_back(post.view());
    auto ingested = inbox_->ingest(views);
    EXPECT_TRUE(ingested.ok()) << ingested.error().message;
    return ingested.ok() ? *ingested : 0;
  }

  std::vector<storage::InboxItemRecord> items() {
    auto page = inbox_->list(as(owner_), org_, {});
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page.ok() ? page->items : std::vector<storage::InboxItemRecord>{};
  }

  std::size_t notifications_of(core::UserId user) {
    auto listed = notification_records_->list(user, {std::nullopt, 100, false});
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? listed->size() : 0;
  }

  template <class Value>
  static core::ErrorCode code_of(const core::Result<Value>& result) {
    return result.ok() ? core::ErrorCode::internal : result.error().code;
  }

  storage::InboxRuleRecord add_rule(domain::RoutingRule rule) {
    auto created = inbox_->create_rule(as(owner_), org_, {std::move(rule), std::nullopt});
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : storage::InboxRuleRecord{};
  }

  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  FixedClock clock_;
  testing::DirectoryOfHandles directory_;  // outlives inbox_, which asks it
  OutboundSettings outbound_;
  RecordedEvents events_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> organizations_;
  std::unique_ptr<storage::TeamRepository> teams_;
  std::unique_ptr<storage::ProfileRepository> profiles_;
  std::unique_ptr<storage::PostRepository> post_records_;
  std::unique_ptr<storage::NotificationRepository> notification_records_;
  std::unique_ptr<storage::InboxRepository> inbox_records_;
  std::unique_ptr<storage::TemplateRepository> template_records_;
  std::unique_ptr<Notifications> notifications_;
  std::unique_ptr<Posts> posts_;
  std::unique_ptr<Templates> templates_;
  std::unique_ptr<Inbox> inbox_;
  core::UserId owner_, publisher_, limited_, viewer_, stranger_;
  core::OrgId org_, other_org_;
  core::ProfileId bikes_, news_;
  core::TeamId support_, hr_, publishers_;
};

TEST_F(InboxTest, MentionsRepliesAndQuotesBecomeItemsButNotTheProfilesOwnPosts) {
  std::vector<PostData> posts;
  posts.push_back(mention("m1", bikes_did, "hi @bikes.test"));
  PostData reply = mention("r1", bikes_did, "@bikes.test yes");
  reply.root_uri = "at://did:plc:bikes/app.bsky.feed.post/root";
  reply.root_cid = "bafyroot";
  reply.parent_uri = "at://did:plc:bikes/app.bsky.feed.post/parent";
  reply.parent_cid = "bafyparent";
  posts.push_back(reply);
  PostData quote = mention("q1", "did:plc:nobody", "look at this");
  quote.quote_uri = "at://did:plc:news/app.bsky.feed.post/q";
  quote.quote_cid = "bafyq";
  posts.push_back(quote);
  PostData own = mention("own", bikes_did, "our own post");
  own.author = std::string(bikes_did);
  posts.push_back(own);
  posts.push_back(mention("none", "did:plc:unknown", "about someone else"));
  EXPECT_EQ(ingest(posts), 3u);
  auto listed = items();
  ASSERT_EQ(listed.size(), 3u);
  // Newest first: the quote, the reply (one item although it also mentions), the mention.
  EXPECT_EQ(listed[0].kind, domain::InboxKind::quote);
  EXPECT_EQ(listed[0].profile, news_);
  EXPECT_EQ(listed[1].kind, domain::InboxKind::reply);
  ASSERT_TRUE(listed[1].reply_root.has_value());
  EXPECT_EQ(listed[1].reply_root->uri, reply.root_uri);
  EXPECT_EQ(listed[1].reply_parent->cid, "bafyparent");
  EXPECT_EQ(listed[2].kind, domain::InboxKind::mention);
  // No rule: bikes' owner has the two of bikes; news has no owner, so nobody.
  EXPECT_EQ(listed[1].assignee, publisher_);
  EXPECT_EQ(listed[2].assignee, publisher_);
  EXPECT_FALSE(listed[0].assignee.has_value());
  auto live = events_.events();
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].type, "inbox.item");
  EXPECT_EQ(live[0].audience, "profile:" + std::to_string(bikes_.value));
}

TEST_F(InboxTest, AReplayedBatchChangesNothingAndTellsNobodyAgain) {
  std::vector<PostData> posts{mention("a", bikes_did, "hello"), mention("b", bikes_did, "again")};
  EXPECT_EQ(ingest(posts), 2u);
  // The owner is the assignee: told once per item (in-app, and a mail queued).
  EXPECT_EQ(notifications_of(publisher_), 2u);
  auto before = items();
  EXPECT_EQ(ingest(posts), 0u);
  EXPECT_EQ(notifications_of(publisher_), 2u);
  EXPECT_EQ(items().size(), before.size());
  EXPECT_EQ(events_.events().size(), 2u);
  // The same post twice in one batch is one item.
  std::vector<PostData> doubled{mention("c", bikes_did, "x"), mention("c", bikes_did, "x")};
  EXPECT_EQ(ingest(doubled), 1u);
}

TEST_F(InboxTest, RulesRouteInOrderTagsAccumulateAndTheOwnerIsTheFallback) {
  domain::RoutingRule tag_refunds;
  tag_refunds.name = "refunds";
  tag_refunds.when.keywords = {"refund"};
  tag_refunds.then.tags = {"billing"};
  add_rule(tag_refunds);
  domain::RoutingRule crisis;
  crisis.name = "crisis";
  crisis.when.regex = "\\b(outage|down)\\b";
  crisis.then.team = support_;
  crisis.then.priority = domain::InboxPriority::urgent;
  crisis.then.tags = {"crisis"};
  add_rule(crisis);
  domain::RoutingRule hiring;
  hiring.name = "hiring";
  hiring.when.keywords = {"job", "hiring"};
  hiring.then.team = hr_;
  add_rule(hiring);
  // Matches crisis and hiring: the first in order wins the team.
  std::vector<PostData> posts{mention("1", bikes_did, "Site DOWN, are you hiring? refund!"),
                              mention("2", bikes_did, "any job openings?"),
                              mention("3", bikes_did, "nice bikes")};
  EXPECT_EQ(ingest(posts), 3u);
  auto listed = items();
  ASSERT_EQ(listed.size(), 3u);
  const auto& first = listed[2];
  EXPECT_EQ(first.team, support_);
  EXPECT_FALSE(first.assignee.has_value());
  EXPECT_EQ(first.priority, domain::InboxPriority::urgent);
  EXPECT_EQ(first.tags, (std::vector<std::string>{"billing", "crisis"}));
  EXPECT_EQ(listed[1].team, hr_);
  EXPECT_EQ(listed[0].assignee, publisher_);  // no rule: the owner
  EXPECT_FALSE(listed[0].team.has_value());
  // Moving hiring first changes who wins.
  auto rules = inbox_->list_rules(as(owner_), org_);
  ASSERT_TRUE(rules.ok());
  auto moved = inbox_->update_rule(as(owner_), org_, {(*rules)[2].rule, 1});
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  std::vector<PostData> later{mention("4", bikes_did, "down again, still hiring?")};
  ingest(later);
  EXPECT_EQ(items()[0].team, hr_);
}

TEST_F(InboxTest, RulesAreCheckedWhenSavedAndOnlyOwnersAndAdminsManageThem) {
  domain::RoutingRule backtracking;
  backtracking.name = "bad";
  backtracking.when.regex = "(a)\\1";  // a back-reference: vectorscan refuses it
  auto refused = inbox_->create_rule(as(owner_), org_, {backtracking, std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::invalid_request);
  ASSERT_FALSE(refused.error().details.empty());
  EXPECT_EQ(refused.error().details[0].field, "regex");
  domain::RoutingRule too_long;
  too_long.name = "long";
  too_long.when.regex = std::string(core::limits::inbox_rule_regex_bytes_max + 1, 'a');
  EXPECT_FALSE(inbox_->create_rule(as(owner_), org_, {too_long, std::nullopt}).ok());
  domain::RoutingRule empty_match;
  empty_match.name = "empty";
  empty_match.when.regex = "x*";
  EXPECT_FALSE(inbox_->create_rule(as(owner_), org_, {empty_match, std::nullopt}).ok());
  domain::RoutingRule foreign_team;
  foreign_team.name = "foreign";
  auto globex_team = teams_->create(other_org_, "Globex team", fixed_now_ms, no_audit());
  ASSERT_TRUE(globex_team.ok());
  foreign_team.then.team = globex_team->id;
  auto foreign = inbox_->create_rule(as(owner_), org_, {foreign_team, std::nullopt});
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, core::ErrorCode::invalid_request);
  domain::RoutingRule fine;
  fine.name = "fine";
  auto by_member = inbox_->create_rule(as(publisher_), org_, {fine, std::nullopt});
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, core::ErrorCode::permission_denied);
  auto by_stranger = inbox_->list_rules(as(stranger_), org_);
  ASSERT_FALSE(by_stranger.ok());
  EXPECT_EQ(by_stranger.error().code, core::ErrorCode::not_found);
}

// ADR 0034: posts name their author by DID only, so a rule naming its author by handle
// stores the DID the handle resolves to when saved (beside the handle as typed), routes by
// it, and resolves again when edited.
TEST_F(InboxTest, ARuleNamingItsAuthorByHandleRoutesByTheDidItResolvedTo) {
  directory_.dids = {{"fan.test", "did:plc:fan"}, {"other.test", "did:plc:other"}};
  domain::RoutingRule fans;
  fans.name = "fans";
  fans.when.author = "@Fan.test";
  fans.then.team = hr_;
  auto created = add_rule(fans);
  EXPECT_EQ(created.rule.when.author, "Fan.test");  // as typed, without the '@'
  EXPECT_EQ(created.rule.when.author_did, "did:plc:fan");
  auto listed = inbox_->list_rules(as(owner_), org_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].rule.when.author_did, "did:plc:fan");

  std::vector<PostData> posts{mention("1", bikes_did, "from the fan"),
                              mention("2", bikes_did, "from someone else")};
  posts[1].author = "did:plc:someone";
  EXPECT_EQ(ingest(posts), 2u);
  auto routed = items();
  ASSERT_EQ(routed.size(), 2u);
  EXPECT_EQ(routed[1].author_did, "did:plc:fan");
  EXPECT_EQ(routed[1].team, hr_);
  EXPECT_EQ(routed[1].routed_by_rule, created.rule.id);
  EXPECT_FALSE(routed[0].team.has_value());
  EXPECT_EQ(routed[0].assignee, publisher_);  // no rule matched: the owner

  // Edited (even to the same handle): resolved again, the handle may name another account.
  directory_.dids["fan.test"] = "did:plc:fan2";
  fans.id = created.rule.id;
  auto edited = inbox_->update_rule(as(owner_), org_, {fans, std::nullopt});
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->rule.when.author_did, "did:plc:fan2");

  // A DID is its own: nothing to ask.
  const int asked = directory_.calls;
  domain::RoutingRule by_did;
  by_did.name = "by did";
  by_did.when.author = "did:plc:other";
  EXPECT_EQ(add_rule(by_did).rule.when.author_did, "did:plc:other");
  EXPECT_EQ(directory_.calls, asked);
}

TEST_F(InboxTest, ARuleWhoseAuthorHandleDoesNotResolveSavesNothing) {
  directory_.dids = {{"fan.test", "did:plc:fan"}};
  domain::RoutingRule ghost;
  ghost.name = "ghost";
  ghost.when.author = "ghost.test";
  auto unknown = inbox_->create_rule(as(owner_), org_, {ghost, std::nullopt});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::ErrorCode::invalid_request);
  EXPECT_NE(unknown.error().message.find("ghost.test"), std::string::npos);
  ASSERT_FALSE(unknown.error().details.empty());
  EXPECT_EQ(unknown.error().details[0].field, "author");

  directory_.down = true;
  domain::RoutingRule fans;
  fans.name = "fans";
  fans.when.author = "fan.test";
  auto down = inbox_->create_rule(as(owner_), org_, {fans, std::nullopt});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, core::ErrorCode::unavailable);
  EXPECT_NE(down.error().message.find("fan.test"), std::string::npos);
  EXPECT_EQ(down.error().message.find("resolver.internal"), std::string::npos)
      << down.error().message;
  auto listed = inbox_->list_rules(as(owner_), org_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());

  // An edit refused the same way leaves the rule as it was.
  directory_.down = false;
  auto kept = add_rule(fans);
  directory_.down = true;
  domain::RoutingRule renamed = kept.rule;
  renamed.name = "renamed";
  renamed.when.author = "fan.test";
  EXPECT_EQ(inbox_->update_rule(as(owner_), org_, {renamed, std::nullopt}).error().code,
            core::ErrorCode::unavailable);
  listed = inbox_->list_rules(as(owner_), org_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].rule.name, "fans");
  EXPECT_EQ((*listed)[0].rule.when.author_did, "did:plc:fan");

  // Neither a handle nor a DID: refused before anyone is asked; so is a member's rule.
  const int asked = directory_.calls;
  domain::RoutingRule garbled;
  garbled.name = "garbled";
  garbled.when.author = "not a handle";
  auto refused = inbox_->create_rule(as(owner_), org_, {garbled, std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::invalid_request);
  EXPECT_EQ(refused.error().details[0].field, "author");
  EXPECT_EQ(code_of(inbox_->create_rule(as(publisher_), org_, {fans, std::nullopt})),
            core::ErrorCode::permission_denied);
  EXPECT_EQ(code_of(inbox_->create_rule(as(stranger_), org_, {fans, std::nullopt})),
            core::ErrorCode::not_found);
  EXPECT_EQ(directory_.calls, asked);

  // A server without a resolver takes DIDs only.
  Inbox without(*organizations_, *teams_, *profiles_, *inbox_records_, *users_,
                *notification_records_, *posts_, *templates_, &events_, clock_, outbound_);
  directory_.down = false;
  EXPECT_EQ(code_of(without.create_rule(as(owner_), org_, {fans, std::nullopt})),
            core::ErrorCode::unavailable);
}

TEST_F(InboxTest, AnOwnerAtTheCapHandsNewItemsToTheirTeam) {
  // The cap is 2 here: the third item of bikes goes to a team of the owner's that has bikes.
  std::vector<PostData> posts{mention("1", bikes_did, "one"), mention("2", bikes_did, "two"),
                              mention("3", bikes_did, "three")};
  EXPECT_EQ(ingest(posts), 3u);
  auto listed = items();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[2].assignee, publisher_);
  EXPECT_EQ(listed[1].assignee, publisher_);
  EXPECT_FALSE(listed[0].assignee.has_value());
  ASSERT_TRUE(listed[0].team.has_value());
  // HR comes first by name but the owner is not in it; of Publishers and Support, both the
  // owner's, Publishers comes first.
  EXPECT_EQ(*listed[0].team, publishers_);
  // Assigning a fourth to the owner by hand is refused; resolving one frees a place.
  InboxItemUpdate assign;
  assign.assignee = std::optional<core::UserId>(publisher_);
  auto over = inbox_->update(as(owner_), org_, listed[0].id, assign);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::ErrorCode::conflict);
  InboxItemUpdate resolve;
  resolve.status = domain::InboxStatus::resolved;
  ASSERT_TRUE(inbox_->update(as(publisher_), org_, listed[2].id, resolve).ok());
  auto assigned = inbox_->update(as(owner_), org_, listed[0].id, assign);
  ASSERT_TRUE(assigned.ok()) << assigned.error().message;
  EXPECT_EQ(assigned->assignee, publisher_);
}

TEST_F(InboxTest, ViewersSeeLimitedMembersWorkAndOthersFindNothing) {
  std::vector<PostData> posts{mention("1", bikes_did, "hello")};
  ingest(posts);
  const auto id = items()[0].id;
  EXPECT_TRUE(inbox_->get(as(viewer_), org_, id).ok());
  InboxItemUpdate tag;
  tag.tags = std::vector<std::string>{"VIP"};
  auto by_viewer = inbox_->update(as(viewer_), org_, id, tag);
  ASSERT_FALSE(by_viewer.ok());
  EXPECT_EQ(by_viewer.error().code, core::ErrorCode::permission_denied);
  auto by_limited = inbox_->update(as(limited_), org_, id, tag);
  ASSERT_TRUE(by_limited.ok()) << by_limited.error().message;
  EXPECT_EQ(by_limited->tags, std::vector<std::string>{"vip"});
  ASSERT_TRUE(inbox_->add_note(as(limited_), org_, id, "called them back").ok());
  EXPECT_FALSE(inbox_->add_note(as(viewer_), org_, id, "me too").ok());
  auto notes = inbox_->list_notes(as(viewer_), org_, id);
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ((*notes)[0].author_name, "Lee Limited");
  // Assigning to someone who cannot see the profile; to a team without it.
  InboxItemUpdate to_stranger;
  to_stranger.assignee = std::optional<core::UserId>(stranger_);
  EXPECT_EQ(inbox_->update(as(owner_), org_, id, to_stranger).error().code,
            core::ErrorCode::invalid_request);
  auto bare = make_team("Bare", {});
  InboxItemUpdate to_bare;
  to_bare.team = std::optional<core::TeamId>(bare);
  EXPECT_EQ(inbox_->update(as(owner_), org_, id, to_bare).error().code,
            core::ErrorCode::invalid_request);
  // Another organization's member: no such item, and an empty list there.
  auto from_outside = inbox_->get(as(stranger_), org_, id);
  ASSERT_FALSE(from_outside.ok());
  EXPECT_EQ(from_outside.error().code, core::ErrorCode::not_found);
  auto elsewhere = inbox_->get(as(stranger_), other_org_, id);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, core::ErrorCode::not_found);
  // A reassignment tells the new assignee.
  const auto before = notifications_of(limited_);
  InboxItemUpdate to_limited;
  to_limited.assignee = std::optional<core::UserId>(limited_);
  ASSERT_TRUE(inbox_->update(as(publisher_), org_, id, to_limited).ok());
  EXPECT_EQ(notifications_of(limited_), before + 1);
}

TEST_F(InboxTest, RepliesGoThroughPostsWithTheThreadsRefsAndTemplates) {
  PostData reply = mention("r", bikes_did, "@bikes.test is it open?");
  reply.root_uri = "at://did:plc:bikes/app.bsky.feed.post/root";
  reply.root_cid = "bafyroot";
  reply.parent_uri = "at://did:plc:bikes/app.bsky.feed.post/parent";
  reply.parent_cid = "bafyparent";
  std::vector<PostData> posts{reply, mention("m", bikes_did, "plain mention")};
  ingest(posts);
  auto listed = items();
  const auto reply_item = listed[1].id;
  const auto mention_item = listed[0].id;

  InboxReplyRequest text;
  text.text = "Yes, from 9 to 5.";
  auto published = inbox_->reply(as(publisher_), org_, reply_item, text);
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(published->post.post.state, storage::PostState::scheduled);
  EXPECT_EQ(published->post.post.kind, storage::PostKind::reply);
  ASSERT_TRUE(published->post.post.reply_root.has_value());
  EXPECT_EQ(published->post.post.reply_root->uri, reply.root_uri);
  EXPECT_EQ(published->post.post.reply_parent->uri, reply.uri);
  EXPECT_EQ(published->item.reply_post, published->post.post.id);

  // A template of the team, rendered; the mention's post is its own thread's root.
  auto made = templates_->create(as(publisher_), org_, support_, "Thanks",
                                 "Thanks @{author_handle}! — {member_name} for {profile_handle}");
  ASSERT_TRUE(made.ok()) << made.error().message;
  InboxReplyRequest templated;
  templated.template_id = made->id;
  auto answered = inbox_->reply(as(publisher_), org_, mention_item, templated);
  ASSERT_TRUE(answered.ok()) << answered.error().message;
  EXPECT_EQ(answered->post.post.text, "Thanks @did:plc:fan! — Pat Publisher for bikes.test");
  EXPECT_EQ(answered->post.post.reply_root->uri, answered->post.post.reply_parent->uri);

  // The same text again to the same profile is Posts' duplicate warning, as for any post.
  auto duplicate = inbox_->reply(as(publisher_), org_, mention_item, text);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, core::ErrorCode::duplicate_post);
  // A limited member's reply waits for approval; a viewer's is refused.
  text.text = "We will look into it.";
  auto pending = inbox_->reply(as(limited_), org_, mention_item, text);
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  EXPECT_EQ(pending->post.post.state, storage::PostState::pending_approval);
  auto refused = inbox_->reply(as(viewer_), org_, mention_item, text);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::permission_denied);
  // The limited member may not use the team's templates (not a publisher of its profiles).
  auto no_template = inbox_->reply(as(limited_), org_, mention_item, templated);
  ASSERT_FALSE(no_template.ok());
  EXPECT_EQ(no_template.error().code, core::ErrorCode::permission_denied);
}

TEST_F(InboxTest, TemplatesRefuseUnknownPlaceholdersAndMoreThan2000Characters) {
  auto unknown = templates_->create(as(owner_), org_, support_, "X", "Hi {customer_name}");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::ErrorCode::invalid_request);
  ASSERT_EQ(unknown.error().details.size(), 1u);
  EXPECT_NE(unknown.error().details[0].message.find("{customer_name}"), std::string::npos);
  // 2,000 graphemes of "é" written as e + combining accent (4,000 code points) are fine.
  std::string accented;
  for (int index = 0; index < 2000; ++index) accented += "e\xCC\x81";
  EXPECT_TRUE(templates_->create(as(owner_), org_, support_, "Long", accented).ok());
  auto too_long = templates_->create(as(owner_), org_, support_, "Longer", accented + "!");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, core::ErrorCode::invalid_request);
  // A team member who is not its admin cannot create one; a stranger finds nothing.
  auto by_member = templates_->create(as(limited_), org_, support_, "Y", "y");
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, core::ErrorCode::permission_denied);
  auto by_stranger = templates_->list(as(stranger_), org_, support_);
  ASSERT_FALSE(by_stranger.ok());
  EXPECT_EQ(by_stranger.error().code, core::ErrorCode::not_found);
}

}  // namespace
}  // namespace roost::services
