// The operator's plan, seat counting, logos and the audit log's filters and cursor, on
// both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/audit_repository.hpp"
#include "storage/org_logo_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using domain::OrgRole;

class OrgAdminRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    logos_ = std::make_unique<OrgLogoRepository>(database());
    audit_ = std::make_unique<AuditRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    grace_ = make_user("grace@example.com", "Grace");
    auto org = organizations_->create({"Acme", 10, 25, ada_, created_at_ms},
                                      event(ada_, "org.created", created_at_ms));
    ASSERT_TRUE(succeeded(org));
    acme_ = org->id;
  }

  static AuditEvent event(std::optional<core::UserId> actor, std::string action,
                          std::int64_t at_ms) {
    return AuditEvent{{}, actor, std::move(action), "", "{}", "req", at_ms};
  }

  // Appends an event to `org` directly (as any repository change does).
  void append(core::OrgId org, std::optional<core::UserId> actor, const std::string& action,
              std::int64_t at_ms) {
    auto done = database().transact(TransactionMode::read_write, [&](Transaction& transaction) {
      auto appended = event(actor, action, at_ms);
      appended.org = org;
      return append_audit_event(transaction, appended);
    });
    ASSERT_TRUE(succeeded(done));
  }

  std::vector<std::string> actions(const AuditFilter& filter, std::size_t limit = listed_max) {
    auto listed = audit_->list(acme_, filter, limit);
    EXPECT_TRUE(succeeded(listed));
    std::vector<std::string> names;
    if (!listed.ok()) return names;
    for (const auto& entry : *listed) names.push_back(entry.record.event.action);
    return names;
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<OrgLogoRepository> logos_;
  std::unique_ptr<AuditRepository> audit_;
  core::UserId ada_;
  core::UserId grace_;
  core::OrgId acme_;
};

TEST_P(OrgAdminRepositoryContract, SetPlanChangesOnlyTheLimitsGivenAndIsAudited) {
  auto seats = organizations_->set_plan(acme_, {std::nullopt, 3}, later_ms,
                                        event(std::nullopt, "org.plan_changed", later_ms));
  ASSERT_TRUE(succeeded(seats));
  EXPECT_EQ(seats->profile_limit, 10);
  EXPECT_EQ(seats->seat_limit, 3);
  EXPECT_EQ(seats->updated_at_ms, later_ms);
  auto profiles = organizations_->set_plan(acme_, {7, std::nullopt}, later_ms,
                                           event(std::nullopt, "org.plan_changed", later_ms));
  ASSERT_TRUE(succeeded(profiles));
  EXPECT_EQ(profiles->profile_limit, 7);
  EXPECT_EQ(profiles->seat_limit, 3);

  auto events = audit_->list_for_org(acme_, listed_max);
  ASSERT_TRUE(succeeded(events));
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ(events->back().event.action, "org.plan_changed");
  EXPECT_FALSE(events->back().event.actor.has_value());
  EXPECT_EQ(events->back().event.target, "org:" + std::to_string(acme_.value));

  EXPECT_TRUE(failed_with(organizations_->set_plan(core::OrgId{acme_.value + 100}, {1, 1}, later_ms,
                                                   event(std::nullopt, "x", later_ms)),
                          core::ErrorCode::not_found));
}

TEST_P(OrgAdminRepositoryContract, SeatsUsedCountsMembersAndNamesMatchExactly) {
  EXPECT_EQ(organizations_->count_seats_used(acme_, later_ms).value(), 1);
  ASSERT_TRUE(succeeded(organizations_->add_member({acme_, grace_, OrgRole::member, later_ms},
                                                   event(ada_, "member.added", later_ms))));
  EXPECT_EQ(organizations_->count_seats_used(acme_, later_ms).value(), 2);
  auto listed = organizations_->list_for_user(grace_, listed_max, 1);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().usage.seats_used, 2);
  EXPECT_FALSE(listed->front().usage.has_logo);

  auto other = organizations_->create({"Acme", 10, 25, grace_, created_at_ms},
                                      event(grace_, "org.created", created_at_ms));
  ASSERT_TRUE(succeeded(other));
  auto named = organizations_->find_by_name("Acme", listed_max);
  ASSERT_TRUE(succeeded(named));
  ASSERT_EQ(named->size(), 2u);
  EXPECT_EQ(named->at(0).id, acme_);
  EXPECT_EQ(named->at(1).id, other->id);
  EXPECT_TRUE(organizations_->find_by_name("acme", listed_max)->empty());
}

