#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratch_database.hpp"
#include "storage/audit_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {

// A repository contract test: a fresh database of the parameter's backend, migrated to
// the latest schema, for each test.
class MigratedDatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { ASSERT_TRUE(succeeded(open_migrated(GetParam(), scratch_, database_))); }

  Database& database() { return *database_; }
  // Its URL: a test may open connections of its own beside the pool (PostgreSQL).
  const DatabaseUrl& url() const { return scratch_->url(); }

  // A user who exists for foreign keys and lists (a placeholder hash: never logs in).
  core::UserId make_user(const std::string& email, const std::string& name = "Someone") {
    UserRepository users(database());
    auto created = users.create({email, email, name, "$argon2id$x", 1});
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? created->id : core::UserId{};
  }

  // The rows most contract tests start from, each written with `audit`: an organization
  // owned by `owner` (10 profiles, 25 seats), a team, a Bluesky profile at the test PDS's
  // usual address connected and owned by `by`.
  core::OrgId make_org(const std::string& name, core::UserId owner, std::int64_t at_ms,
                       AuditEvent audit) {
    auto org = OrganizationRepository(database()).create({name, 10, 25, owner, at_ms}, audit);
    EXPECT_TRUE(succeeded(org));
    return org.ok() ? org->id : core::OrgId{};
  }

  core::TeamId make_team(core::OrgId org, const std::string& name, std::int64_t at_ms,
                         AuditEvent audit) {
    auto created = TeamRepository(database()).create(org, name, at_ms, audit);
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? created->id : core::TeamId{};
  }

  core::ProfileId make_profile(core::OrgId org, const std::string& did, const std::string& handle,
                               core::UserId by, std::int64_t at_ms, AuditEvent audit) {
    ProfileDraft draft{org, "bluesky", did, handle, "", "", "http://127.0.0.1:2583", by, by, at_ms};
    auto created = ProfileRepository(database()).create(draft, audit);
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? created->id : core::ProfileId{};
  }

  // The actions of the organization's audit events, oldest first.
  std::vector<std::string> audit_actions(core::OrgId org) {
    constexpr std::size_t listed_max = 1'000;
    auto events = AuditRepository(database()).list_for_org(org, listed_max);
    EXPECT_TRUE(succeeded(events));
    std::vector<std::string> actions;
    if (events.ok()) {
      for (const auto& record : *events) actions.push_back(record.event.action);
    }
    return actions;
  }

 private:
  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<Database> database_;
};

}  // namespace roost::storage::testing
