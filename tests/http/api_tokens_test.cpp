// Personal API tokens through the real binary: shown once and listed without the secret,
// usable as Bearer in their one organization only (another organization is 404), refused
// for managing credentials (403), and dead at once when revoked, expired, or when their
// owner leaves the organization (401). Bearer requests need no CSRF token.
#include <regex>

#include "../support/api_routes.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

class ApiTokensTest : public OrgScenarioTest {
 protected:
  // A token of `user` for `org`: the secret as the API showed it once.
  std::string make_token(const User& user, std::int64_t org, const std::string& name = "ci") {
    auto created = as(user, "POST", "/api/v1/me/tokens", {{"name", name}, {"org_id", org}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.json()["token"].get<std::string>() : std::string{};
  }

  HttpResponse bearer(const std::string& token, const std::string& method,
                      const std::string& target, const nlohmann::json& body = nullptr) {
    return request(method, target, body.is_null() ? std::string{} : body.dump(),
                   {{"Authorization", "Bearer " + token}});
  }

  void run_sql(const std::string& sql) {
    auto database = open_database();
    ASSERT_TRUE(database);
    auto done = database->transact(storage::TransactionMode::read_write,
                                   [&](storage::Transaction& transaction) {
                                     auto changed = transaction.execute(sql);
                                     if (!changed) return core::Result<void>(changed.error());
                                     return core::success();
                                   });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::vector<std::string> audit_actions(std::int64_t org) {
    std::vector<std::string> actions;
    for (const auto& record : audit_of(org)) actions.push_back(record.event.action);
    return actions;
  }
};

TEST_F(ApiTokensTest, ShownOnceListedWithoutTheSecretAndRevoked) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto created = as(ada, "POST", "/api/v1/me/tokens",
                    {{"name", " deploy bot "}, {"org_id", org}, {"expires_in_days", 30}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("cache-control"), "no-store");
  auto body = created.json();
  const std::string token = body["token"];
  EXPECT_TRUE(token.starts_with("roost_pat_"));
  EXPECT_GE(token.size(), std::string("roost_pat_").size() + 43);  // 256 bits in base64url
  EXPECT_EQ(body["name"], "deploy bot");
  EXPECT_EQ(body["org_id"], org);
  EXPECT_TRUE(token.starts_with(body["prefix"].get<std::string>()));
  EXPECT_FALSE(body["expires_at"].is_null());

  auto listed = as(ada, "GET", "/api/v1/me/tokens");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["tokens"].size(), 1u);
  auto item = listed.json()["tokens"][0];
  EXPECT_FALSE(item.contains("token"));
  EXPECT_EQ(listed.body.find(token), std::string::npos);
  EXPECT_EQ(item["prefix"], body["prefix"]);
  EXPECT_TRUE(item["last_used_at"].is_null());

  auto shown = bearer(token, "GET", org_path(org));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()["name"], "Bikes");
  EXPECT_FALSE(as(ada, "GET", "/api/v1/me/tokens").json()["tokens"][0]["last_used_at"].is_null());

  auto id = body["id"].get<std::int64_t>();
  EXPECT_EQ(as(ada, "DELETE", "/api/v1/me/tokens/" + std::to_string(id)).status, 204);
  auto after = bearer(token, "GET", org_path(org));
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_TRUE(as(ada, "GET", "/api/v1/me/tokens").json()["tokens"].empty());
  EXPECT_EQ(as(ada, "DELETE", "/api/v1/me/tokens/" + std::to_string(id)).status, 404);
  EXPECT_EQ(audit_actions(org),
            (std::vector<std::string>{"org.created", "api_token.created", "api_token.revoked"}));
}

TEST_F(ApiTokensTest, ActsInItsOneOrganizationWithoutCsrf) {
  auto ada = sign_up("ada@example.com");
  auto bikes = create_org(ada, "Bikes");
  auto boats = create_org(ada, "Boats");
  auto token = make_token(ada, bikes);

  // Ada owns Boats, but her token knows only Bikes.
  auto other = bearer(token, "GET", org_path(boats));
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(bearer(token, "GET", org_path(boats) + "/members").status, 404);
  EXPECT_EQ(bearer(token, "PATCH", org_path(boats), {{"name", "Ships"}}).status, 404);
  auto listed = bearer(token, "GET", "/api/v1/orgs");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["organizations"].size(), 1u);
  EXPECT_EQ(listed.json()["organizations"][0]["id"], bikes);

