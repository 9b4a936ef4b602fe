// The inbox tables on both backends: an item is unique per post and profile (a replay
// inserts nothing and delivers no notice), filters and the cursor, the per-member cap in
// the assigning transaction, notes, rules kept in order without gaps, and team templates.
#include "storage/inbox_repository.hpp"

#include <set>

#include "core/limits.hpp"
#include "migrated_database_test.hpp"
#include "storage/notification_repository.hpp"
#include "storage/template_repository.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t inbox_now_ms = 1'800'000'000'000;

AuditEvent audit(core::UserId actor) {
  return AuditEvent{{}, actor, "", "", "{}", "req", inbox_now_ms};
}

class InboxRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    owner_ = make_user("owner@example.com", "Owner");
    member_ = make_user("member@example.com", "Member");
    org_ = make_org("Acme", owner_, inbox_now_ms, audit(owner_));
    other_org_ = make_org("Globex", owner_, inbox_now_ms, audit(owner_));
    team_ = make_team(org_, "Support", inbox_now_ms, audit(owner_));
    profile_ =
        make_profile(org_, "did:plc:bikes", "bikes.test", owner_, inbox_now_ms, audit(owner_));
    other_profile_ = make_profile(other_org_, "did:plc:bikes", "bikes.test", owner_, inbox_now_ms,
                                  audit(owner_));
  }

  NewInboxItem item(const std::string& rkey, core::ProfileId profile, core::OrgId org) {
    NewInboxItem made;
    made.org = org;
    made.profile = profile;
    made.post = {"at://did:plc:fan/app.bsky.feed.post/" + rkey, "bafy" + rkey};
    made.kind = domain::InboxKind::mention;
    made.author_did = "did:plc:fan";
    made.text = "hello @bikes.test " + rkey;
    made.tags = {"zeta", "alpha"};
    return made;
  }

  std::int64_t notification_count(core::UserId user) {
    auto count = NotificationRepository(database()).list(user, {std::nullopt, 100, false});
    EXPECT_TRUE(count.ok());
    return count.ok() ? static_cast<std::int64_t>(count->size()) : -1;
  }

  core::UserId owner_, member_;
  core::OrgId org_, other_org_;
  core::TeamId team_;
  core::ProfileId profile_, other_profile_;
};

TEST_P(InboxRepositoryContract, ProfilesAreFoundByDidInEveryOrganization) {
  InboxRepository inbox(database());
  auto found = inbox.profiles_by_did({"did:plc:bikes", "did:plc:nobody"});
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  std::set<std::int64_t> orgs;
  for (const auto& profile : *found) {
    EXPECT_EQ(profile.did, "did:plc:bikes");
    EXPECT_EQ(profile.handle, "bikes.test");
    orgs.insert(profile.org.value);
  }
  EXPECT_EQ(orgs, (std::set<std::int64_t>{org_.value, other_org_.value}));
  // More DIDs than one query names.
  std::vector<std::string> many;
  for (std::size_t index = 0; index < core::limits::inbox_did_lookup_chunk + 5; ++index) {
    many.push_back("did:plc:n" + std::to_string(index));
  }
  many.push_back("did:plc:bikes");
  auto chunked = inbox.profiles_by_did(many);
  ASSERT_TRUE(chunked.ok()) << chunked.error().message;
  EXPECT_EQ(chunked->size(), 2u);
}

