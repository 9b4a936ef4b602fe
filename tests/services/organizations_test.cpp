// services::Organizations and services::Members on a scratch database: what the caller's
// membership lets them do, and what each change writes to the audit log.
#include "services/organizations.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>

#include "../storage/scratch_database.hpp"
#include "services/members.hpp"
#include "storage/audit_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {
namespace {

using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

using domain::OrgRole;
using std::chrono::milliseconds;

constexpr std::size_t audit_listed_max = 100;

class OrganizationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    records_ = std::make_unique<storage::OrganizationRepository>(*database_);
    organizations_ = std::make_unique<Organizations>(*records_, clock_);
    members_ = std::make_unique<Members>(*records_, clock_);
    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
    eve_ = make_user("eve@example.com");
  }

  core::UserId make_user(const std::string& email) {
    auto created = users_->create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }

  static Caller as(core::UserId user, std::string request_id = "req") {
    return Caller{authz::Actor{user.value, 1, false}, std::move(request_id)};
  }

  void add(core::OrgId org, core::UserId user, OrgRole role) {
    ASSERT_TRUE(records_->add_member({org, user, role, fixed_now_ms}, {}).ok());
  }

  std::vector<storage::AuditRecord> audit_of(core::OrgId org) {
    storage::AuditRepository audit(*database_);
    auto events = audit.list_for_org(org, audit_listed_max);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<storage::AuditRecord>{};
  }

  FixedClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> records_;
  std::unique_ptr<Organizations> organizations_;
  std::unique_ptr<Members> members_;
  core::UserId ada_;
  core::UserId grace_;
  core::UserId eve_;
};

TEST_F(OrganizationsServiceTest, CreationIsAuditedWithTheRequestIdAndTheClock) {
  auto created = organizations_->create(as(ada_, "req-create"), "Bikes");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->role, OrgRole::owner);
  EXPECT_EQ(created->created_at_ms, fixed_now_ms);
  auto events = audit_of(created->id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.action, "org.created");
  EXPECT_EQ(events[0].event.actor, ada_);
  EXPECT_EQ(events[0].event.request_id, "req-create");
  EXPECT_EQ(events[0].event.created_at_ms, fixed_now_ms);
  EXPECT_EQ(events[0].event.details_json, R"({"name":"Bikes"})");
}

// A non-member learns nothing: the same not_found for an existing organization, a missing
// one, an existing member and a missing member.
TEST_F(OrganizationsServiceTest, ANonMemberGetsTheSameNotFoundWhateverExists) {
  auto org = organizations_->create(as(ada_), "Bikes");
  ASSERT_TRUE(org.ok());
  add(org->id, grace_, OrgRole::member);
  const core::OrgId missing{org->id.value + 1000};
  std::vector<core::Error> errors;
  for (auto target_org : {org->id, missing}) {
    for (auto target : {grace_, core::UserId{424242}}) {
      auto removed = members_->remove(as(eve_), target_org, target);
      ASSERT_FALSE(removed.ok());
      errors.push_back(removed.error());
      auto changed = members_->change_role(as(eve_), target_org, target, OrgRole::admin);
      ASSERT_FALSE(changed.ok());
      errors.push_back(changed.error());
    }
    auto read = organizations_->get(as(eve_), target_org);
    ASSERT_FALSE(read.ok());
    errors.push_back(read.error());
  }
  for (const auto& error : errors) {
    EXPECT_EQ(error.code, core::ErrorCode::not_found);
    EXPECT_EQ(error.message, "no such organization");
  }
  EXPECT_EQ(audit_of(org->id).size(), 2u);  // the creation and the member added here
}

// A plain member asking about someone who is not a member gets the 403 of the action, not
// a 404 that would tell members from non-members apart by the permission they lack.
TEST_F(OrganizationsServiceTest, APlainMemberIsDeniedBeforeTheTargetIsLookedAt) {
  auto org = organizations_->create(as(ada_), "Bikes");
  ASSERT_TRUE(org.ok());
  add(org->id, grace_, OrgRole::member);
  for (auto target : {ada_, eve_}) {
    auto removed = members_->remove(as(grace_), org->id, target);
    ASSERT_FALSE(removed.ok());
    EXPECT_EQ(removed.error().code, core::ErrorCode::permission_denied);
    EXPECT_EQ(removed.error().message, "missing permission: remove_member (owner or admin)");
  }
  // Leaving needs no permission.
  ASSERT_TRUE(members_->remove(as(grace_, "req-leave"), org->id, grace_).ok());
  auto events = audit_of(org->id);
  EXPECT_EQ(events.back().event.action, "member.left");
  EXPECT_EQ(events.back().event.request_id, "req-leave");
}

TEST_F(OrganizationsServiceTest, MemberPagesAreBounded) {
  auto org = organizations_->create(as(ada_), "Bikes");
  ASSERT_TRUE(org.ok());
  for (std::size_t limit : {std::size_t{0}, std::size_t{201}}) {
    auto page = members_->list(as(ada_), org->id, core::UserId{0}, limit);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().code, core::ErrorCode::invalid_request);
  }
  auto page = members_->list(as(ada_), org->id, core::UserId{0}, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->members.size(), 1u);
  EXPECT_FALSE(page->next_after.has_value());
}

}  // namespace
}  // namespace roost::services
