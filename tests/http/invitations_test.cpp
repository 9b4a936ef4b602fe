// Invitations and the member import through the real binary: invite, preview, accept,
// decline, revoke, regenerate the link, expiry (410), the seat limit, every denial (403
// for a plain member, 404 for another organization's users), and the CSV import's dry
// run and all-or-nothing apply.
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

constexpr std::int64_t week_ms = 7LL * 24 * 60 * 60 * 1000;

class InvitationsTest : public OrgScenarioTest {
 protected:
  static std::string invitations_path(std::int64_t org) { return org_path(org) + "/invitations"; }
  static std::string imports_path(std::int64_t org, bool dry_run) {
    return org_path(org) + "/member-imports?dry_run=" + (dry_run ? "true" : "false");
  }
  static std::string token_of(const HttpResponse& created) {
    std::string url = created.json()["invite_url"];
    return url.substr(url.rfind('/') + 1);
  }

  HttpResponse invite(const User& admin, std::int64_t org, const std::string& email,
                      const std::string& role = "member", nlohmann::json teams = nullptr) {
    nlohmann::json body = {{"email", email}, {"role", role}};
    if (!teams.is_null()) body["teams"] = teams;
    return as(admin, "POST", invitations_path(org), body);
  }

  HttpResponse import_csv(const User& user, std::int64_t org, const std::string& csv, bool dry_run,
                          const std::string& content_type = "text/csv") {
    return http_request(server_.port(), "POST", imports_path(org, dry_run), csv,
                        {{"Cookie", "roost_session=" + user.token},
                         {"X-CSRF-Token", user.csrf},
                         {"Content-Type", content_type}});
  }

  std::int64_t count(const std::string& sql) {
    auto database = open_database();
    std::int64_t value = -1;
    if (!database) return value;
    auto done = database->transact(storage::TransactionMode::read_only,
                                   [&](storage::Transaction& transaction) {
                                     auto row = transaction.query_one(sql);
                                     if (!row) return core::Result<void>(std::move(row).error());
                                     value = (*row)->integer(0);
                                     return core::success();
                                   });
    EXPECT_TRUE(done.ok());
    return value;
  }

  void execute(const std::string& sql) {
    auto database = open_database();
    ASSERT_TRUE(database);
    auto done = database->transact(storage::TransactionMode::read_write,
                                   [&](storage::Transaction& transaction) {
                                     auto changed = transaction.execute(sql);
                                     if (!changed) {
                                       return core::Result<void>(std::move(changed).error());
                                     }
                                     return core::success();
                                   });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::vector<std::string> audit_actions(std::int64_t org) {
    std::vector<std::string> actions;
    for (const auto& record : audit_of(org)) actions.push_back(record.event.action);
    return actions;
  }

  // The member's role as the member list shows it; empty when not a member.
  std::string role_of(const User& viewer, std::int64_t org, const User& user) {
    auto listed = as(viewer, "GET", org_path(org) + "/members");
    EXPECT_EQ(listed.status, 200) << listed.body;
    if (listed.status != 200) return {};
    auto body = listed.json();
    for (const auto& member : body["members"]) {
      if (member["user_id"] == user.id) return member["role"];
    }
    return {};
  }

  static std::string error_code(const HttpResponse& response) {
    return response.json()["error"]["code"];
  }
};

TEST_F(InvitationsTest, InviteNotifyPreviewAndAcceptWithTeams) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");
  auto team = as(ada, "POST", org_path(org) + "/teams", {{"name", "Web"}});
  ASSERT_EQ(team.status, 201) << team.body;
  auto team_id = team.json()["id"].get<std::int64_t>();

