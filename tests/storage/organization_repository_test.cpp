// The organization, membership and audit repositories' contract, on both backends.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/audit_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using domain::OrgRole;

constexpr std::size_t audit_listed_max = 100;

class OrganizationRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    audit_ = std::make_unique<AuditRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    grace_ = make_user("grace@example.com", "Grace");
    linus_ = make_user("linus@example.com", "Linus");
  }

  AuditEvent audit(std::string action, core::UserId actor, std::string request_id = "req-1") {
    return AuditEvent{
        {}, actor, std::move(action), "org", R"({"k":"v"})", std::move(request_id), later_ms};
  }

  OrganizationRecord make_org(const std::string& name, core::UserId owner) {
    auto created =
        organizations_->create({name, 10, 25, owner, created_at_ms}, audit("org.created", owner));
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? *created : OrganizationRecord{};
  }

  void add(core::OrgId org, core::UserId user, OrgRole role) {
    EXPECT_TRUE(succeeded(
        organizations_->add_member({org, user, role, later_ms}, audit("member.added", ada_))));
  }

  std::optional<OrgRole> role_of(core::OrgId org, core::UserId user) {
    auto found = organizations_->find_membership(org, user);
    EXPECT_TRUE(succeeded(found));
    if (!found.ok() || !found->has_value()) return std::nullopt;
    return (*found)->role;
  }

  std::int64_t revision_of(core::OrgId org) {
    auto revision = organizations_->members_revision(org);
    EXPECT_TRUE(succeeded(revision));
    return revision.ok() ? revision->value_or(-1) : -1;
  }

  // A change made by SQL the repositories do not (yet) offer, as another writer would.
  void run_sql(const std::string& sql, std::int64_t id) {
    auto done = database().transact(TransactionMode::read_write, [&](Transaction& transaction) {
      auto changed = transaction.execute(sql, {id});
      if (!changed) return core::Result<void>(std::move(changed).error());
      return core::success();
    });
    EXPECT_TRUE(succeeded(done)) << sql;
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<AuditRepository> audit_;
  core::UserId ada_;
  core::UserId grace_;
  core::UserId linus_;
};

TEST_P(OrganizationRepositoryContract, CreateMakesTheCreatorOwnerAndAudits) {
  auto org = make_org("Bikes", ada_);
  EXPECT_GT(org.id.value, 0);
  EXPECT_EQ(org.name, "Bikes");
  EXPECT_EQ(org.profile_limit, 10);
  EXPECT_EQ(org.seat_limit, 25);
  EXPECT_EQ(org.created_at_ms, created_at_ms);
  EXPECT_EQ(role_of(org.id, ada_), OrgRole::owner);
  EXPECT_EQ(role_of(org.id, grace_), std::nullopt);
  auto found = organizations_->find(org.id);
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "Bikes");

  auto events = audit_->list_for_org(org.id, audit_listed_max);
  ASSERT_TRUE(succeeded(events));
  ASSERT_EQ(events->size(), 1u);
  const auto& event = events->front().event;
  EXPECT_EQ(event.org, org.id);
  EXPECT_EQ(event.actor, ada_);
  EXPECT_EQ(event.action, "org.created");
  EXPECT_EQ(event.target, "org");
  EXPECT_EQ(event.details_json, R"({"k":"v"})");
  EXPECT_EQ(event.request_id, "req-1");
  EXPECT_EQ(event.created_at_ms, later_ms);
}

TEST_P(OrganizationRepositoryContract, UnknownOwnerRollsTheWholeCreationBack) {
  auto created = organizations_->create({"Ghost", 10, 25, core::UserId{424242}, created_at_ms},
                                        audit("org.created", ada_));
  EXPECT_TRUE(failed_with(created, core::ErrorCode::conflict));
  // The organization row it inserted first (id 1 on a fresh database) is gone too.
  auto found = organizations_->find(core::OrgId{1});
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
  EXPECT_TRUE(audit_actions(core::OrgId{1}).empty());
}

