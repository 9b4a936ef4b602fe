// Shared profiles and the levels teams grant, through the real binary: who sees which
// profile, who may give a profile to a team at which level, bulk grants all or nothing,
// and another organization's profile (404).
#include <algorithm>
#include <set>

#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

class ProfilesTest : public OrgScenarioTest {
 protected:
  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    lead_ = sign_up("lead@example.com");
    member_ = sign_up("member@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    add_member(acme_, lead_, domain::OrgRole::member);
    add_member(acme_, member_, domain::OrgRole::member);
    london_ = create_team(owner_, acme_, "London");
    stockholm_ = create_team(owner_, acme_, "Stockholm");
    put_team_member(london_, lead_, "team_admin");
    put_team_member(london_, member_, "member");
    bikes_ = connect_profile(acme_, "did:plc:bikes", "bikes.test");
    news_ = connect_profile(acme_, "did:plc:news", "news.test");
    globex_profile_ = connect_profile(globex_, "did:plc:globex", "globex.test");
  }

  void put_team_member(std::int64_t team, const User& user, const std::string& role) {
    auto put = as(owner_, "PUT", team_path(team) + "/members/" + std::to_string(user.id),
                  {{"team_role", role}});
    EXPECT_EQ(put.status, 200) << put.body;
  }

  std::string team_path(std::int64_t team, std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/teams/" + std::to_string(team);
  }
  std::string grant_path(std::int64_t team, std::int64_t profile, std::int64_t org = 0) const {
    return team_path(team, org) + "/profiles/" + std::to_string(profile);
  }
  std::string profile_path(std::int64_t profile, std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/profiles/" + std::to_string(profile);
  }

  std::vector<std::string> visible_handles(const User& user) {
    auto listed = as(user, "GET", org_path(acme_) + "/profiles");
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<std::string> handles;
    const auto body = listed.json();  // a temporary's member would dangle in the loop
    for (const auto& profile : body["profiles"]) {
      handles.push_back(profile["handle"].get<std::string>() + ":" +
                        profile["my_level"].get<std::string>());
    }
    return handles;
  }

  User owner_, lead_, member_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0, london_ = 0, stockholm_ = 0;
  std::int64_t bikes_ = 0, news_ = 0, globex_profile_ = 0;
};

TEST_F(ProfilesTest, MembersSeeOnlyWhatTheirTeamsAreGrantedAtTheHighestLevel) {
  EXPECT_EQ(visible_handles(owner_),
            (std::vector<std::string>{"bikes.test:manager", "news.test:manager"}));
  EXPECT_TRUE(visible_handles(member_).empty());
  EXPECT_EQ(as(member_, "GET", profile_path(bikes_)).status, 404);

  ASSERT_EQ(as(owner_, "PUT", grant_path(london_, bikes_), {{"level", "limited"}}).status, 200);
  EXPECT_EQ(visible_handles(member_), (std::vector<std::string>{"bikes.test:limited"}));
  // A second team with a higher level: the highest counts.
  put_team_member(stockholm_, member_, "member");
  ASSERT_EQ(as(owner_, "PUT", grant_path(stockholm_, bikes_), {{"level", "publisher"}}).status,
            200);
  EXPECT_EQ(visible_handles(member_), (std::vector<std::string>{"bikes.test:publisher"}));

  auto detail = as(member_, "GET", profile_path(bikes_));
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(detail.json()["my_level"], "publisher");
  EXPECT_EQ(detail.json()["teams"].size(), 2u);
  EXPECT_FALSE(detail.json().contains("credentials"));

  auto of_team = as(member_, "GET", team_path(london_) + "/profiles");
  ASSERT_EQ(of_team.status, 200) << of_team.body;
  ASSERT_EQ(of_team.json()["profiles"].size(), 1u);
  EXPECT_EQ(of_team.json()["profiles"][0]["level"], "limited");
  // The lead is not in Stockholm: 403 naming the permission.
  auto not_in_team = as(lead_, "GET", team_path(stockholm_) + "/profiles");
  EXPECT_EQ(not_in_team.status, 403) << not_in_team.body;
}

TEST_F(ProfilesTest, ATeamAdminAdjustsTheirTeamsProfilesUpToTheirOwnLevel) {
  // The lead is team_admin of London; London has bikes at viewer.
  ASSERT_EQ(as(owner_, "PUT", grant_path(london_, bikes_), {{"level", "viewer"}}).status, 200);
  // Up to their own level (viewer): limited is above it.
  auto above = as(lead_, "PUT", grant_path(london_, bikes_), {{"level", "limited"}});
  EXPECT_EQ(above.status, 403) << above.body;
  EXPECT_NE(error_message(above).find("set_profile_grant"), std::string::npos);
  // A profile their team does not have does not exist for them.
  EXPECT_EQ(as(lead_, "PUT", grant_path(london_, news_), {{"level", "viewer"}}).status, 404);
  // Raised to publisher by the owner, the lead may set London's level up to publisher.
  ASSERT_EQ(as(owner_, "PUT", grant_path(london_, bikes_), {{"level", "publisher"}}).status, 200);
  EXPECT_EQ(as(lead_, "PUT", grant_path(london_, bikes_), {{"level", "limited"}}).status, 200);
  // ...but is now limited themselves, so publisher is above them again.
  EXPECT_EQ(as(lead_, "PUT", grant_path(london_, bikes_), {{"level", "publisher"}}).status, 403);
  // A plain team member may not change levels, and may not take the profile away.
  EXPECT_EQ(as(member_, "PUT", grant_path(london_, bikes_), {{"level", "viewer"}}).status, 403);
  EXPECT_EQ(as(member_, "DELETE", grant_path(london_, bikes_)).status, 403);
  EXPECT_EQ(as(lead_, "DELETE", grant_path(london_, bikes_)).status, 204);
  EXPECT_EQ(as(lead_, "GET", profile_path(bikes_)).status, 404);

  std::vector<std::string> actions;
  for (const auto& record : audit_of(acme_)) actions.push_back(record.event.action);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "profile.grant_changed"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "profile.grant_removed"), 1);
}