  auto created = invite(ada, org, "Grace@Example.com", "admin", {team_id});
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = created.json();
  EXPECT_EQ(body["status"], "pending");
  EXPECT_EQ(body["role"], "admin");
  EXPECT_EQ(body["org_name"], "Bikes");
  EXPECT_EQ(body["teams"][0]["name"], "Web");
  EXPECT_NE(body["invite_url"].get<std::string>().find("/invitations/"), std::string::npos);
  // Started on --listen 127.0.0.1:0: the link names the port actually bound, not 0.
  EXPECT_TRUE(body["invite_url"].get<std::string>().starts_with(
      "http://127.0.0.1:" + std::to_string(server_.port()) + "/invitations/"))
      << body["invite_url"];
  EXPECT_EQ(created.header("location"),
            invitations_path(org) + "/" + std::to_string(body["id"].get<std::int64_t>()));
  // Seven days, as stored; the token itself is not stored, only its hash.
  EXPECT_EQ(count("SELECT expires_at_ms - created_at_ms FROM invitations"), week_ms);
  const auto token = token_of(created);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations WHERE token_hash = '" + token + "'"), 0);
  // Grace has an account: an in-app notification; no SMTP configured: no mail queued.
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation.received' AND "
                  "user_id = " +
                  std::to_string(grace.id)),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);

  auto mine = as(grace, "GET", "/api/v1/me/invitations");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json()["invitations"].size(), 1u);
  EXPECT_EQ(mine.json()["invitations"][0]["org_name"], "Bikes");
  EXPECT_TRUE(as(linus, "GET", "/api/v1/me/invitations").json()["invitations"].empty());

  auto preview = request("GET", "/api/v1/invitations/" + token);  // no session needed
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.json()["org_name"], "Bikes");
  EXPECT_EQ(preview.json()["invited_by"], "ada@example.com");
  EXPECT_EQ(preview.json()["status"], "pending");
  EXPECT_EQ(request("GET", "/api/v1/invitations/not-a-token").status, 404);

  // Someone else's invitation: 403 through the link, 404 by id; anonymous: 401.
  auto stolen = as(linus, "POST", "/api/v1/invitations/" + token + "/accept");
  ASSERT_EQ(stolen.status, 403) << stolen.body;
  EXPECT_NE(error_message(stolen).find("another address"), std::string::npos);
  auto invitation_id = body["id"].get<std::int64_t>();
  EXPECT_EQ(as(linus, "POST", "/api/v1/me/invitations/" + std::to_string(invitation_id) + "/accept")
                .status,
            404);
  EXPECT_EQ(request("POST", "/api/v1/invitations/" + token + "/accept").status, 401);

  auto accepted = as(grace, "POST", "/api/v1/invitations/" + token + "/accept");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json()["status"], "accepted");
  EXPECT_EQ(role_of(ada, org, grace), "admin");
  auto shown = as(grace, "GET", org_path(org) + "/teams/" + std::to_string(team_id));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()["members"][0]["user_id"], grace.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation.accepted' AND "
                  "user_id = " +
                  std::to_string(ada.id)),
            1);
  EXPECT_EQ(as(grace, "POST", "/api/v1/invitations/" + token + "/accept").status, 409);
  // Now a member: inviting the address again is a conflict.
  EXPECT_EQ(invite(ada, org, "grace@example.com").status, 409);
  auto actions = audit_actions(org);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "invitation.created"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "invitation.accepted"), 1);
}

TEST_F(InvitationsTest, DeclineRevokeAndRegenerateTheLink) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Bikes");

  auto to_grace = invite(ada, org, "grace@example.com");
  ASSERT_EQ(to_grace.status, 201) << to_grace.body;
  EXPECT_EQ(invite(ada, org, "grace@example.com").status, 409);  // already pending
  auto grace_id = std::to_string(to_grace.json()["id"].get<std::int64_t>());
  auto declined = as(grace, "POST", "/api/v1/me/invitations/" + grace_id + "/decline");
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.json()["status"], "declined");
  EXPECT_EQ(as(grace, "POST", "/api/v1/me/invitations/" + grace_id + "/accept").status, 409);
  EXPECT_EQ(role_of(ada, org, grace), "");

  auto to_linus = invite(ada, org, "linus@example.com");
  ASSERT_EQ(to_linus.status, 201);
  auto linus_path =
      invitations_path(org) + "/" + std::to_string(to_linus.json()["id"].get<std::int64_t>());
  auto old_token = token_of(to_linus);
  auto relinked = as(ada, "POST", linus_path + "/link");
  ASSERT_EQ(relinked.status, 200) << relinked.body;
  auto new_token = token_of(relinked);
  EXPECT_NE(new_token, old_token);
  EXPECT_EQ(request("GET", "/api/v1/invitations/" + old_token).status, 404);
  EXPECT_EQ(request("GET", "/api/v1/invitations/" + new_token).status, 200);

  EXPECT_EQ(as(ada, "DELETE", linus_path).status, 204);
  EXPECT_EQ(as(ada, "DELETE", linus_path).status, 409);
  EXPECT_EQ(as(linus, "POST", "/api/v1/invitations/" + new_token + "/accept").status, 409);
  EXPECT_EQ(request("GET", "/api/v1/invitations/" + new_token).json()["status"], "revoked");

  auto listed = as(ada, "GET", invitations_path(org));
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto items = listed.json()["invitations"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["status"], "revoked");  // newest first
  EXPECT_EQ(items[1]["status"], "declined");
}

