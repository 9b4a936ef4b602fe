// Organizations and their members through the real binary: the permission rules as a
// client meets them (403 naming the permission, 404 for another organization's things),
// the last owner, immediate loss of access, CSRF, and the audit trail each change leaves.
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

class OrgsTest : public OrgScenarioTest {};

TEST_F(OrgsTest, CreateListReadRenameAndDeleteWithTheNameTyped) {
  auto ada = sign_up("ada@example.com");
  auto created = as(ada, "POST", "/api/v1/orgs", {{"name", "  Bikes  "}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto org = created.json();
  EXPECT_EQ(org["name"], "Bikes");
  EXPECT_EQ(org["role"], "owner");
  EXPECT_EQ(org["plan"]["profile_limit"], 10);
  EXPECT_EQ(org["plan"]["seat_limit"], 25);
  EXPECT_TRUE(org["created_at"].get<std::string>().ends_with("Z"));
  const std::int64_t id = org["id"];
  EXPECT_EQ(created.header("location"), org_path(id));
  create_org(ada, "Acme");

  auto listed = as(ada, "GET", "/api/v1/orgs");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["organizations"].size(), 2u);
  EXPECT_EQ(listed.json()["organizations"][0]["name"], "Acme");
  EXPECT_EQ(listed.json()["organizations"][1]["name"], "Bikes");
  EXPECT_EQ(listed.json()["organizations"][1]["role"], "owner");

  auto read = as(ada, "GET", org_path(id));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["name"], "Bikes");

  auto renamed = as(ada, "PATCH", org_path(id), {{"name", "Bicycles"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["name"], "Bicycles");
  EXPECT_EQ(as(ada, "GET", org_path(id)).json()["name"], "Bicycles");

  for (const auto& wrong :
       {nlohmann::json{{"confirm_name", "Bikes"}}, nlohmann::json{{"confirm_name", "bicycles"}},
        nlohmann::json{{"confirm_name", "Bicycles "}}}) {
    auto refused = as(ada, "DELETE", org_path(id), wrong);
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.json()["error"]["details"][0]["field"], "confirm_name");
  }
  auto without_body = as(ada, "DELETE", org_path(id), nlohmann::json::object());
  EXPECT_EQ(without_body.status, 422);
  EXPECT_EQ(without_body.json()["error"]["details"][0]["field"], "confirm_name");
  EXPECT_EQ(as(ada, "GET", org_path(id)).status, 200);

  auto deleted = as(ada, "DELETE", org_path(id), {{"confirm_name", "Bicycles"}});
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(as(ada, "GET", org_path(id)).status, 404);
  EXPECT_EQ(as(ada, "GET", "/api/v1/orgs").json()["organizations"].size(), 1u);
  EXPECT_EQ(as(ada, "DELETE", org_path(id), {{"confirm_name", "Bicycles"}}).status, 404);

  // Every change left its record, with the request id the client saw.
  auto events = audit_of(id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.action, "org.created");
  EXPECT_EQ(events[0].event.request_id, created.header("x-request-id"));
  EXPECT_EQ(events[0].event.target, "org:" + std::to_string(id));
  EXPECT_EQ(events[1].event.action, "org.renamed");
  EXPECT_EQ(events[1].event.request_id, renamed.header("x-request-id"));
  EXPECT_EQ(nlohmann::json::parse(events[1].event.details_json),
            (nlohmann::json{{"from", "Bikes"}, {"to", "Bicycles"}}));
  EXPECT_EQ(events[2].event.action, "org.deleted");
  EXPECT_EQ(events[2].event.actor, core::UserId{ada.id});
  EXPECT_EQ(events[2].event.request_id, deleted.header("x-request-id"));
}

TEST_F(OrgsTest, NamesAreValidated) {
  auto ada = sign_up("ada@example.com");
  for (const auto& body :
       {nlohmann::json::object(), nlohmann::json{{"name", ""}}, nlohmann::json{{"name", "   "}},
        nlohmann::json{{"name", 7}}, nlohmann::json{{"name", std::string(101, 'x')}},
        nlohmann::json{{"name", "tab\there"}}}) {
    auto refused = as(ada, "POST", "/api/v1/orgs", body);
    EXPECT_EQ(refused.status, 422) << body.dump();
    EXPECT_EQ(refused.json()["error"]["details"][0]["field"], "name") << refused.body;
  }
  auto org = create_org(ada, "Bikes");
  auto refused = as(ada, "PATCH", org_path(org), {{"name", ""}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(as(ada, "GET", "/api/v1/orgs").json()["organizations"].size(), 1u);
  EXPECT_EQ(audit_of(org).size(), 1u);  // refused changes record nothing
}

TEST_F(OrgsTest, APlainMemberGets403NamingTheMissingPermission) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::member);
  add_member(org, linus, domain::OrgRole::admin);

  auto read = as(grace, "GET", org_path(org));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["role"], "member");
  auto rename = as(grace, "PATCH", org_path(org), {{"name", "Mine"}});
  EXPECT_EQ(rename.status, 403);
  EXPECT_EQ(rename.json()["error"]["code"], "permission_denied");
  EXPECT_EQ(error_message(rename), "missing permission: rename_org (owner or admin)");
  auto remove = as(grace, "DELETE", org_path(org), {{"confirm_name", "Bikes"}});
  EXPECT_EQ(remove.status, 403);
  EXPECT_EQ(error_message(remove), "missing permission: delete_org (owner only)");
  auto kick = as(grace, "DELETE", member_path(org, linus));
  EXPECT_EQ(kick.status, 403);
  EXPECT_EQ(error_message(kick), "missing permission: remove_member (owner or admin)");
  auto promote = as(grace, "PATCH", member_path(org, grace), {{"role", "admin"}});
  EXPECT_EQ(promote.status, 403);
  EXPECT_EQ(error_message(promote), "missing permission: change_member_role (owner or admin)");

  // An admin renames, but neither deletes nor transfers.
  EXPECT_EQ(as(linus, "PATCH", org_path(org), {{"name", "Bikes Ltd"}}).status, 200);
  auto admin_delete = as(linus, "DELETE", org_path(org), {{"confirm_name", "Bikes Ltd"}});
  EXPECT_EQ(admin_delete.status, 403);
  EXPECT_EQ(error_message(admin_delete), "missing permission: delete_org (owner only)");
  auto admin_transfer =
      as(linus, "POST", org_path(org) + "/transfer-ownership", {{"user_id", linus.id}});
  EXPECT_EQ(admin_transfer.status, 403);
  EXPECT_EQ(error_message(admin_transfer), "missing permission: transfer_ownership (owner only)");
  EXPECT_EQ(as(ada, "GET", org_path(org)).json()["name"], "Bikes Ltd");
}

