// Teams through the real binary: who may create, see, rename and delete them and manage
// their members, a non-member of the organization refused as a team member (422), 404 on
// every team route for another organization's users, CSRF, and the audit trail.
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

class TeamsTest : public OrgScenarioTest {
 protected:
  std::vector<std::string> audit_actions(std::int64_t org) {
    std::vector<std::string> actions;
    for (const auto& record : audit_of(org)) actions.push_back(record.event.action);
    return actions;
  }

  static std::string teams_path(std::int64_t org) {
    return "/api/v1/orgs/" + std::to_string(org) + "/teams";
  }
  static std::string team_path(std::int64_t org, std::int64_t team) {
    return teams_path(org) + "/" + std::to_string(team);
  }
  static std::string team_member_path(std::int64_t org, std::int64_t team, const User& user) {
    return team_path(org, team) + "/members/" + std::to_string(user.id);
  }
  static std::vector<std::string> team_names(const HttpResponse& response) {
    std::vector<std::string> names;
    auto body = response.json();  // not a temporary: the loop reads into it
    for (const auto& team : body["teams"]) names.push_back(team["name"]);
    return names;
  }
};

TEST_F(TeamsTest, CreateListRenameAndDelete) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto created = as(ada, "POST", teams_path(org), {{"name", "  Web  "}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["name"], "Web");
  auto team = created.json()["id"].get<std::int64_t>();
  EXPECT_EQ(created.header("location"), team_path(org, team));
  EXPECT_EQ(as(ada, "POST", teams_path(org), {{"name", "Web"}}).status, 409);
  EXPECT_EQ(as(ada, "POST", teams_path(org), {{"name", "  "}}).status, 422);
  create_team(ada, org, "Apps");

  auto listed = as(ada, "GET", teams_path(org));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(team_names(listed), (std::vector<std::string>{"Apps", "Web"}));

  auto renamed = as(ada, "PATCH", team_path(org, team), {{"name", "Frontend"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["name"], "Frontend");
  auto shown = as(ada, "GET", team_path(org, team));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()["name"], "Frontend");
  EXPECT_TRUE(shown.json()["members"].empty());

  EXPECT_EQ(as(ada, "DELETE", team_path(org, team)).status, 204);
  EXPECT_EQ(as(ada, "GET", team_path(org, team)).status, 404);
  EXPECT_EQ(team_names(as(ada, "GET", teams_path(org))), (std::vector<std::string>{"Apps"}));
  EXPECT_EQ(audit_actions(org),
            (std::vector<std::string>{"org.created", "team.created", "team.created", "team.renamed",
                                      "team.deleted"}));
}

TEST_F(TeamsTest, MembersAreOrganizationMembersAndSeeOnlyTheirTeams) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::member);
  auto web = create_team(ada, org, "Web");
  auto apps = create_team(ada, org, "Apps");

  // Not a member of the organization: 422 naming user_id.
  auto outsider = as(ada, "PUT", team_member_path(org, web, linus), {{"team_role", "member"}});
  ASSERT_EQ(outsider.status, 422) << outsider.body;
  EXPECT_EQ(outsider.json()["error"]["details"][0]["field"], "user_id");
  EXPECT_EQ(as(ada, "PUT", team_member_path(org, web, grace), {{"team_role", "boss"}}).status, 422);

  auto added = as(ada, "PUT", team_member_path(org, web, grace), {{"team_role", "member"}});
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.json()["team_role"], "member");
  EXPECT_EQ(added.json()["user_id"], grace.id);

  // A plain member sees the teams they are in, and that team with its members.
  EXPECT_EQ(team_names(as(grace, "GET", teams_path(org))), (std::vector<std::string>{"Web"}));
  auto shown = as(grace, "GET", team_path(org, web));
  ASSERT_EQ(shown.status, 200) << shown.body;
  ASSERT_EQ(shown.json()["members"].size(), 1u);
  EXPECT_EQ(shown.json()["members"][0]["team_role"], "member");
  EXPECT_EQ(as(grace, "GET", team_path(org, apps)).status, 403);

  // A plain member creating a team: 403 naming the permission.
  auto create = as(grace, "POST", teams_path(org), {{"name", "Mine"}});
  ASSERT_EQ(create.status, 403) << create.body;
  EXPECT_EQ(create.json()["error"]["code"], "permission_denied");
  EXPECT_NE(create.json()["error"]["message"].get<std::string>().find("create_team"),
            std::string::npos);

  // A team member may not rename; a team_admin may rename their team, not another.
  EXPECT_EQ(as(grace, "PATCH", team_path(org, web), {{"name", "Frontend"}}).status, 403);
  ASSERT_EQ(as(ada, "PUT", team_member_path(org, web, grace), {{"team_role", "team_admin"}}).status,
            200);
  auto own = as(grace, "PATCH", team_path(org, web), {{"name", "Frontend"}});
  EXPECT_EQ(own.status, 200) << own.body;
  auto other = as(grace, "PATCH", team_path(org, apps), {{"name", "Mobile"}});
  ASSERT_EQ(other.status, 403) << other.body;
  EXPECT_NE(other.json()["error"]["message"].get<std::string>().find("rename_team"),
            std::string::npos);
  EXPECT_EQ(as(grace, "DELETE", team_path(org, web)).status, 403);

  // Leaving the organization leaves its teams.
  ASSERT_EQ(as(grace, "DELETE",
               "/api/v1/orgs/" + std::to_string(org) + "/members/" + std::to_string(grace.id))
                .status,
            204);
  auto after = as(ada, "GET", team_path(org, web));
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(after.json()["members"].empty());
  auto actions = audit_actions(org);
  ASSERT_GE(actions.size(), 2u);
  EXPECT_EQ(actions[actions.size() - 2], "team.member_removed");
  EXPECT_EQ(actions.back(), "member.left");
}