TEST_F(InvitationsTest, AnExpiredInvitationIsGone) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  auto created = invite(ada, org, "grace@example.com");
  ASSERT_EQ(created.status, 201);
  auto token = token_of(created);
  // Seven days later (the clock of the binary is real: the test moves the expiry instead).
  execute("UPDATE invitations SET expires_at_ms = 1");
  EXPECT_EQ(request("GET", "/api/v1/invitations/" + token).json()["status"], "expired");
  auto accepted = as(grace, "POST", "/api/v1/invitations/" + token + "/accept");
  ASSERT_EQ(accepted.status, 410) << accepted.body;
  EXPECT_EQ(error_code(accepted), "invitation_expired");
  EXPECT_EQ(as(ada, "POST",
               invitations_path(org) + "/" +
                   std::to_string(created.json()["id"].get<std::int64_t>()) + "/link")
                .status,
            410);
  EXPECT_TRUE(as(grace, "GET", "/api/v1/me/invitations").json()["invitations"].empty());
  EXPECT_EQ(role_of(ada, org, grace), "");
  // The address can be invited again; the expired invitation no longer holds a seat.
  EXPECT_EQ(invite(ada, org, "grace@example.com").status, 201);
}

TEST_F(InvitationsTest, TheSeatLimitCountsMembersAndPendingInvitations) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  execute("UPDATE organizations SET seat_limit = 2");
  ASSERT_EQ(invite(ada, org, "one@example.com").status, 201);
  auto full = invite(ada, org, "two@example.com");
  ASSERT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(error_code(full), "seat_limit_reached");
  EXPECT_NE(error_message(full).find("2 seats"), std::string::npos);
  auto csv = import_csv(ada, org, "email\nthree@example.com\n", false);
  EXPECT_EQ(csv.status, 409) << csv.body;
  auto dry = import_csv(ada, org, "email\nthree@example.com\n", true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_FALSE(dry.json()["seat_limit_error"].is_null());
}

TEST_F(InvitationsTest, PlainMembersAreDeniedAndOutsidersSeeNothing) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto eve = sign_up("eve@example.com");
  auto org = create_org(ada, "Bikes");
  auto other = create_org(eve, "Evil");
  add_member(org, grace, domain::OrgRole::member);
  auto created = invite(ada, org, "new@example.com");
  ASSERT_EQ(created.status, 201);
  auto one = invitations_path(org) + "/" + std::to_string(created.json()["id"].get<std::int64_t>());

  auto denied = invite(grace, org, "x@example.com");
  ASSERT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(error_message(denied), "missing permission: invite_member (owner or admin)");
  EXPECT_EQ(as(grace, "GET", invitations_path(org)).status, 403);
  EXPECT_EQ(as(grace, "DELETE", one).status, 403);
  EXPECT_EQ(as(grace, "POST", one + "/link").status, 403);
  EXPECT_EQ(import_csv(grace, org, "email\nx@example.com\n", true).status, 403);

  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", invitations_path(org)}, {"DELETE", one}, {"POST", one + "/link"}}) {
    auto response = as(eve, method, target);
    EXPECT_EQ(response.status, 404) << method << " " << target << " " << response.body;
  }
  EXPECT_EQ(invite(eve, org, "x@example.com").status, 404);
  EXPECT_EQ(import_csv(eve, org, "email\nx@example.com\n", true).status, 404);
  // Whatever the body: an outsider 404, a plain member 403, before the body's 415.
  EXPECT_EQ(import_csv(eve, org, "{}", true, "application/json").status, 404);
  EXPECT_EQ(import_csv(grace, org, "{}", true, "application/json").status, 403);
  // Another organization's invitation through one's own organization's path.
  auto via_own =
      invitations_path(other) + "/" + std::to_string(created.json()["id"].get<std::int64_t>());
  EXPECT_EQ(as(eve, "DELETE", via_own).status, 404);
  EXPECT_EQ(as(eve, "POST", via_own + "/link").status, 404);

  EXPECT_EQ(invite(ada, org, "x@example.com", "owner").status, 422);
  EXPECT_EQ(invite(ada, org, "not an address").status, 422);
  auto foreign_team = as(eve, "POST", org_path(other) + "/teams", {{"name", "Theirs"}});
  ASSERT_EQ(foreign_team.status, 201);
  EXPECT_EQ(invite(ada, org, "x@example.com", "member", {foreign_team.json()["id"]}).status, 422);
}