TEST_F(OrgsTest, TransferOwnershipToAMember) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::member);
  const auto transfer = org_path(org) + "/transfer-ownership";

  auto not_member = as(ada, "POST", transfer, {{"user_id", linus.id}});
  EXPECT_EQ(not_member.status, 422);
  EXPECT_EQ(not_member.json()["error"]["details"][0]["field"], "user_id");
  EXPECT_EQ(as(ada, "POST", transfer, {{"user_id", ada.id}}).status, 422);
  EXPECT_EQ(as(ada, "POST", transfer, {{"user_id", "2"}}).status, 422);
  EXPECT_EQ(as(ada, "POST", transfer, nlohmann::json::object()).status, 422);

  auto done = as(ada, "POST", transfer, {{"user_id", grace.id}});
  ASSERT_EQ(done.status, 204) << done.body;
  EXPECT_EQ(as(grace, "GET", org_path(org)).json()["role"], "owner");
  EXPECT_EQ(as(ada, "GET", org_path(org)).json()["role"], "admin");
  auto again = as(ada, "POST", transfer, {{"user_id", ada.id}});
  EXPECT_EQ(again.status, 403);

  auto events = audit_of(org);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event.action, "org.ownership_transferred");
  EXPECT_EQ(events.back().event.target, "user:" + std::to_string(grace.id));
  EXPECT_EQ(events.back().event.request_id, done.header("x-request-id"));
}

