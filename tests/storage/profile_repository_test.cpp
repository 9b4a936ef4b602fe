// The profile repository's contract — profiles, the teams they are granted to with a level,
// and a member's level as the highest over their teams — on both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/audit_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using domain::OrgRole;
using domain::ProfileLevel;
using domain::TeamRole;

class ProfileRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    teams_ = std::make_unique<TeamRepository>(database());
    profiles_ = std::make_unique<ProfileRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    grace_ = make_user("grace@example.com", "Grace");
    acme_ = make_org("Acme");
    globex_ = make_org("Globex");
    ASSERT_TRUE(succeeded(organizations_->add_member({acme_, grace_, OrgRole::member, later_ms},
                                                     audit("member.added"))));
    london_ = make_team("London", acme_);
    stockholm_ = make_team("Stockholm", acme_);
    globex_team_ = make_team("Globex team", globex_);
    for (auto team : {london_, stockholm_}) {
      ASSERT_TRUE(succeeded(
          teams_->set_member(team, grace_, TeamRole::member, later_ms, audit("team.member"))));
    }
    bikes_london_ = make_profile(acme_, "did:plc:london", "bikeslondon.test");
    bikes_sthlm_ = make_profile(acme_, "did:plc:sthlm", "bikesstockholm.test");
    globex_profile_ = make_profile(globex_, "did:plc:globex", "globex.test");
  }

  core::OrgId make_org(const std::string& name) {
    return MigratedDatabaseTest::make_org(name, ada_, created_at_ms, audit("org.created"));
  }

  core::TeamId make_team(const std::string& name, core::OrgId org) {
    return MigratedDatabaseTest::make_team(org, name, created_at_ms, audit("team.created"));
  }

  core::ProfileId make_profile(core::OrgId org, const std::string& did, const std::string& handle) {
    return MigratedDatabaseTest::make_profile(org, did, handle, ada_, created_at_ms,
                                              audit("profile.connected"));
  }

  AuditEvent audit(std::string action) {
    return AuditEvent{{}, ada_, std::move(action), "", "{}", "req-1", later_ms};
  }

  std::optional<ProfileLevel> level_of(core::ProfileId profile, core::UserId user) {
    auto level = profiles_->level_of(profile, user);
    EXPECT_TRUE(succeeded(level));
    return level.ok() ? *level : std::nullopt;
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<TeamRepository> teams_;
  std::unique_ptr<ProfileRepository> profiles_;
  core::UserId ada_, grace_;
  core::OrgId acme_, globex_;
  core::TeamId london_, stockholm_, globex_team_;
  core::ProfileId bikes_london_, bikes_sthlm_, globex_profile_;
};

TEST_P(ProfileRepositoryContract, CreatesFindsAndListsWithoutCredentials) {
  auto found = profiles_->find(bikes_london_);
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->handle, "bikeslondon.test");
  EXPECT_EQ((*found)->org, acme_);
  EXPECT_EQ((*found)->status, "active");
  EXPECT_EQ((*found)->owner, ada_);
  EXPECT_FALSE((*found)->requires_confirmation);
  auto listed = profiles_->list_for_org(acme_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].handle, "bikeslondon.test");  // by handle
  EXPECT_EQ((*listed)[1].handle, "bikesstockholm.test");
  // The same account twice in one organization is a conflict; in another, it is not.
  ProfileDraft again{acme_, "bluesky", "did:plc:london", "renamed.test", "", "", "", {}, {}, 1};
  auto twice = profiles_->create(again, audit("profile.connected"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, core::ErrorCode::conflict);
  again.org = globex_;
  EXPECT_TRUE(succeeded(profiles_->create(again, audit("profile.connected"))));
}