TEST_F(TeamsTest, AnyoneMayLeaveATeamAndTeamAdminsManageMembers) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::member);
  add_member(org, linus, domain::OrgRole::member);
  auto web = create_team(ada, org, "Web");
  ASSERT_EQ(as(ada, "PUT", team_member_path(org, web, grace), {{"team_role", "team_admin"}}).status,
            200);
  EXPECT_EQ(as(grace, "PUT", team_member_path(org, web, linus), {{"team_role", "member"}}).status,
            200);
  EXPECT_EQ(as(linus, "DELETE", team_member_path(org, web, grace)).status, 403);
  EXPECT_EQ(as(linus, "DELETE", team_member_path(org, web, linus)).status, 204);
  EXPECT_EQ(as(grace, "DELETE", team_member_path(org, web, linus)).status, 404);
}

TEST_F(TeamsTest, AnotherOrganizationsUsersGet404OnEveryTeamRoute) {
  auto ada = sign_up("ada@example.com");
  auto eve = sign_up("eve@example.com");
  auto org = create_org(ada, "Bikes");
  auto eves_org = create_org(eve, "Evil");
  auto web = create_team(ada, org, "Web");
  auto eves_team = create_team(eve, eves_org, "Mine");
  struct Call {
    std::string method;
    std::string target;
    nlohmann::json body;
  };
  const std::vector<Call> calls = {
      {"POST", teams_path(org), {{"name", "X"}}},
      {"GET", teams_path(org), nullptr},
      {"GET", team_path(org, web), nullptr},
      {"PATCH", team_path(org, web), {{"name", "X"}}},
      {"DELETE", team_path(org, web), nullptr},
      {"PUT", team_member_path(org, web, eve), {{"team_role", "member"}}},
      {"DELETE", team_member_path(org, web, eve), nullptr},
      {"DELETE", team_member_path(org, web, ada), nullptr},
  };
  for (const auto& call : calls) {
    auto response = as(eve, call.method, call.target, call.body);
    EXPECT_EQ(response.status, 404) << call.method << " " << call.target << " " << response.body;
  }
  // Eve's own team through Ada's organization's path: 404 for Ada too.
  EXPECT_EQ(as(ada, "GET", team_path(org, eves_team)).status, 404);
  EXPECT_EQ(as(eve, "GET", team_path(org, eves_team)).status, 404);
  EXPECT_EQ(as(ada, "PATCH", team_path(org, eves_team), {{"name", "Mine"}}).status, 404);
  EXPECT_EQ(as(ada, "DELETE", team_path(org, eves_team)).status, 404);
  EXPECT_EQ(as(eve, "GET", team_path(eves_org, eves_team)).status, 200);
}

TEST_F(TeamsTest, ChangesNeedTheCsrfToken) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto web = create_team(ada, org, "Web");
  struct Call {
    std::string method;
    std::string target;
    nlohmann::json body;
  };
  const std::vector<Call> calls = {
      {"POST", teams_path(org), {{"name", "X"}}},
      {"PATCH", team_path(org, web), {{"name", "X"}}},
      {"DELETE", team_path(org, web), nullptr},
      {"PUT", team_member_path(org, web, ada), {{"team_role", "member"}}},
      {"DELETE", team_member_path(org, web, ada), nullptr},
  };
  for (const auto& call : calls) {
    auto refused = as(ada, call.method, call.target, call.body, false);
    EXPECT_EQ(refused.status, 403) << call.method << " " << call.target;
    EXPECT_NE(refused.json()["error"]["message"].get<std::string>().find("csrf"), std::string::npos)
        << refused.body;
  }
  EXPECT_EQ(as(ada, "GET", team_path(org, web)).status, 200);
}

}  // namespace
}  // namespace roost::testing