TEST_F(OrgsTest, AUserOfAnotherOrganizationGets404AndNoDataOnEveryRoute) {
  auto ada = sign_up("ada@example.com");
  auto eve = sign_up("eve@example.com");
  auto org = create_org(ada, "Secret Bikes");
  create_org(eve, "Eve Corp");
  const std::string missing = org_path(org + 1000);
  struct Call {
    std::string method;
    std::string suffix;
    nlohmann::json body;
  };
  const std::vector<Call> calls = {
      {"GET", "", nullptr},
      {"PATCH", "", {{"name", "Taken"}}},
      {"DELETE", "", {{"confirm_name", "Secret Bikes"}}},
      {"POST", "/transfer-ownership", {{"user_id", ada.id}}},
      {"GET", "/members", nullptr},
      {"PATCH", "/members/" + std::to_string(ada.id), {{"role", "member"}}},
      {"DELETE", "/members/" + std::to_string(ada.id), nullptr},
      {"PUT", "/logo", {{"not", "an image"}}},
      {"GET", "/logo", nullptr},
      {"DELETE", "/logo", nullptr},
      {"GET", "/audit", nullptr},
      {"GET", "/audit?format=csv&action=member.*", nullptr},
  };
  for (const auto& call : calls) {
    auto response = as(eve, call.method, org_path(org) + call.suffix, call.body);
    EXPECT_EQ(response.status, 404) << call.method << " " << call.suffix << ": " << response.body;
    EXPECT_EQ(response.json()["error"]["code"], "not_found");
    EXPECT_EQ(response.body.find("Secret"), std::string::npos) << response.body;
    EXPECT_EQ(response.body.find("ada@"), std::string::npos) << response.body;
    // Exactly what an organization that does not exist answers.
    auto nowhere = as(eve, call.method, missing + call.suffix, call.body);
    EXPECT_EQ(nowhere.status, 404);
    EXPECT_EQ(nowhere.body, response.body) << call.method << " " << call.suffix;
  }
  auto listed = as(eve, "GET", "/api/v1/orgs");
  ASSERT_EQ(listed.json()["organizations"].size(), 1u);
  EXPECT_EQ(listed.json()["organizations"][0]["name"], "Eve Corp");
  EXPECT_EQ(as(eve, "GET", "/api/v1/orgs/not-a-number").status, 404);
  // Nothing changed.
  auto read = as(ada, "GET", org_path(org));
  EXPECT_EQ(read.json()["name"], "Secret Bikes");
  EXPECT_EQ(read.json()["role"], "owner");
  EXPECT_EQ(audit_of(org).size(), 1u);
}

TEST_F(OrgsTest, MembersArePagedWithACursor) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::admin);
  add_member(org, linus, domain::OrgRole::member);
  const auto members = org_path(org) + "/members";

  auto first = as(linus, "GET", members + "?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json()["members"].size(), 2u);
  EXPECT_EQ(first.json()["members"][0]["email"], "ada@example.com");
  EXPECT_EQ(first.json()["members"][0]["role"], "owner");
  EXPECT_EQ(first.json()["members"][1]["role"], "admin");
  ASSERT_TRUE(first.json()["next_cursor"].is_string());
  auto rest = as(linus, "GET",
                 members + "?limit=2&cursor=" + first.json()["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.status, 200) << rest.body;
  ASSERT_EQ(rest.json()["members"].size(), 1u);
  EXPECT_EQ(rest.json()["members"][0]["user_id"], linus.id);
  EXPECT_TRUE(rest.json()["next_cursor"].is_null());
  EXPECT_EQ(as(linus, "GET", members).json()["members"].size(), 3u);

  for (const std::string query :
       {"?limit=0", "?limit=201", "?limit=x", "?cursor=abc", "?cursor=-1"}) {
    auto refused = as(linus, "GET", members + query);
    EXPECT_EQ(refused.status, 422) << query;
  }
  EXPECT_EQ(as(linus, "GET", members + "?limit=200").status, 200);
}

TEST_F(OrgsTest, TheLastOwnerCanBeNeitherDemotedNorRemoved) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::admin);

  auto demote = as(ada, "PATCH", member_path(org, ada), {{"role", "admin"}});
  EXPECT_EQ(demote.status, 409) << demote.body;
  EXPECT_EQ(demote.json()["error"]["code"], "conflict");
  EXPECT_NE(error_message(demote).find("at least one owner"), std::string::npos);
  auto leave = as(ada, "DELETE", member_path(org, ada));
  EXPECT_EQ(leave.status, 409) << leave.body;
  EXPECT_NE(error_message(leave).find("at least one owner"), std::string::npos);
  EXPECT_EQ(as(ada, "GET", org_path(org)).json()["role"], "owner");

  // Once there is another owner, the first may go.
  auto promote = as(ada, "PATCH", member_path(org, grace), {{"role", "owner"}});
  ASSERT_EQ(promote.status, 200) << promote.body;
  EXPECT_EQ(promote.json()["role"], "owner");
  EXPECT_EQ(promote.json()["email"], "grace@example.com");
  auto left = as(ada, "DELETE", member_path(org, ada));
  EXPECT_EQ(left.status, 204) << left.body;
  EXPECT_EQ(as(ada, "GET", org_path(org)).status, 404);
  auto events = audit_of(org);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event.action, "member.left");
  EXPECT_EQ(events.back().event.request_id, left.header("x-request-id"));
}

