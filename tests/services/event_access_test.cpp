// services::EventAccess on a scratch database: which audiences of the event stream a member
// of an organization gets — their teams and the profiles those teams have, everything for
// owners and admins, nothing for outsiders or a token of another organization.
#include "services/event_access.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "../storage/scratch_database.hpp"
#include "storage/migrations.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {
namespace {

using ::testing::UnorderedElementsAreArray;

class EventAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    organizations_ = std::make_unique<storage::OrganizationRepository>(*database_);
    teams_ = std::make_unique<storage::TeamRepository>(*database_);
    profiles_ = std::make_unique<storage::ProfileRepository>(*database_);
    access_ = std::make_unique<EventAccess>(*organizations_, *teams_, *profiles_);

    ada_ = user("ada@example.com");
    bob_ = user("bob@example.com");
    eve_ = user("eve@example.com");
    auto org = organizations_->create({"Acme", 10, 10, ada_, 1}, {});
    ASSERT_TRUE(org.ok()) << org.error().message;
    org_ = org->id;
    auto other = organizations_->create({"Globex", 10, 10, eve_, 1}, {});
    ASSERT_TRUE(other.ok());
    other_org_ = other->id;
    ASSERT_TRUE(organizations_->add_member({org_, bob_, domain::OrgRole::member, 1}, {}).ok());

    auto support = teams_->create(org_, "Support", 1, {});
    auto sales = teams_->create(org_, "Sales", 1, {});
    ASSERT_TRUE(support.ok() && sales.ok());
    support_ = support->id;
    sales_ = sales->id;
    ASSERT_TRUE(teams_->set_member(support_, bob_, domain::TeamRole::member, 1, {}).ok());
    bikes_ = profile("did:plc:bikes", "bikes.test");
    cars_ = profile("did:plc:cars", "cars.test");
    ASSERT_TRUE(profiles_
                    ->set_grants(org_,
                                 {{support_, bikes_, domain::ProfileLevel::viewer},
                                  {sales_, cars_, domain::ProfileLevel::publisher}},
                                 1, {})
                    .ok());
  }

  core::UserId user(const std::string& email) {
    auto created = users_->create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }
  core::ProfileId profile(const std::string& did, const std::string& handle) {
    auto created = profiles_->create({org_, "bluesky", did, handle, "", "", "", {}, {}, 1}, {});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::ProfileId{};
  }
  static Caller session(core::UserId user) {
    return Caller{authz::Actor{user.value, 1, false}, "req"};
  }
  static std::string of(std::string_view kind, std::int64_t id) {
    return std::string(kind) + ":" + std::to_string(id);
  }

  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> organizations_;
  std::unique_ptr<storage::TeamRepository> teams_;
  std::unique_ptr<storage::ProfileRepository> profiles_;
  std::unique_ptr<EventAccess> access_;
  core::UserId ada_, bob_, eve_;
  core::OrgId org_, other_org_;
  core::TeamId support_, sales_;
  core::ProfileId bikes_, cars_;
};

TEST_F(EventAccessTest, TheOwnerReceivesEveryTeamAndProfile) {
  auto audiences = access_->audiences(session(ada_), org_);
  ASSERT_TRUE(audiences.ok()) << audiences.error().message;
  EXPECT_THAT(*audiences,
              UnorderedElementsAreArray({of("org", org_.value), of("user", ada_.value),
                                         of("team", support_.value), of("team", sales_.value),
                                         of("profile", bikes_.value), of("profile", cars_.value)}));
}

TEST_F(EventAccessTest, AMemberReceivesTheirTeamsAndTheProfilesTheyHave) {
  auto audiences = access_->audiences(session(bob_), org_);
  ASSERT_TRUE(audiences.ok()) << audiences.error().message;
  EXPECT_THAT(*audiences,
              UnorderedElementsAreArray({of("org", org_.value), of("user", bob_.value),
                                         of("team", support_.value), of("profile", bikes_.value)}));
}

TEST_F(EventAccessTest, ATeamChangeIsSeenAtTheNextCall) {
  ASSERT_TRUE(teams_->remove_member(support_, bob_, {}).ok());
  ASSERT_TRUE(teams_->set_member(sales_, bob_, domain::TeamRole::member, 1, {}).ok());
  auto audiences = access_->audiences(session(bob_), org_);
  ASSERT_TRUE(audiences.ok());
  EXPECT_THAT(*audiences,
              UnorderedElementsAreArray({of("org", org_.value), of("user", bob_.value),
                                         of("team", sales_.value), of("profile", cars_.value)}));
}

TEST_F(EventAccessTest, AnOutsiderOrAnotherOrganizationsTokenGetsNotFound) {
  auto outsider = access_->audiences(session(eve_), org_);
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().code, core::ErrorCode::not_found);
  // Ada's token made for Globex, where she is a member too, does not open Acme's stream.
  ASSERT_TRUE(organizations_->add_member({other_org_, ada_, domain::OrgRole::member, 1}, {}).ok());
  authz::Actor token{ada_.value, std::nullopt, false};
  token.api_token_id = 7;
  token.api_token_org = other_org_.value;
  auto foreign = access_->audiences(Caller{token, "req"}, org_);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, core::ErrorCode::not_found);
  auto nowhere = access_->audiences(session(ada_), core::OrgId{other_org_.value + 100});
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().code, core::ErrorCode::not_found);
}

}  // namespace
}  // namespace roost::services