TEST_P(InboxRepositoryContract, AReplayedPostInsertsNothingAndDeliversNoNotice) {
  InboxRepository inbox(database());
  auto notices = [this](const InboxItemRecord& record) {
    return std::vector<Notice>{
        {{owner_, record.org, "inbox.item_new",
          "{\"item\":" + std::to_string(record.id.value) + "}", inbox_now_ms},
         OutboundMail{"owner@example.com", "New item", "text", inbox_now_ms}}};
  };
  auto first = inbox.insert(item("k1", profile_, org_), inbox_now_ms, notices);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->status, domain::InboxStatus::open);
  EXPECT_EQ((*first)->tags, (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(notification_count(owner_), 1);
  auto again = inbox.insert(item("k1", profile_, org_), inbox_now_ms + 5, notices);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(notification_count(owner_), 1);
  // The same post in another organization is that organization's item.
  auto elsewhere = inbox.insert(item("k1", other_profile_, other_org_), inbox_now_ms, nullptr);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(elsewhere->has_value());
  auto found = inbox.find(other_org_, (*first)->id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "another organization's item must not be found";
}

TEST_P(InboxRepositoryContract, ListsFilterAndPageNewestFirst) {
  InboxRepository inbox(database());
  std::vector<core::InboxItemId> ids;
  for (int index = 0; index < 5; ++index) {
    auto made = item("p" + std::to_string(index), profile_, org_);
    if (index % 2 == 0) made.tags = {"crisis"};
    made.kind = index == 4 ? domain::InboxKind::reply : domain::InboxKind::mention;
    auto inserted = inbox.insert(made, inbox_now_ms, nullptr);
    ASSERT_TRUE(inserted.ok() && inserted->has_value());
    ids.push_back((*inserted)->id);
  }
  InboxQuery query;
  query.limit = 2;
  auto page = inbox.list(org_, query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[4]);
  query.before = (*page)[1].id;
  auto next = inbox.list(org_, query);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].id, ids[2]);
  InboxQuery tagged;
  tagged.tag = "crisis";
  auto crisis = inbox.list(org_, tagged);
  ASSERT_TRUE(crisis.ok());
  EXPECT_EQ(crisis->size(), 3u);
  InboxQuery replies;
  replies.kind = domain::InboxKind::reply;
  auto only_replies = inbox.list(org_, replies);
  ASSERT_TRUE(only_replies.ok());
  ASSERT_EQ(only_replies->size(), 1u);
  // A member whose teams have no grant of the profile sees none of it.
  InboxQuery as_member;
  as_member.visible_to = member_;
  auto hidden = inbox.list(org_, as_member);
  ASSERT_TRUE(hidden.ok());
  EXPECT_TRUE(hidden->empty());
}

TEST_P(InboxRepositoryContract, AssigningPastTheCapIsAConflictAndChangesAreAudited) {
  InboxRepository inbox(database());
  std::vector<core::InboxItemId> ids;
  for (int index = 0; index < 3; ++index) {
    auto inserted =
        inbox.insert(item("c" + std::to_string(index), profile_, org_), inbox_now_ms, nullptr);
    ASSERT_TRUE(inserted.ok() && inserted->has_value());
    ids.push_back((*inserted)->id);
  }
  InboxItemChange assign;
  assign.assignee = std::optional<core::UserId>(member_);
  assign.assignee_open_items_max = 2;
  ASSERT_TRUE(inbox.update(org_, ids[0], assign, inbox_now_ms, audit(owner_)).ok());
  ASSERT_TRUE(inbox.update(org_, ids[1], assign, inbox_now_ms, audit(owner_)).ok());
  auto over = inbox.update(org_, ids[2], assign, inbox_now_ms, audit(owner_));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::ErrorCode::conflict);
  // A resolved item no longer counts.
  InboxItemChange resolve;
  resolve.status = domain::InboxStatus::resolved;
  resolve.tags = std::vector<std::string>{"done"};
  auto resolved = inbox.update(org_, ids[0], resolve, inbox_now_ms, audit(owner_));
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->tags, std::vector<std::string>{"done"});
  EXPECT_TRUE(inbox.update(org_, ids[2], assign, inbox_now_ms, audit(owner_)).ok());
  auto held = inbox.open_items_of(org_, member_);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, 2);
  auto actions = audit_actions(org_);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "inbox.item_updated"), 4);
  auto elsewhere = inbox.update(other_org_, ids[0], resolve, inbox_now_ms, audit(owner_));
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, core::ErrorCode::not_found);
}