TEST_P(OrganizationRepositoryContract, ListsOnlyTheUsersOrganizationsWithTheirRole) {
  auto bikes = make_org("Bikes", ada_);
  auto acme = make_org("Acme", grace_);
  make_org("Zeta", grace_);
  add(acme.id, ada_, OrgRole::member);
  auto listed = organizations_->list_for_user(ada_, 10, 1);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].organization.name, "Acme");
  EXPECT_EQ((*listed)[0].role, OrgRole::member);
  EXPECT_EQ((*listed)[1].organization.id, bikes.id);
  EXPECT_EQ((*listed)[1].role, OrgRole::owner);
  auto limited = organizations_->list_for_user(ada_, 1, 1);
  ASSERT_TRUE(succeeded(limited));
  EXPECT_EQ(limited->size(), 1u);
}

TEST_P(OrganizationRepositoryContract, RenameUpdatesAndAudits) {
  auto org = make_org("Bikes", ada_);
  auto renamed = organizations_->rename(org.id, "Bicycles", later_ms, audit("org.renamed", ada_));
  ASSERT_TRUE(succeeded(renamed));
  EXPECT_EQ(renamed->name, "Bicycles");
  EXPECT_EQ(renamed->updated_at_ms, later_ms);
  EXPECT_EQ(audit_actions(org.id), (std::vector<std::string>{"org.created", "org.renamed"}));
  auto missing = organizations_->rename(core::OrgId{424242}, "X", later_ms, audit("x", ada_));
  EXPECT_TRUE(failed_with(missing, core::ErrorCode::not_found));
}

TEST_P(OrganizationRepositoryContract, RemoveDeletesMembershipsButKeepsTheAudit) {
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::admin);
  ASSERT_TRUE(succeeded(organizations_->remove(org.id, audit("org.deleted", ada_))));
  auto found = organizations_->find(org.id);
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(role_of(org.id, grace_), std::nullopt);
  EXPECT_EQ(audit_actions(org.id),
            (std::vector<std::string>{"org.created", "member.added", "org.deleted"}));
  EXPECT_TRUE(failed_with(organizations_->remove(org.id, audit("org.deleted", ada_)),
                          core::ErrorCode::not_found));
}

TEST_P(OrganizationRepositoryContract, TransferMakesTheTargetOwnerAndTheOldOwnerAdmin) {
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::member);
  ASSERT_TRUE(succeeded(
      organizations_->transfer_ownership(org.id, ada_, grace_, audit("org.transferred", ada_))));
  EXPECT_EQ(role_of(org.id, grace_), OrgRole::owner);
  EXPECT_EQ(role_of(org.id, ada_), OrgRole::admin);
  // A non-member target changes nothing, and records nothing.
  auto refused =
      organizations_->transfer_ownership(org.id, grace_, linus_, audit("org.transferred", grace_));
  EXPECT_TRUE(failed_with(refused, core::ErrorCode::not_found));
  EXPECT_EQ(role_of(org.id, grace_), OrgRole::owner);
  EXPECT_EQ(audit_actions(org.id).size(), 3u);
  // Ada is an admin now: a transfer in her name (authorized a moment earlier) changes
  // nothing, rather than leaving her admin and grace demoted.
  add(org.id, linus_, OrgRole::member);
  auto stale =
      organizations_->transfer_ownership(org.id, ada_, linus_, audit("org.transferred", ada_));
  EXPECT_TRUE(failed_with(stale, core::ErrorCode::conflict));
  EXPECT_EQ(role_of(org.id, linus_), OrgRole::member);
  EXPECT_EQ(role_of(org.id, ada_), OrgRole::admin);
  // To oneself: refused, and the organization keeps its owner.
  auto to_self =
      organizations_->transfer_ownership(org.id, grace_, grace_, audit("org.transferred", grace_));
  EXPECT_TRUE(failed_with(to_self, core::ErrorCode::invalid_request));
  EXPECT_EQ(role_of(org.id, grace_), OrgRole::owner);
}