TEST_P(OrgAdminRepositoryContract, LogoIsStoredReplacedAndRemovedWithTheOrganization) {
  EXPECT_FALSE(logos_->find(acme_)->has_value());
  Blob bytes{{0x89, 'P', 'N', 'G', 0x00, 0xff, 0x0d, 0x0a}};  // binary, with a NUL byte
  ASSERT_TRUE(succeeded(logos_->put({acme_, "image/png", bytes, "\"e1\"", later_ms},
                                    event(ada_, "org.logo_set", later_ms))));
  auto found = logos_->find(acme_);
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->bytes, bytes);
  EXPECT_EQ((*found)->media_type, "image/png");
  EXPECT_EQ((*found)->etag, "\"e1\"");
  EXPECT_TRUE(organizations_->usage(acme_, later_ms)->has_logo);

  Blob jpeg{{0xff, 0xd8, 0xff}};
  ASSERT_TRUE(succeeded(logos_->put({acme_, "image/jpeg", jpeg, "\"e2\"", later_ms + 1},
                                    event(ada_, "org.logo_set", later_ms))));
  EXPECT_EQ(logos_->find(acme_).value()->bytes, jpeg);
  EXPECT_EQ(logos_->find(acme_).value()->media_type, "image/jpeg");

  ASSERT_TRUE(succeeded(logos_->remove(acme_, event(ada_, "org.logo_removed", later_ms))));
  EXPECT_FALSE(logos_->find(acme_)->has_value());
  EXPECT_TRUE(failed_with(logos_->remove(acme_, event(ada_, "org.logo_removed", later_ms)),
                          core::ErrorCode::not_found));
  EXPECT_TRUE(failed_with(
      logos_->put({core::OrgId{acme_.value + 100}, "image/png", bytes, "\"x\"", later_ms},
                  event(ada_, "org.logo_set", later_ms)),
      core::ErrorCode::conflict));

  ASSERT_TRUE(succeeded(logos_->put({acme_, "image/png", bytes, "\"e1\"", later_ms},
                                    event(ada_, "org.logo_set", later_ms))));
  ASSERT_TRUE(succeeded(organizations_->remove(acme_, event(ada_, "org.deleted", later_ms))));
  EXPECT_FALSE(logos_->find(acme_)->has_value());
}

TEST_P(OrgAdminRepositoryContract, AuditFiltersCombineNewestFirst) {
  append(acme_, grace_, "member.role_changed", 3'000);
  append(acme_, ada_, "member.removed", 4'000);
  append(acme_, std::nullopt, "org.plan_changed", 5'000);
  append(acme_, ada_, "membership.odd", 6'000);  // shares "member" but not "member."
  append(core::OrgId{acme_.value + 100}, ada_, "member.removed", 7'000);  // another org

  EXPECT_EQ(actions({}),
            (std::vector<std::string>{"membership.odd", "org.plan_changed", "member.removed",
                                      "member.role_changed", "org.created"}));
  AuditFilter by_actor;
  by_actor.actor = ada_;
  EXPECT_EQ(actions(by_actor),
            (std::vector<std::string>{"membership.odd", "member.removed", "org.created"}));
  AuditFilter prefix;
  prefix.action = "member.";
  prefix.action_is_prefix = true;
  EXPECT_EQ(actions(prefix), (std::vector<std::string>{"member.removed", "member.role_changed"}));
  AuditFilter exact;
  exact.action = "member.";
  EXPECT_TRUE(actions(exact).empty());
  exact.action = "member.removed";
  EXPECT_EQ(actions(exact), (std::vector<std::string>{"member.removed"}));
  // LIKE's wildcards mean nothing here.
  AuditFilter wildcard;
  wildcard.action = "member_";
  wildcard.action_is_prefix = true;
  EXPECT_TRUE(actions(wildcard).empty());
  AuditFilter window;
  window.since_ms = 4'000;  // inclusive
  window.until_ms = 6'000;  // exclusive
  EXPECT_EQ(actions(window), (std::vector<std::string>{"org.plan_changed", "member.removed"}));
  AuditFilter combined = window;
  combined.actor = ada_;
  EXPECT_EQ(actions(combined), (std::vector<std::string>{"member.removed"}));

  // The actor as the users table knows them; none for the operator.
  auto listed = audit_->list(acme_, {}, listed_max);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_EQ(listed->at(0).actor_email, "ada@example.com");
  EXPECT_EQ(listed->at(0).actor_display_name, "Ada");
  EXPECT_FALSE(listed->at(1).record.event.actor.has_value());
  EXPECT_FALSE(listed->at(1).actor_email.has_value());
}

TEST_P(OrgAdminRepositoryContract, AuditCursorPagesWithoutGapsOrRepeats) {
  for (int index = 0; index < 5; ++index) {
    append(acme_, ada_, "test.event" + std::to_string(index), 3'000 + index);
  }
  std::vector<std::string> seen;
  AuditFilter filter;
  for (int page = 0; page < 10; ++page) {
    auto listed = audit_->list(acme_, filter, 2);
    ASSERT_TRUE(succeeded(listed));
    if (listed->empty()) break;
    for (const auto& entry : *listed) seen.push_back(entry.record.event.action);
    filter.before_id = listed->back().record.id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"test.event4", "test.event3", "test.event2",
                                            "test.event1", "test.event0", "org.created"}));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, OrgAdminRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, OrgAdminRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