TEST_P(InboxRepositoryContract, NotesAreKeptInOrderWithTheirAuthor) {
  InboxRepository inbox(database());
  auto inserted = inbox.insert(item("n", profile_, org_), inbox_now_ms, nullptr);
  ASSERT_TRUE(inserted.ok() && inserted->has_value());
  const auto id = (*inserted)->id;
  ASSERT_TRUE(inbox.add_note(org_, id, member_, "first", inbox_now_ms, audit(member_)).ok());
  ASSERT_TRUE(inbox.add_note(org_, id, owner_, "second", inbox_now_ms + 1, audit(owner_)).ok());
  auto missing = inbox.add_note(other_org_, id, owner_, "x", inbox_now_ms, audit(owner_));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::ErrorCode::not_found);
  auto notes = inbox.list_notes(id, 10);
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->size(), 2u);
  EXPECT_EQ((*notes)[0].body, "first");
  EXPECT_EQ((*notes)[0].author_name, "Member");
  EXPECT_EQ((*notes)[1].body, "second");
}

TEST_P(InboxRepositoryContract, RulesStayInOrderWithoutGaps) {
  InboxRepository inbox(database());
  auto rule = [](const std::string& name) {
    domain::RoutingRule made;
    made.name = name;
    made.when.keywords = {name};
    made.then.tags = {name};
    made.then.priority = domain::InboxPriority::high;
    return made;
  };
  auto a = inbox.create_rule(org_, rule("a"), std::nullopt, inbox_now_ms, audit(owner_));
  auto b = inbox.create_rule(org_, rule("b"), std::nullopt, inbox_now_ms, audit(owner_));
  auto c = inbox.create_rule(org_, rule("c"), 1, inbox_now_ms, audit(owner_));  // first
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << (a.ok() ? "" : a.error().message);
  auto names = [&] {
    std::vector<std::string> listed;
    auto rules = inbox.list_rules(org_);
    EXPECT_TRUE(rules.ok());
    std::int64_t expected_position = 1;
    for (const auto& record : *rules) {
      EXPECT_EQ(record.position, expected_position++);
      listed.push_back(record.rule.name);
    }
    return listed;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"c", "a", "b"}));
  auto moved_rule = b->rule;
  auto moved = inbox.update_rule(org_, moved_rule, 1, inbox_now_ms, audit(owner_));
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(names(), (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(moved->rule.then.priority, domain::InboxPriority::high);
  EXPECT_EQ(moved->rule.when.keywords, std::vector<std::string>{"b"});
  ASSERT_TRUE(inbox.delete_rule(org_, c->rule.id, audit(owner_)).ok());
  EXPECT_EQ(names(), (std::vector<std::string>{"b", "a"}));
  auto elsewhere = inbox.delete_rule(other_org_, a->rule.id, audit(owner_));
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, core::ErrorCode::not_found);
}

TEST_P(InboxRepositoryContract, TemplatesBelongToATeamOfTheOrganization) {
  TemplateRepository templates(database());
  auto created = templates.create(org_, team_, "Thanks", "Thanks {author_handle}!", owner_,
                                  inbox_now_ms, audit(owner_));
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto twice =
      templates.create(org_, team_, "Thanks", "again", owner_, inbox_now_ms, audit(owner_));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, core::ErrorCode::conflict);
  auto wrong_org =
      templates.create(other_org_, team_, "X", "x", owner_, inbox_now_ms, audit(owner_));
  ASSERT_FALSE(wrong_org.ok());
  EXPECT_EQ(wrong_org.error().code, core::ErrorCode::not_found);
  auto updated = templates.update(org_, created->id, {std::nullopt, std::string("Cheers")},
                                  inbox_now_ms + 1, audit(owner_));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->body, "Cheers");
  auto listed = templates.list_for_team(org_, team_, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  auto hidden = templates.find(other_org_, created->id);
  ASSERT_TRUE(hidden.ok());
  EXPECT_FALSE(hidden->has_value());
  ASSERT_TRUE(templates.remove(org_, created->id, audit(owner_)).ok());
  auto gone = templates.remove(org_, created->id, audit(owner_));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, core::ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, InboxRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, InboxRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
