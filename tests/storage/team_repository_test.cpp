// The team repository's contract, and what removing an organization member does to their
// teams, on both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/audit_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using domain::OrgRole;
using domain::TeamRole;

class TeamRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    teams_ = std::make_unique<TeamRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    grace_ = make_user("grace@example.com", "Grace");
    linus_ = make_user("linus@example.com", "Linus");
    auto org = organizations_->create({"Acme", 10, 25, ada_, created_at_ms}, audit("org.created"));
    ASSERT_TRUE(succeeded(org));
    acme_ = org->id;
    ASSERT_TRUE(succeeded(organizations_->add_member({acme_, grace_, OrgRole::member, later_ms},
                                                     audit("member.added"))));
  }

  AuditEvent audit(std::string action) {
    return AuditEvent{{}, ada_, std::move(action), "", "{}", "req-1", later_ms};
  }

  TeamRecord make_team(const std::string& name, core::OrgId org) {
    auto created = teams_->create(org, name, created_at_ms, audit("team.created"));
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? *created : TeamRecord{};
  }

  std::vector<std::string> names(const core::Result<std::vector<TeamRecord>>& teams) {
    EXPECT_TRUE(succeeded(teams));
    std::vector<std::string> out;
    if (teams.ok()) {
      for (const auto& team : *teams) out.push_back(team.name);
    }
    return out;
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<TeamRepository> teams_;
  core::UserId ada_;
  core::UserId grace_;
  core::UserId linus_;
  core::OrgId acme_;
};

TEST_P(TeamRepositoryContract, CreatesFindsListsAndKeepsNamesUniquePerOrganization) {
  auto web = make_team("Web", acme_);
  make_team("Apps", acme_);
  EXPECT_EQ(web.org, acme_);
  EXPECT_EQ(web.name, "Web");
  auto found = teams_->find(web.id);
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "Web");
  EXPECT_EQ(names(teams_->list_for_org(acme_, listed_max)),
            (std::vector<std::string>{"Apps", "Web"}));
  EXPECT_TRUE(failed_with(teams_->create(acme_, "Web", later_ms, audit("team.created")),
                          core::ErrorCode::conflict));
  // Another organization may use the same name.
  auto other =
      organizations_->create({"Globex", 10, 25, linus_, created_at_ms}, audit("org.created"));
  ASSERT_TRUE(succeeded(other));
  EXPECT_EQ(make_team("Web", other->id).org, other->id);
  EXPECT_EQ(names(teams_->list_for_org(acme_, listed_max)).size(), 2u);
  EXPECT_TRUE(failed_with(teams_->create(core::OrgId{424242}, "X", later_ms, audit("x")),
                          core::ErrorCode::not_found));
  EXPECT_EQ(audit_actions(acme_), (std::vector<std::string>{"org.created", "member.added",
                                                            "team.created", "team.created"}));
}