  // A state change with a Bearer token and no X-CSRF-Token.
  auto renamed = bearer(token, "PATCH", org_path(bikes), {{"name", "Cycles"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["name"], "Cycles");
  auto me = bearer(token, "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["email"], "ada@example.com");
}

TEST_F(ApiTokensTest, CannotManageCredentials) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto token = make_token(ada, org);
  const std::vector<std::pair<std::string, std::string>> routes{
      {"GET", "/api/v1/sessions"},
      {"GET", "/api/v1/sessions/current"},
      {"DELETE", "/api/v1/sessions/current"},
      {"DELETE", "/api/v1/sessions/abc"},
      {"GET", "/api/v1/me/tokens"},
      {"DELETE", "/api/v1/me/tokens/1"}};
  for (const auto& [method, path] : routes) {
    auto refused = bearer(token, method, path);
    EXPECT_EQ(refused.status, 403) << method << " " << path << " " << refused.body;
    EXPECT_NE(error_message(refused).find("manage_credentials"), std::string::npos);
  }
  auto minted = bearer(token, "POST", "/api/v1/me/tokens", {{"name", "more"}, {"org_id", org}});
  EXPECT_EQ(minted.status, 403) << minted.body;
  auto changed = bearer(token, "PUT", "/api/v1/me/password",
                        {{"current_password", password}, {"new_password", "another long one"}});
  EXPECT_EQ(changed.status, 403) << changed.body;
  EXPECT_EQ(as(ada, "GET", "/api/v1/me/tokens").json()["tokens"].size(), 1u);
}

// Every route that needs a login session, taken from the graph serve builds: a token is
// refused before anything is read or written, naming why.
TEST_F(ApiTokensTest, EveryLoginSessionRouteRefusesAToken) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto token = make_token(ada, org);
  int swept = 0;
  for (const auto& route : api_routes()) {
    const bool credentials = route.auth == api::http::AuthRequirement::session;
    if (!credentials && route.auth != api::http::AuthRequirement::user_session) continue;
    const std::string path = std::regex_replace(route.pattern, std::regex(R"(\{[a-z_]+\})"), "1");
    auto refused = bearer(token, route.method, path, nlohmann::json::object());
    ++swept;
    EXPECT_EQ(refused.status, 403) << route.method << " " << path << " " << refused.body;
    EXPECT_TRUE(error_message(refused).starts_with(
        credentials ? "missing permission: manage_credentials" : "missing permission: act_as_user"))
        << route.method << " " << path << " " << refused.body;
  }
  EXPECT_GE(swept, 18);
  // Nothing was created: still one organization, one token.
  EXPECT_EQ(as(ada, "GET", "/api/v1/orgs").json()["organizations"].size(), 1u);
  EXPECT_EQ(as(ada, "GET", "/api/v1/me/tokens").json()["tokens"].size(), 1u);
}

TEST_F(ApiTokensTest, BadCredentialsAre401WithAClearMessage) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto basic = request("GET", org_path(org), {}, {{"Authorization", "Basic YWRhOnB3"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_NE(error_message(basic).find("malformed Authorization header"), std::string::npos);
  EXPECT_EQ(basic.json()["error"]["details"][0]["field"], "Authorization");
  auto empty = request("GET", org_path(org), {}, {{"Authorization", "Bearer "}});
  EXPECT_EQ(empty.status, 401);
  auto foreign = bearer("ghp_0123456789abcdef", "GET", org_path(org));
  EXPECT_EQ(foreign.status, 401);
  EXPECT_NE(error_message(foreign).find("not a Roost API token"), std::string::npos);
  auto unknown = bearer("roost_pat_" + std::string(43, 'A'), "GET", org_path(org));
  EXPECT_EQ(unknown.status, 401);
  // The Bearer header wins over a valid cookie: its failure is not hidden by the session.
  auto both =
      request("GET", org_path(org), {},
              {{"Authorization", "Bearer nope!"}, {"Cookie", "roost_session=" + ada.token}});
  EXPECT_EQ(both.status, 401);
}

// Behind a reverse proxy with Basic authentication the browser sends both: the proxy's
// header is not Roost's business, and the session cookie decides.
TEST_F(ApiTokensTest, AnotherSchemeBesideASessionCookieLeavesTheCookieInCharge) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto behind_proxy =
      request("GET", org_path(org), {},
              {{"Authorization", "Basic YWRhOnB3"}, {"Cookie", "roost_session=" + ada.token}});
  EXPECT_EQ(behind_proxy.status, 200) << behind_proxy.body;
  auto bad_cookie =
      request("GET", org_path(org), {},
              {{"Authorization", "Basic YWRhOnB3"}, {"Cookie", "roost_session=nope"}});
  EXPECT_EQ(bad_cookie.status, 401);
}

TEST_F(ApiTokensTest, CreationIsValidatedAndNeedsMembership) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  auto graces = create_org(grace, "Grace's");
  auto outsider = as(ada, "POST", "/api/v1/me/tokens", {{"name", "x"}, {"org_id", graces}});
  EXPECT_EQ(outsider.status, 404) << outsider.body;
  EXPECT_EQ(as(ada, "POST", "/api/v1/me/tokens", {{"name", "x"}, {"org_id", 999999}}).status, 404);
  auto unnamed = as(ada, "POST", "/api/v1/me/tokens", {{"name", "  "}, {"org_id", org}});
  EXPECT_EQ(unnamed.status, 422);
  EXPECT_EQ(unnamed.json()["error"]["details"][0]["field"], "name");
  auto forever = as(ada, "POST", "/api/v1/me/tokens",
                    {{"name", "x"}, {"org_id", org}, {"expires_in_days", 0}});
  EXPECT_EQ(forever.status, 422);
  EXPECT_EQ(forever.json()["error"]["details"][0]["field"], "expires_in_days");
  auto untyped = as(ada, "POST", "/api/v1/me/tokens", {{"name", 5}, {"org_id", "1"}});
  EXPECT_EQ(untyped.status, 422);
  EXPECT_EQ(untyped.json()["error"]["details"].size(), 2u);
  // Without the CSRF token, a cookie session cannot mint a token.
  EXPECT_EQ(as(ada, "POST", "/api/v1/me/tokens", {{"name", "x"}, {"org_id", org}}, false).status,
            403);
  EXPECT_TRUE(as(ada, "GET", "/api/v1/me/tokens").json()["tokens"].empty());
}

TEST_F(ApiTokensTest, AnotherUsersTokenCannotBeRevoked) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::member);
  auto created = as(grace, "POST", "/api/v1/me/tokens", {{"name", "g"}, {"org_id", org}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto path = "/api/v1/me/tokens/" + std::to_string(created.json()["id"].get<std::int64_t>());
  EXPECT_EQ(as(ada, "DELETE", path).status, 404);
  EXPECT_TRUE(as(ada, "GET", "/api/v1/me/tokens").json()["tokens"].empty());
  EXPECT_EQ(bearer(created.json()["token"], "GET", org_path(org)).status, 200);
}

TEST_F(ApiTokensTest, ExpiredTokenIsRefused) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto created = as(ada, "POST", "/api/v1/me/tokens",
                    {{"name", "short"}, {"org_id", org}, {"expires_in_days", 1}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = created.json()["token"];
  EXPECT_EQ(bearer(token, "GET", org_path(org)).status, 200);
  run_sql("UPDATE api_tokens SET expires_at_ms = 1");  // as if the day had passed
  EXPECT_EQ(bearer(token, "GET", org_path(org)).status, 401);
  auto listed = as(ada, "GET", "/api/v1/me/tokens");
  ASSERT_EQ(listed.json()["tokens"].size(), 1u);
  EXPECT_EQ(listed.json()["tokens"][0]["expired"], true);
}

TEST_F(ApiTokensTest, RemovedMembersTokenStopsAtOnce) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  add_member(org, grace, domain::OrgRole::admin);
  auto token = make_token(grace, org);
  EXPECT_EQ(bearer(token, "GET", org_path(org) + "/members").status, 200);
  EXPECT_EQ(as(ada, "DELETE", member_path(org, grace)).status, 204);
  auto after = bearer(token, "GET", org_path(org));
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_NE(error_message(after).find("no longer a member"), std::string::npos);
}

}  // namespace
}  // namespace roost::testing