TEST_P(OrganizationRepositoryContract, MembersArePagedByUserId) {
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::admin);
  add(org.id, linus_, OrgRole::member);
  auto first_page = organizations_->list_members(org.id, core::UserId{0}, 2);
  ASSERT_TRUE(succeeded(first_page));
  EXPECT_EQ(first_page->revision, revision_of(org.id));
  auto* first = &first_page->members;
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].user, ada_);
  EXPECT_EQ((*first)[0].email, "ada@example.com");
  EXPECT_EQ((*first)[0].display_name, "Ada");
  EXPECT_EQ((*first)[0].role, OrgRole::owner);
  EXPECT_EQ((*first)[1].user, grace_);
  auto rest_page = organizations_->list_members(org.id, (*first)[1].user, 2);
  ASSERT_TRUE(succeeded(rest_page));
  auto* rest = &rest_page->members;
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].user, linus_);
  EXPECT_EQ((*rest)[0].role, OrgRole::member);
  EXPECT_EQ((*rest)[0].joined_at_ms, later_ms);
}

// What api/http's member list cache relies on: the revision moves with every change a
// listing would show, whoever writes it, and only with those.
TEST_P(OrganizationRepositoryContract, TheMembersRevisionMovesWithEveryChangeOfTheList) {
  auto org = make_org("Bikes", ada_);
  auto other = make_org("Boats", linus_);
  auto revision = revision_of(org.id);
  auto moved = [&] {
    auto now = revision_of(org.id);
    bool changed = now != revision;
    revision = now;
    return changed;
  };
  add(org.id, grace_, OrgRole::member);
  EXPECT_TRUE(moved()) << "a member joined";
  ASSERT_TRUE(succeeded(
      organizations_->change_role(org.id, grace_, OrgRole::admin, audit("member.role", ada_))));
  EXPECT_TRUE(moved()) << "a role changed";
  run_sql("UPDATE users SET display_name = 'Grace H.' WHERE id = $1", grace_.value);
  EXPECT_TRUE(moved()) << "a member was renamed";
  run_sql("UPDATE users SET email = 'gh@example.com' WHERE id = $1", grace_.value);
  EXPECT_TRUE(moved()) << "a member's email changed";

  run_sql("UPDATE users SET password_hash = 'x' WHERE id = $1", grace_.value);
  add(other.id, grace_, OrgRole::member);
  ASSERT_TRUE(
      succeeded(organizations_->rename(other.id, "Ships", later_ms, audit("org.renamed", linus_))));
  run_sql("UPDATE users SET display_name = 'Linus T.' WHERE id = $1", linus_.value);
  EXPECT_FALSE(moved()) << "nothing this organization lists changed";

  ASSERT_TRUE(
      succeeded(organizations_->remove_member(org.id, grace_, audit("member.removed", ada_))));
  EXPECT_TRUE(moved()) << "a member left";
  add(org.id, linus_, OrgRole::member);
  EXPECT_TRUE(moved());
  run_sql("DELETE FROM users WHERE id = $1", linus_.value);
  EXPECT_TRUE(moved()) << "a member's account was deleted";
  EXPECT_EQ(organizations_->members_revision(core::OrgId{424242})->has_value(), false);
}

TEST_P(OrganizationRepositoryContract, AddingAMemberTwiceIsAConflict) {
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::member);
  EXPECT_TRUE(failed_with(organizations_->add_member({org.id, grace_, OrgRole::admin, later_ms},
                                                     audit("member.added", ada_)),
                          core::ErrorCode::conflict));
  EXPECT_EQ(role_of(org.id, grace_), OrgRole::member);
}