TEST_P(TeamRepositoryContract, RenamesAndRefusesATakenName) {
  auto web = make_team("Web", acme_);
  make_team("Apps", acme_);
  auto renamed = teams_->rename(web.id, "Frontend", audit("team.renamed"));
  ASSERT_TRUE(succeeded(renamed));
  EXPECT_EQ(renamed->name, "Frontend");
  EXPECT_TRUE(succeeded(teams_->rename(web.id, "Frontend", audit("team.renamed"))));
  EXPECT_TRUE(failed_with(teams_->rename(web.id, "Apps", audit("team.renamed")),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(teams_->rename(core::TeamId{424242}, "Z", audit("team.renamed")),
                          core::ErrorCode::not_found));
}

TEST_P(TeamRepositoryContract, MembersAreOrganizationMembersOnly) {
  auto web = make_team("Web", acme_);
  auto added =
      teams_->set_member(web.id, grace_, TeamRole::member, later_ms, audit("team.member_added"));
  ASSERT_TRUE(succeeded(added));
  EXPECT_TRUE(added->added);
  auto changed = teams_->set_member(web.id, grace_, TeamRole::team_admin, later_ms,
                                    audit("team.member_role_changed"));
  ASSERT_TRUE(succeeded(changed));
  EXPECT_FALSE(changed->added);
  EXPECT_EQ(changed->previous_role, TeamRole::member);
  auto member = teams_->find_member(web.id, grace_);
  ASSERT_TRUE(succeeded(member));
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ((*member)->email, "grace@example.com");
  EXPECT_EQ((*member)->role, TeamRole::team_admin);
  auto stranger = teams_->find_member(web.id, ada_);
  ASSERT_TRUE(succeeded(stranger));
  EXPECT_FALSE(stranger->has_value());
  auto role = teams_->find_role(web.id, grace_);
  ASSERT_TRUE(succeeded(role));
  EXPECT_EQ(*role, TeamRole::team_admin);

  auto outsider =
      teams_->set_member(web.id, linus_, TeamRole::member, later_ms, audit("team.member_added"));
  ASSERT_TRUE(failed_with(outsider, core::ErrorCode::invalid_request));
  ASSERT_EQ(outsider.error().details.size(), 1u);
  EXPECT_EQ(outsider.error().details[0].field, "user_id");

  auto members = teams_->list_members(web.id, listed_max);
  ASSERT_TRUE(succeeded(members));
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ(members->front().user, grace_);
  EXPECT_EQ(members->front().email, "grace@example.com");
  EXPECT_EQ(members->front().role, TeamRole::team_admin);
  EXPECT_EQ(names(teams_->list_for_member(acme_, grace_, listed_max)),
            (std::vector<std::string>{"Web"}));
  EXPECT_TRUE(names(teams_->list_for_member(acme_, ada_, listed_max)).empty());

  EXPECT_TRUE(succeeded(teams_->remove_member(web.id, grace_, audit("team.member_removed"))));
  EXPECT_TRUE(failed_with(teams_->remove_member(web.id, grace_, audit("team.member_removed")),
                          core::ErrorCode::not_found));
  EXPECT_EQ(
      audit_actions(acme_),
      (std::vector<std::string>{"org.created", "member.added", "team.created", "team.member_added",
                                "team.member_role_changed", "team.member_removed"}));
}

TEST_P(TeamRepositoryContract, DeletingATeamDeletesItsMemberships) {
  auto web = make_team("Web", acme_);
  ASSERT_TRUE(succeeded(
      teams_->set_member(web.id, grace_, TeamRole::member, later_ms, audit("team.member_added"))));
  ASSERT_TRUE(succeeded(teams_->remove(web.id, audit("team.deleted"))));
  auto found = teams_->find(web.id);
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
  EXPECT_TRUE(names(teams_->list_for_member(acme_, grace_, listed_max)).empty());
  EXPECT_TRUE(
      failed_with(teams_->remove(web.id, audit("team.deleted")), core::ErrorCode::not_found));
  EXPECT_EQ(audit_actions(acme_).back(), "team.deleted");
}

TEST_P(TeamRepositoryContract, LeavingTheOrganizationLeavesItsTeamsInTheSameTransaction) {
  auto web = make_team("Web", acme_);
  auto apps = make_team("Apps", acme_);
  for (auto team : {web.id, apps.id}) {
    ASSERT_TRUE(succeeded(
        teams_->set_member(team, grace_, TeamRole::member, later_ms, audit("team.member_added"))));
  }
  ASSERT_TRUE(succeeded(organizations_->remove_member(acme_, grace_, audit("member.removed"))));
  EXPECT_TRUE(names(teams_->list_for_member(acme_, grace_, listed_max)).empty());
  auto role = teams_->find_role(web.id, grace_);
  ASSERT_TRUE(succeeded(role));
  EXPECT_FALSE(role->has_value());
  auto actions = audit_actions(acme_);
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(
      std::vector<std::string>(actions.end() - 3, actions.end()),
      (std::vector<std::string>{"team.member_removed", "team.member_removed", "member.removed"}));
  // Back in the organization, not back in its teams.
  ASSERT_TRUE(succeeded(organizations_->add_member({acme_, grace_, OrgRole::member, later_ms},
                                                   audit("member.added"))));
  EXPECT_TRUE(names(teams_->list_for_member(acme_, grace_, listed_max)).empty());
}

TEST_P(TeamRepositoryContract, DeletingTheOrganizationDeletesItsTeams) {
  auto web = make_team("Web", acme_);
  ASSERT_TRUE(succeeded(
      teams_->set_member(web.id, grace_, TeamRole::member, later_ms, audit("team.member_added"))));
  ASSERT_TRUE(succeeded(organizations_->remove(acme_, audit("org.deleted"))));
  auto found = teams_->find(web.id);
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, TeamRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, TeamRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