TEST_F(OrgsTest, OnlyOwnersManageTheOwnerRole) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::admin);
  add_member(org, linus, domain::OrgRole::member);

  auto grant = as(grace, "PATCH", member_path(org, linus), {{"role", "owner"}});
  EXPECT_EQ(grant.status, 403);
  EXPECT_EQ(error_message(grant), "missing permission: manage_owners (owner only)");
  auto demote_owner = as(grace, "PATCH", member_path(org, ada), {{"role", "member"}});
  EXPECT_EQ(demote_owner.status, 403);
  auto remove_owner = as(grace, "DELETE", member_path(org, ada));
  EXPECT_EQ(remove_owner.status, 403);
  EXPECT_EQ(error_message(remove_owner), "missing permission: manage_owners (owner only)");

  auto promote = as(grace, "PATCH", member_path(org, linus), {{"role", "admin"}});
  ASSERT_EQ(promote.status, 200) << promote.body;
  EXPECT_EQ(promote.json()["role"], "admin");
  EXPECT_EQ(as(grace, "PATCH", member_path(org, linus), {{"role", "boss"}}).status, 422);
  EXPECT_EQ(as(grace, "PATCH", member_path(org, linus), nlohmann::json::object()).status, 422);
  auto stranger = sign_up("stranger@example.com");
  auto unknown = as(grace, "PATCH", member_path(org, stranger), {{"role", "admin"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["message"], "no such member of this organization");
  EXPECT_EQ(as(grace, "DELETE", member_path(org, stranger)).status, 404);
  EXPECT_EQ(as(grace, "DELETE", org_path(org) + "/members/zero").status, 404);

  auto events = audit_of(org);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event.action, "member.role_changed");
  EXPECT_EQ(nlohmann::json::parse(events.back().event.details_json),
            (nlohmann::json{{"from", "member"}, {"to", "admin"}}));
}

TEST_F(OrgsTest, ARemovedMemberLosesAccessOnTheirNextRequest) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::admin);
  ASSERT_EQ(as(grace, "GET", org_path(org)).status, 200);
  ASSERT_EQ(as(grace, "GET", org_path(org) + "/members").status, 200);

  auto removed = as(ada, "DELETE", member_path(org, grace));
  ASSERT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(as(grace, "GET", org_path(org)).status, 404);
  EXPECT_EQ(as(grace, "GET", org_path(org) + "/members").status, 404);
  EXPECT_EQ(as(grace, "PATCH", org_path(org), {{"name", "Mine"}}).status, 404);
  EXPECT_TRUE(as(grace, "GET", "/api/v1/orgs").json()["organizations"].empty());
  auto events = audit_of(org);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event.action, "member.removed");
  EXPECT_EQ(events.back().event.target, "user:" + std::to_string(grace.id));
}