TEST_P(ProfileRepositoryContract, AMembersLevelIsTheHighestOverTheirTeams) {
  EXPECT_EQ(level_of(bikes_london_, grace_), std::nullopt);
  ASSERT_TRUE(succeeded(profiles_->set_grants(acme_,
                                              {{london_, bikes_london_, ProfileLevel::limited},
                                               {stockholm_, bikes_london_, ProfileLevel::publisher},
                                               {stockholm_, bikes_sthlm_, ProfileLevel::viewer}},
                                              later_ms, audit("profile.granted"))));
  EXPECT_EQ(level_of(bikes_london_, grace_), ProfileLevel::publisher);
  EXPECT_EQ(level_of(bikes_sthlm_, grace_), ProfileLevel::viewer);
  EXPECT_EQ(level_of(bikes_london_, ada_), std::nullopt);  // not in the teams
  auto granted = profiles_->list_granted_to(acme_, grace_, listed_max);
  ASSERT_TRUE(succeeded(granted));
  ASSERT_EQ(granted->size(), 2u);
  EXPECT_EQ((*granted)[0].profile.id, bikes_london_);
  EXPECT_EQ((*granted)[0].level, ProfileLevel::publisher);
  EXPECT_EQ((*granted)[1].level, ProfileLevel::viewer);
  auto limited = profiles_->list_granted_to(acme_, grace_, 1);
  ASSERT_TRUE(succeeded(limited));
  EXPECT_EQ(limited->size(), 1u);
  // Leaving a team lowers the level at once.
  ASSERT_TRUE(succeeded(teams_->remove_member(stockholm_, grace_, audit("team.member_removed"))));
  EXPECT_EQ(level_of(bikes_london_, grace_), ProfileLevel::limited);
  EXPECT_EQ(level_of(bikes_sthlm_, grace_), std::nullopt);
}

TEST_P(ProfileRepositoryContract, GrantsAreListedChangedRemovedAndAudited) {
  ASSERT_TRUE(succeeded(profiles_->set_grants(
      acme_, {{london_, bikes_london_, ProfileLevel::viewer}}, later_ms, audit("x"))));
  // The same level again records nothing; another level is a change.
  ASSERT_TRUE(succeeded(profiles_->set_grants(
      acme_, {{london_, bikes_london_, ProfileLevel::viewer}}, later_ms, audit("x"))));
  ASSERT_TRUE(succeeded(profiles_->set_grants(
      acme_, {{london_, bikes_london_, ProfileLevel::manager}}, later_ms, audit("x"))));
  auto grant = profiles_->find_grant(london_, bikes_london_);
  ASSERT_TRUE(succeeded(grant));
  EXPECT_EQ(*grant, ProfileLevel::manager);
  auto grants = profiles_->grants_of_profile(bikes_london_);
  ASSERT_TRUE(succeeded(grants));
  ASSERT_EQ(grants->size(), 1u);
  EXPECT_EQ((*grants)[0].team_name, "London");
  auto of_team = profiles_->profiles_of_team(london_);
  ASSERT_TRUE(succeeded(of_team));
  ASSERT_EQ(of_team->size(), 1u);
  EXPECT_EQ((*of_team)[0].level, ProfileLevel::manager);
  ASSERT_TRUE(succeeded(profiles_->remove_grant(acme_, london_, bikes_london_, audit("x"))));
  auto again = profiles_->remove_grant(acme_, london_, bikes_london_, audit("x"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::not_found);
  // Every grant event, in order: the repeated viewer grant recorded nothing.
  std::vector<std::string> grant_events;
  for (const auto& action : audit_actions(acme_)) {
    if (action.starts_with("profile.grant")) grant_events.push_back(action);
  }
  EXPECT_EQ(grant_events, (std::vector<std::string>{"profile.granted", "profile.grant_changed",
                                                    "profile.grant_removed"}));
}

TEST_P(ProfileRepositoryContract, AGrantAcrossOrganizationsWritesNothingAtAll) {
  // The second grant joins a team of Acme and a profile of Globex: the first is not kept.
  auto mixed = profiles_->set_grants(acme_,
                                     {{london_, bikes_london_, ProfileLevel::viewer},
                                      {stockholm_, globex_profile_, ProfileLevel::viewer}},
                                     later_ms, audit("x"));
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code, core::ErrorCode::not_found);
  EXPECT_NE(mixed.error().message.find("profile"), std::string::npos);
  auto team_of_other = profiles_->set_grants(
      acme_, {{globex_team_, bikes_london_, ProfileLevel::viewer}}, later_ms, audit("x"));
  ASSERT_FALSE(team_of_other.ok());
  EXPECT_EQ(team_of_other.error().code, core::ErrorCode::not_found);
  auto grant = profiles_->find_grant(london_, bikes_london_);
  ASSERT_TRUE(succeeded(grant));
  EXPECT_EQ(*grant, std::nullopt);
}