TEST_F(InvitationsTest, ImportDryRunThenApply) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  const std::string csv =
      "\xEF\xBB\xBF"
      "Email,Full_Name,job_title,organization_role,teams\r\n"
      "grace@example.com,\"Hopper, Grace\",Admiral,admin,\"Web;Apps\"\r\n"
      "new@example.com,,,,Web\r\n"
      "third@example.com,\"Said \"\"hi\"\"\",,member,\r\n";
  auto dry = import_csv(ada, org, csv, true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  auto report = dry.json();
  EXPECT_EQ(report["rows_ok"], 3);
  EXPECT_EQ(report["rows"][0]["line"], 2);
  EXPECT_EQ(report["rows"][0]["status"], "ok");
  EXPECT_EQ(report["teams_created"], (nlohmann::json{"Web", "Apps"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 0);

  auto applied = import_csv(ada, org, csv, false);
  ASSERT_EQ(applied.status, 201) << applied.body;
  EXPECT_TRUE(applied.json()["applied"].get<bool>());
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation.received'"), 1);
  auto token = applied.json()["rows"][0]["invite_url"].get<std::string>();
  token = token.substr(token.rfind('/') + 1);
  auto accepted = as(grace, "POST", "/api/v1/invitations/" + token + "/accept");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json()["job_title"], "Admiral");
  EXPECT_EQ(accepted.json()["teams"].size(), 2u);
  EXPECT_EQ(role_of(ada, org, grace), "admin");
}

TEST_F(InvitationsTest, ImportWithOneBrokenRowImportsNothing) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  ASSERT_EQ(invite(ada, org, "pending@example.com").status, 201);
  const std::string csv =
      "email,organization_role,teams\n"
      "fine@example.com,member,New team\n"
      "broken-address,member,\n"
      "pending@example.com,,\n"
      "ada@example.com,,\n";
  auto applied = import_csv(ada, org, csv, false);
  ASSERT_EQ(applied.status, 422) << applied.body;
  auto details = applied.json()["error"]["details"];
  ASSERT_EQ(details.size(), 3u) << applied.body;
  EXPECT_EQ(details[0]["line"], 3);
  EXPECT_EQ(details[0]["column"], 1);
  EXPECT_EQ(details[0]["field"], "email");
  EXPECT_EQ(details[1]["line"], 4);
  EXPECT_EQ(details[2]["line"], 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 1);  // the one from before
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 0);

  auto dry = import_csv(ada, org, csv, true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  auto rows = dry.json()["rows"];
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["status"], "ok");
  for (int i = 1; i < 4; ++i) EXPECT_EQ(rows[i]["status"], "error") << rows[i];
  EXPECT_EQ(rows[3]["errors"][0]["message"], "is already a member of the organization");
}

TEST_F(InvitationsTest, ImportRefusesWholeFiles) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  execute("UPDATE organizations SET seat_limit = 1000");
  std::string rows_501 = "email\n";
  for (int i = 0; i < 501; ++i) rows_501 += "user" + std::to_string(i) + "@example.com\n";
  for (bool dry_run : {true, false}) {
    auto too_many = import_csv(ada, org, rows_501, dry_run);
    ASSERT_EQ(too_many.status, 422) << too_many.body;
    EXPECT_NE(error_message(too_many).find("501 rows; at most 500"), std::string::npos);
  }
  auto no_email = import_csv(ada, org, "full_name\nAda\n", false);
  ASSERT_EQ(no_email.status, 422);
  EXPECT_EQ(error_message(no_email), "the header has no email column");
  auto bad_utf8 = import_csv(ada, org, "email\nok@example.com\n\xC3\x28@example.com\n", false);
  ASSERT_EQ(bad_utf8.status, 422);
  EXPECT_EQ(bad_utf8.json()["error"]["details"][0]["line"], 3);
  EXPECT_EQ(bad_utf8.json()["error"]["details"][0]["column"], 1);
  auto unterminated = import_csv(ada, org, "email\n\"open@example.com\n", false);
  ASSERT_EQ(unterminated.status, 422);
  EXPECT_EQ(unterminated.json()["error"]["details"][0]["line"], 2);
  EXPECT_EQ(import_csv(ada, org, "email\na@example.com\n", true, "application/json").status, 415);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 0);
  // Exactly 500 rows is fine.
  rows_501.resize(rows_501.rfind("user500"));
  auto five_hundred = import_csv(ada, org, rows_501, false);
  EXPECT_EQ(five_hundred.status, 201) << five_hundred.body.substr(0, 300);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 500);
}

}  // namespace
}  // namespace roost::testing