// Listed pages are kept at the member list's revision (api/http/member_list_cache): every
// change, however it is written, shows on the very next read.
TEST_F(OrgsTest, TheMemberListShowsEveryChangeOnTheNextRead) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  const auto members = org_path(org) + "/members";
  auto listed = [&] {
    auto response = as(ada, "GET", members);
    EXPECT_EQ(response.status, 200) << response.body;
    auto body = response.json();
    std::vector<std::string> rows;
    for (const auto& member : body["members"]) {
      rows.push_back(member["email"].get<std::string>() + " " +
                     member["display_name"].get<std::string>() + " " +
                     member["role"].get<std::string>());
    }
    return rows;
  };
  EXPECT_EQ(listed(), (std::vector<std::string>{"ada@example.com ada@example.com owner"}));
  EXPECT_EQ(listed(), (std::vector<std::string>{"ada@example.com ada@example.com owner"}));

  add_member(org, grace, domain::OrgRole::member);
  EXPECT_EQ(listed(), (std::vector<std::string>{"ada@example.com ada@example.com owner",
                                                "grace@example.com grace@example.com member"}));
  ASSERT_EQ(as(ada, "PATCH", member_path(org, grace), {{"role", "admin"}}).status, 200);
  EXPECT_EQ(listed()[1], "grace@example.com grace@example.com admin");
  {
    auto database = open_database();
    ASSERT_TRUE(database);
    auto renamed = database->transact(storage::TransactionMode::read_write, [&](auto& sql) {
      auto changed =
          sql.execute("UPDATE users SET display_name = 'Grace Hopper' WHERE id = $1", {grace.id});
      return changed.ok() ? core::success() : core::Result<void>(std::move(changed).error());
    });
    ASSERT_TRUE(renamed.ok());
  }
  EXPECT_EQ(listed()[1], "grace@example.com Grace Hopper admin");
  ASSERT_EQ(as(ada, "DELETE", member_path(org, grace)).status, 204);
  EXPECT_EQ(listed(), (std::vector<std::string>{"ada@example.com ada@example.com owner"}));
}

TEST_F(OrgsTest, StateChangesNeedTheCsrfTokenAndEveryRouteASession) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  struct Call {
    std::string method;
    std::string target;
    nlohmann::json body;
  };
  const std::vector<Call> changes = {
      {"POST", "/api/v1/orgs", {{"name", "Another"}}},
      {"PATCH", org_path(org), {{"name", "Renamed"}}},
      {"DELETE", org_path(org), {{"confirm_name", "Bikes"}}},
      {"POST", org_path(org) + "/transfer-ownership", {{"user_id", ada.id}}},
      {"PATCH", member_path(org, ada), {{"role", "admin"}}},
      {"DELETE", member_path(org, ada), nullptr},
      {"PUT", org_path(org) + "/logo", {{"not", "an image"}}},
      {"DELETE", org_path(org) + "/logo", nullptr},
  };
  for (const auto& call : changes) {
    auto refused = as(ada, call.method, call.target, call.body, false);
    EXPECT_EQ(refused.status, 403) << call.method << " " << call.target;
    EXPECT_NE(error_message(refused).find("csrf"), std::string::npos) << refused.body;
  }
  std::vector<Call> all = changes;
  all.push_back({"GET", "/api/v1/orgs", nullptr});
  all.push_back({"GET", org_path(org), nullptr});
  all.push_back({"GET", org_path(org) + "/members", nullptr});
  all.push_back({"GET", org_path(org) + "/logo", nullptr});
  all.push_back({"GET", org_path(org) + "/audit", nullptr});
  for (const auto& call : all) {
    auto anonymous = request(call.method, call.target, call.body.is_null() ? "" : call.body.dump());
    EXPECT_EQ(anonymous.status, 401) << call.method << " " << call.target;
  }
  auto read = as(ada, "GET", org_path(org));
  EXPECT_EQ(read.json()["name"], "Bikes");
  EXPECT_EQ(as(ada, "GET", "/api/v1/orgs").json()["organizations"].size(), 1u);
}

}  // namespace
}  // namespace roost::testing