TEST_P(ProfileRepositoryContract, DeletingATeamOrTheOrganizationDeletesItsGrants) {
  ASSERT_TRUE(succeeded(profiles_->set_grants(
      acme_, {{london_, bikes_london_, ProfileLevel::publisher}}, later_ms, audit("x"))));
  ASSERT_TRUE(succeeded(teams_->remove(london_, audit("team.deleted"))));
  auto grants = profiles_->grants_of_profile(bikes_london_);
  ASSERT_TRUE(succeeded(grants));
  EXPECT_TRUE(grants->empty());
  ASSERT_TRUE(succeeded(organizations_->remove(acme_, audit("org.deleted"))));
  auto found = profiles_->find(bikes_london_);
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
}

TEST_P(ProfileRepositoryContract, ARemovedMemberIsNoLongerTheOwnerOfTheOrganizationsProfiles) {
  ProfileDraft owned{acme_, "bluesky", "did:plc:owned", "owned.test", "", "", "", grace_, ada_, 1};
  auto profile = profiles_->create(owned, audit("profile.connected"));
  ASSERT_TRUE(succeeded(profile));
  ASSERT_EQ(profile->owner, grace_);
  ASSERT_TRUE(succeeded(organizations_->remove_member(acme_, grace_, audit("member.removed"))));
  auto found = profiles_->find(profile->id);
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->owner, std::nullopt);
  // A profile owned by another member is left alone.
  auto other = profiles_->find(bikes_london_);
  ASSERT_TRUE(succeeded(other));
  EXPECT_EQ((**other).owner, ada_);
}

