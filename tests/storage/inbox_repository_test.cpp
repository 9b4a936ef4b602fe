// The inbox tables on both backends: an item is unique per post and profile (a replay
// inserts nothing and delivers no notice), filters and the cursor, the per-member cap in
// the assigning transaction, notes, rules kept in order without gaps, and team templates.
#include "storage/inbox_repository.hpp"

#include <set>

#include "core/limits.hpp"
#include "migrated_database_test.hpp"
#include "storage/embedded_migrations.hpp"
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

// ADR 0034: a rule keeps its author as typed and the DID routing compares beside it; rules
// whose handle has no DID yet are found across organizations, and a DID is recorded only
// while the rule still names that handle and has none.
TEST_P(InboxRepositoryContract, RuleAuthorDidsAreKeptBesideTheAuthorAsTyped) {
  InboxRepository inbox(database());
  auto rule = [](const std::string& name, const std::string& author, const std::string& did) {
    domain::RoutingRule made;
    made.name = name;
    made.when.author = author;
    made.when.author_did = did;
    return made;
  };
  auto alice = inbox.create_rule(org_, rule("alice", "Alice.Test", "did:plc:alice"), std::nullopt,
                                 inbox_now_ms, audit(owner_));
  ASSERT_TRUE(alice.ok()) << alice.error().message;
  EXPECT_EQ(alice->rule.when.author, "Alice.Test");
  EXPECT_EQ(alice->rule.when.author_did, "did:plc:alice");
  auto edited_rule = alice->rule;
  edited_rule.when.author_did = "did:plc:alice2";
  auto edited = inbox.update_rule(org_, edited_rule, std::nullopt, inbox_now_ms, audit(owner_));
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->rule.when.author_did, "did:plc:alice2");
  auto listed = inbox.list_rules(org_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].rule.when.author_did, "did:plc:alice2");

  // Rules as a migration leaves them: a handle without its DID (one per organization), and a
  // rule without an author, which has nothing to resolve.
  auto bob = inbox.create_rule(org_, rule("bob", "bob.test", ""), std::nullopt, inbox_now_ms,
                               audit(owner_));
  auto carol = inbox.create_rule(other_org_, rule("carol", "carol.test", ""), std::nullopt,
                                 inbox_now_ms, audit(owner_));
  auto anyone =
      inbox.create_rule(org_, rule("anyone", "", ""), std::nullopt, inbox_now_ms, audit(owner_));
  ASSERT_TRUE(bob.ok() && carol.ok() && anyone.ok());
  auto awaiting = inbox.rules_awaiting_author(0, 10);
  ASSERT_TRUE(awaiting.ok()) << awaiting.error().message;
  ASSERT_EQ(awaiting->size(), 2u);
  EXPECT_EQ((*awaiting)[0].rule.id, bob->rule.id);
  EXPECT_EQ((*awaiting)[0].org, org_);
  EXPECT_EQ((*awaiting)[1].rule.id, carol->rule.id);
  EXPECT_EQ((*awaiting)[1].rule.when.author, "carol.test");
  auto after_bob = inbox.rules_awaiting_author(bob->rule.id.value, 10);
  ASSERT_TRUE(after_bob.ok());
  ASSERT_EQ(after_bob->size(), 1u);
  EXPECT_EQ((*after_bob)[0].rule.id, carol->rule.id);
  auto first_only = inbox.rules_awaiting_author(0, 1);
  ASSERT_TRUE(first_only.ok());
  EXPECT_EQ(first_only->size(), 1u);

  // Edited since it was read (another author): nothing written.
  auto stale = inbox.set_rule_author_did(bob->rule.id, "robert.test", "did:plc:robert");
  ASSERT_TRUE(stale.ok()) << stale.error().message;
  EXPECT_FALSE(*stale);
  auto recorded = inbox.set_rule_author_did(bob->rule.id, "bob.test", "did:plc:bob");
  ASSERT_TRUE(recorded.ok());
  EXPECT_TRUE(*recorded);
  auto again = inbox.set_rule_author_did(bob->rule.id, "bob.test", "did:plc:other");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);  // it has its DID already
  auto found = inbox.find_rule(org_, bob->rule.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((**found).rule.when.author_did, "did:plc:bob");
  awaiting = inbox.rules_awaiting_author(0, 10);
  ASSERT_TRUE(awaiting.ok());
  ASSERT_EQ(awaiting->size(), 1u);
  EXPECT_EQ((*awaiting)[0].rule.id, carol->rule.id);
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

// Migration 0018 on a database whose rules were saved before it (ADR 0034): a DID author is
// its own DID, a handle the author cache knows (verified, ADR 0032) gets that DID, and an
// unknown one is left for the handle worker.
class RuleAuthorMigration : public ::testing::TestWithParam<Backend> {};

TEST_P(RuleAuthorMigration, LegacyRulesGetTheDidsAlreadyKnown) {
  auto scratch = ScratchDatabase::create(GetParam());
  ASSERT_TRUE(scratch.ok()) << scratch.error().message;
  auto opened = open_database((*scratch)->url(), {});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& database = **opened;
  auto run = [&](const std::string& sql) {
    auto done = database.transact(TransactionMode::read_write, [&](Transaction& transaction) {
      return transaction.execute_script(sql);
    });
    ASSERT_TRUE(done.ok()) << done.error().message << "\n" << sql;
  };
  // The schema as a roost before 0018 left it, recorded as migrate() records it.
  run("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at_ms BIGINT NOT NULL)");
  for (const auto& migration : migrations_for(GetParam())) {
    if (migration.version >= 18) break;
    run(std::string(migration.sql));
    run("INSERT INTO schema_migrations VALUES (" + std::to_string(migration.version) + ", '" +
        std::string(migration.name) + "', 1)");
  }
  run("INSERT INTO organizations (name, profile_limit, seat_limit, created_at_ms, updated_at_ms) "
      "VALUES ('Acme', 10, 25, 1, 1)");
  const std::string insert_rule =
      "INSERT INTO inbox_rules (org_id, position, name, author, created_at_ms, updated_at_ms) "
      "VALUES ((SELECT MIN(id) FROM organizations), ";
  run(insert_rule + "1, 'by did', 'did:plc:alice', 1, 1)");
  run(insert_rule + "2, 'by known handle', 'Bob.Test', 1, 1)");
  run(insert_rule + "3, 'by unknown handle', 'carol.test', 1, 1)");
  run(insert_rule + "4, 'anyone', '', 1, 1)");
  run("INSERT INTO author_handles (did, handle, resolved_at_ms) VALUES ('did:plc:bob', "
      "'bob.test', 1)");
  run("INSERT INTO author_handles (did, handle, resolved_at_ms) VALUES ('did:plc:nobody', NULL, "
      "1)");

  auto migrated = migrate(database);
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_TRUE(migrated->up_to_date());
  InboxRepository inbox(database);
  auto awaiting = inbox.rules_awaiting_author(0, 10);
  ASSERT_TRUE(awaiting.ok()) << awaiting.error().message;
  ASSERT_EQ(awaiting->size(), 1u);
  EXPECT_EQ((*awaiting)[0].rule.when.author, "carol.test");
  auto rules = inbox.list_rules((*awaiting)[0].org);
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 4u);
  EXPECT_EQ((*rules)[0].rule.when.author_did, "did:plc:alice");
  EXPECT_EQ((*rules)[1].rule.when.author, "Bob.Test");  // as typed
  EXPECT_EQ((*rules)[1].rule.when.author_did, "did:plc:bob");
  EXPECT_EQ((*rules)[2].rule.when.author_did, "");
  EXPECT_EQ((*rules)[3].rule.when.author_did, "");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RuleAuthorMigration, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, RuleAuthorMigration, ::testing::Values(Backend::postgres));

INSTANTIATE_TEST_SUITE_P(Sqlite, InboxRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, InboxRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