TEST_P(OrganizationRepositoryContract, TheLastOwnerCanBeNeitherDemotedNorRemoved) {
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::member);
  EXPECT_TRUE(failed_with(
      organizations_->change_role(org.id, ada_, OrgRole::admin, audit("member.role_changed", ada_)),
      core::ErrorCode::conflict));
  EXPECT_TRUE(
      failed_with(organizations_->remove_member(org.id, ada_, audit("member.removed", ada_)),
                  core::ErrorCode::conflict));
  EXPECT_EQ(role_of(org.id, ada_), OrgRole::owner);
  // With a second owner, the first may step down.
  ASSERT_TRUE(succeeded(organizations_->change_role(org.id, grace_, OrgRole::owner,
                                                    audit("member.role_changed", ada_))));
  ASSERT_TRUE(succeeded(organizations_->change_role(org.id, ada_, OrgRole::member,
                                                    audit("member.role_changed", ada_))));
  EXPECT_EQ(role_of(org.id, ada_), OrgRole::member);
  EXPECT_EQ(audit_actions(org.id),
            (std::vector<std::string>{"org.created", "member.added", "member.role_changed",
                                      "member.role_changed"}));
}

// Two owners demoting each other at the same moment: the organization row's lock makes one
// of them see the other's change, so exactly one succeeds and an owner is always left.
TEST_P(OrganizationRepositoryContract, ConcurrentDemotionsOfTwoOwnersLeaveOne) {
  constexpr int rounds = 20;
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::owner);
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> conflicts{0};
    std::atomic<int> successes{0};
    auto demote = [&](core::UserId user) {
      auto changed = organizations_->change_role(org.id, user, OrgRole::admin,
                                                 audit("member.role_changed", user));
      if (changed.ok()) {
        ++successes;
      } else if (changed.error().code == core::ErrorCode::conflict) {
        ++conflicts;
      }
    };
    std::thread first(demote, ada_);
    std::thread second(demote, grace_);
    first.join();
    second.join();
    ASSERT_EQ(successes.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load(), 1) << "round " << round;
    const int owners = (role_of(org.id, ada_) == OrgRole::owner ? 1 : 0) +
                       (role_of(org.id, grace_) == OrgRole::owner ? 1 : 0);
    ASSERT_EQ(owners, 1) << "round " << round;
    for (auto user : {ada_, grace_}) {
      ASSERT_TRUE(succeeded(
          organizations_->change_role(org.id, user, OrgRole::owner, audit("reset", ada_))));
    }
  }
}

TEST_P(OrganizationRepositoryContract, RemoveMemberAndUnknownMembers) {
  auto org = make_org("Bikes", ada_);
  add(org.id, grace_, OrgRole::admin);
  ASSERT_TRUE(
      succeeded(organizations_->remove_member(org.id, grace_, audit("member.removed", ada_))));
  EXPECT_EQ(role_of(org.id, grace_), std::nullopt);
  EXPECT_TRUE(failed_with(organizations_->remove_member(org.id, grace_, audit("x", ada_)),
                          core::ErrorCode::not_found));
  EXPECT_TRUE(
      failed_with(organizations_->change_role(org.id, linus_, OrgRole::admin, audit("x", ada_)),
                  core::ErrorCode::not_found));
  EXPECT_TRUE(
      failed_with(organizations_->remove_member(core::OrgId{424242}, ada_, audit("x", ada_)),
                  core::ErrorCode::not_found));
  EXPECT_EQ(audit_actions(org.id),
            (std::vector<std::string>{"org.created", "member.added", "member.removed"}));
}

TEST_P(OrganizationRepositoryContract, AuditOfAnotherOrganizationIsNotListed) {
  auto bikes = make_org("Bikes", ada_);
  auto acme = make_org("Acme", grace_);
  auto events = audit_->list_for_org(acme.id, audit_listed_max);
  ASSERT_TRUE(succeeded(events));
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().event.actor, grace_);
  EXPECT_NE(bikes.id, acme.id);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, OrganizationRepositoryContract,
                         ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, OrganizationRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