TEST_F(ProfilesTest, BulkGrantsAreAllOrNothing) {
  nlohmann::json grants = {
      {"grants",
       {{{"team_id", london_}, {"profile_id", bikes_}, {"level", "viewer"}},
        {{"team_id", stockholm_}, {"profile_id", bikes_}, {"level", "limited"}},
        {{"team_id", london_}, {"profile_id", news_}, {"level", "manager"}}}}};
  auto applied = as(owner_, "POST", org_path(acme_) + "/profile-grants", grants);
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.json()["applied"], 3);
  EXPECT_EQ(visible_handles(member_),
            (std::vector<std::string>{"bikes.test:viewer", "news.test:manager"}));

  // One profile of another organization: nothing of the request is written.
  nlohmann::json mixed = {
      {"grants",
       {{{"team_id", stockholm_}, {"profile_id", news_}, {"level", "viewer"}},
        {{"team_id", stockholm_}, {"profile_id", globex_profile_}, {"level", "viewer"}}}}};
  EXPECT_EQ(as(owner_, "POST", org_path(acme_) + "/profile-grants", mixed).status, 404);
  auto news = as(owner_, "GET", profile_path(news_));
  ASSERT_EQ(news.status, 200);
  EXPECT_EQ(news.json()["teams"].size(), 1u);

  // Bad entries are all named at once.
  nlohmann::json bad = {{"grants",
                         {{{"team_id", london_}, {"profile_id", bikes_}, {"level", "admin"}},
                          {{"team_id", "x"}, {"level", "viewer"}},
                          "not an object"}}};
  auto rejected = as(owner_, "POST", org_path(acme_) + "/profile-grants", bad);
  ASSERT_EQ(rejected.status, 422) << rejected.body;
  std::set<std::string> fields;
  const auto rejection = rejected.json();
  for (const auto& detail : rejection["error"]["details"]) fields.insert(detail["field"]);
  EXPECT_TRUE(fields.count("grants[0].level"));
  EXPECT_TRUE(fields.count("grants[1].team_id"));
  EXPECT_TRUE(fields.count("grants[1].profile_id"));
  EXPECT_TRUE(fields.count("grants[2]"));
  EXPECT_EQ(as(owner_, "POST", org_path(acme_) + "/profile-grants", {{"grants", "all"}}).status,
            422);
  EXPECT_EQ(
      as(owner_, "POST", org_path(acme_) + "/profile-grants", {{"grants", nlohmann::json::array()}})
          .status,
      422);
  // A member may not grant in bulk either.
  nlohmann::json one = {
      {"grants", {{{"team_id", london_}, {"profile_id", bikes_}, {"level", "manager"}}}}};
  EXPECT_EQ(as(member_, "POST", org_path(acme_) + "/profile-grants", one).status, 403);
}

TEST_F(ProfilesTest, AnotherOrganizationsProfilesAndTeamsAreNotFound) {
  // The outsider owns Globex: Acme's profiles do not exist for them, and neither does
  // their own profile through Acme's path, nor Acme's profile through Globex's path.
  EXPECT_EQ(as(outsider_, "GET", org_path(acme_) + "/profiles").status, 404);
  EXPECT_EQ(as(outsider_, "GET", profile_path(bikes_)).status, 404);
  EXPECT_EQ(as(outsider_, "GET", profile_path(bikes_, globex_)).status, 404);
  EXPECT_EQ(as(owner_, "GET", profile_path(globex_profile_)).status, 404);
  EXPECT_EQ(as(outsider_, "PUT", grant_path(london_, bikes_), {{"level", "viewer"}}).status, 404);
  EXPECT_EQ(as(outsider_, "DELETE", grant_path(london_, bikes_)).status, 404);
  // Acme's owner cannot give Globex's profile to an Acme team.
  EXPECT_EQ(as(owner_, "PUT", grant_path(london_, globex_profile_), {{"level", "viewer"}}).status,
            404);
  for (const auto& target : {profile_path(bikes_), org_path(acme_) + "/profiles"}) {
    auto response = as(outsider_, "GET", target);
    EXPECT_EQ(response.body.find("bikes.test"), std::string::npos) << target;
  }
  EXPECT_EQ(request("GET", org_path(acme_) + "/profiles").status, 401);
}

}  // namespace
}  // namespace roost::testing