TEST_P(ProfileRepositoryContract, ConnectingPastTheProfileLimitIsRefused) {
  // Acme's plan allows 10; it has two.
  for (int i = 0; i < 8; ++i) {
    make_profile(acme_, "did:plc:extra" + std::to_string(i), "extra.test");
  }
  ProfileDraft one_more{acme_, "bluesky", "did:plc:eleventh", "eleventh.test", "", "", "",
                        {},    {},        created_at_ms};
  auto refused = profiles_->create(one_more, audit("profile.connected"));
  EXPECT_TRUE(failed_with(refused, core::ErrorCode::profile_limit_reached));
  EXPECT_NE(refused.error().message.find("10"), std::string::npos);
  auto listed = profiles_->list_for_org(acme_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_EQ(listed->size(), 10u);
  // A larger plan lets it in.
  ASSERT_TRUE(succeeded(organizations_->set_plan(acme_, {11, {}}, later_ms, audit("org.plan"))));
  EXPECT_TRUE(succeeded(profiles_->create(one_more, audit("profile.connected"))));
}

TEST_P(ProfileRepositoryContract, CredentialsAreStoredSealedAndNeverListed) {
  auto none = profiles_->credentials(bikes_london_);
  ASSERT_TRUE(succeeded(none));
  EXPECT_EQ(*none, std::nullopt);
  SealedCredentials sealed{"v1.0123456789abcdef.c2VhbGVk", "0123456789abcdef"};
  ASSERT_TRUE(succeeded(profiles_->set_credentials(bikes_london_, sealed, later_ms)));
  auto stored = profiles_->credentials(bikes_london_);
  ASSERT_TRUE(succeeded(stored));
  EXPECT_EQ(*stored, sealed);
  EXPECT_TRUE(failed_with(profiles_->set_credentials(core::ProfileId{999'999}, sealed, later_ms),
                          core::ErrorCode::not_found));
}

TEST_P(ProfileRepositoryContract, AStatusChangeIsReportedOnce) {
  auto changed = profiles_->set_status(bikes_london_, ProfileStatus::needs_reconnect, later_ms);
  ASSERT_TRUE(succeeded(changed));
  EXPECT_TRUE(*changed);
  auto again = profiles_->set_status(bikes_london_, ProfileStatus::needs_reconnect, later_ms);
  ASSERT_TRUE(succeeded(again));
  EXPECT_FALSE(*again);
  EXPECT_EQ((**profiles_->find(bikes_london_)).status, "needs_reconnect");
  auto back = profiles_->set_status(bikes_london_, ProfileStatus::active, later_ms);
  ASSERT_TRUE(succeeded(back));
  EXPECT_TRUE(*back);
  EXPECT_TRUE(
      failed_with(profiles_->set_status(core::ProfileId{999'999}, ProfileStatus::active, later_ms),
                  core::ErrorCode::not_found));
}

TEST_P(ProfileRepositoryContract, SettingsNameAMemberAsOwnerAndTheConfirmationFlag) {
  ProfileSettingsChange change;
  change.owner = grace_;
  change.requires_confirmation = true;
  auto updated = profiles_->update_settings(acme_, bikes_london_, change, later_ms, audit(""));
  ASSERT_TRUE(succeeded(updated));
  EXPECT_EQ(updated->owner, grace_);
  EXPECT_TRUE(updated->requires_confirmation);
  EXPECT_EQ(updated->updated_at_ms, later_ms);
  EXPECT_EQ(audit_actions(acme_).back(), "profile.settings_changed");
  // Only the flag: the owner stays.
  auto flag_only =
      profiles_->update_settings(acme_, bikes_london_, {{}, false, false}, later_ms, audit(""));
  ASSERT_TRUE(succeeded(flag_only));
  EXPECT_EQ(flag_only->owner, grace_);
  EXPECT_FALSE(flag_only->requires_confirmation);
  auto cleared =
      profiles_->update_settings(acme_, bikes_london_, {{}, true, {}}, later_ms, audit(""));
  ASSERT_TRUE(succeeded(cleared));
  EXPECT_EQ(cleared->owner, std::nullopt);
  // Someone outside the organization cannot own its profile; another organization's
  // profile is not found.
  auto stranger = make_user("stranger@example.com");
  EXPECT_TRUE(failed_with(
      profiles_->update_settings(acme_, bikes_london_, {stranger, false, {}}, later_ms, audit("")),
      core::ErrorCode::invalid_request));
  EXPECT_TRUE(failed_with(
      profiles_->update_settings(acme_, globex_profile_, {grace_, false, {}}, later_ms, audit("")),
      core::ErrorCode::not_found));
}

// Connecting stores the sealed session with the row; a seal that fails leaves no row, and the
// same account again is named before the plan's limit.
TEST_P(ProfileRepositoryContract, ConnectingStoresTheCredentialsWithTheRowOrNothing) {
  ProfileDraft draft{acme_, "bluesky", "did:plc:paris", "paris.test", "", "", "", ada_, ada_, 1};
  auto failing = profiles_->create(draft, audit("profile.connected"), [](core::ProfileId) {
    return core::Result<SealedCredentials>(
        core::make_error(core::ErrorCode::crypto_error, "no key"));
  });
  EXPECT_TRUE(failed_with(failing, core::ErrorCode::crypto_error));
  auto listed = profiles_->list_for_org(acme_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_EQ(listed->size(), 2u);

  core::ProfileId sealed_for;
  auto created = profiles_->create(draft, audit("profile.connected"), [&](core::ProfileId id) {
    sealed_for = id;
    return core::Result<SealedCredentials>(SealedCredentials{"sealed-bytes", "key-1"});
  });
  ASSERT_TRUE(succeeded(created));
  EXPECT_EQ(sealed_for, created->id);
  auto stored = profiles_->credentials(created->id);
  ASSERT_TRUE(succeeded(stored));
  EXPECT_EQ(*stored, (SealedCredentials{"sealed-bytes", "key-1"}));

  ASSERT_TRUE(succeeded(organizations_->set_plan(acme_, {3, std::nullopt}, later_ms, audit(""))));
  auto again = profiles_->create(draft, audit("profile.connected"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_NE(again.error().message.find(std::to_string(created->id.value)), std::string::npos);
}

TEST_P(ProfileRepositoryContract, ReconnectingKeepsTheAccountAndMakesTheProfileActive) {
  ASSERT_TRUE(
      succeeded(profiles_->set_status(bikes_london_, ProfileStatus::needs_reconnect, later_ms)));
  ProfileReconnection change{"did:plc:london", "renamed.test", "http://127.0.0.1:2583",
                             SealedCredentials{"new-session", "key-2"}};
  auto reconnected = profiles_->reconnect(acme_, bikes_london_, change, later_ms, audit(""));
  ASSERT_TRUE(succeeded(reconnected));
  EXPECT_EQ(reconnected->status, "active");
  EXPECT_EQ(reconnected->handle, "renamed.test");
  EXPECT_EQ(reconnected->service_url, "http://127.0.0.1:2583");
  auto stored = profiles_->credentials(bikes_london_);
  ASSERT_TRUE(succeeded(stored));
  EXPECT_EQ(*stored, change.credentials);

  // Another account's session, or another organization's profile: nothing changes.
  ProfileReconnection other = change;
  other.external_id = "did:plc:someone-else";
  other.credentials = {"stolen", "key-2"};
  EXPECT_TRUE(failed_with(profiles_->reconnect(acme_, bikes_london_, other, later_ms, audit("")),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(profiles_->reconnect(globex_, bikes_london_, change, later_ms, audit("")),
                          core::ErrorCode::not_found));
  stored = profiles_->credentials(bikes_london_);
  ASSERT_TRUE(succeeded(stored));
  EXPECT_EQ(*stored, change.credentials);
}

TEST_P(ProfileRepositoryContract, TheContactsAreTheOwnerElseTheOwnersAndAdmins) {
  auto contacts = profiles_->contacts(bikes_london_);  // owned by Ada
  ASSERT_TRUE(succeeded(contacts));
  ASSERT_EQ(contacts->size(), 1u);
  EXPECT_EQ((*contacts)[0].user, ada_);
  EXPECT_EQ((*contacts)[0].email, "ada@example.com");
  ASSERT_TRUE(succeeded(
      profiles_->update_settings(acme_, bikes_london_, {{}, true, {}}, later_ms, audit(""))));
  auto admin = make_user("admin@example.com", "Admin");
  ASSERT_TRUE(succeeded(
      organizations_->add_member({acme_, admin, OrgRole::admin, later_ms}, audit("member.added"))));
  contacts = profiles_->contacts(bikes_london_);
  ASSERT_TRUE(succeeded(contacts));
  ASSERT_EQ(contacts->size(), 2u);  // Ada (owner of Acme) and the admin, not Grace
  EXPECT_EQ((*contacts)[0].user, ada_);
  EXPECT_EQ((*contacts)[1].user, admin);
  contacts = profiles_->contacts(core::ProfileId{4242});
  ASSERT_TRUE(succeeded(contacts));
  EXPECT_TRUE(contacts->empty());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ProfileRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, ProfileRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
