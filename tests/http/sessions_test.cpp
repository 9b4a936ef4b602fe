// Login, sessions, CSRF, password change and login throttling through the real binary.
// Every login costs an argon2id verification (~50-100 ms): tests log in sparingly.
#include <gtest/gtest.h>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"

namespace roost::testing {
namespace {

constexpr std::string_view ada_email = "ada@example.com";
constexpr std::string_view ada_password = "analytical engine";

struct Login {
  std::string token;
  std::string csrf;
  std::string session_id;
};

class SessionsTest : public ::testing::Test {
 protected:
  explicit SessionsTest(std::vector<std::string> arguments = {}) : server_(std::move(arguments)) {}

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {},
                       std::map<std::string, std::string> headers = {}) {
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return http_request(server_.port(), method, target, body, headers);
  }

  // A request with the session cookie, and the CSRF header when `csrf` is not empty.
  HttpResponse as(const Login& login, const std::string& method, const std::string& target,
                  const std::string& csrf, const std::string& body = {}) {
    std::map<std::string, std::string> headers = {{"Cookie", "roost_session=" + login.token}};
    if (!csrf.empty()) headers["X-CSRF-Token"] = csrf;
    return request(method, target, body, headers);
  }
  HttpResponse as(const Login& login, const std::string& method, const std::string& target) {
    return as(login, method, target, login.csrf);
  }

  void sign_up(std::string_view email, std::string_view password = ada_password) {
    auto response = request(
        "POST", "/api/v1/accounts",
        nlohmann::json{{"email", email}, {"display_name", "Someone"}, {"password", password}}
            .dump());
    ASSERT_EQ(response.status, 201) << response.body;
  }

  HttpResponse post_login(std::string_view email, std::string_view password,
                          std::map<std::string, std::string> headers = {}) {
    return request("POST", "/api/v1/sessions",
                   nlohmann::json{{"email", email}, {"password", password}}.dump(), headers);
  }

  static std::string cookie_token(const HttpResponse& response) {
    auto cookie = response.header("set-cookie");
    const std::string prefix = "roost_session=";
    if (!cookie.starts_with(prefix)) return {};
    return cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
  }

  Login log_in(std::string_view email = ada_email, std::string_view password = ada_password) {
    auto response = post_login(email, password, {{"User-Agent", "sessions-test/1.0"}});
    EXPECT_EQ(response.status, 201) << response.body;
    if (response.status != 201) return {};
    auto body = response.json();
    return {cookie_token(response), body["csrf_token"], body["session"]["id"]};
  }

  RoostServer server_;
};

TEST_F(SessionsTest, LoginSetsAnHttpOnlyCookieAndReturnsTheSession) {
  sign_up(ada_email);
  // Without --trust-proxy, X-Forwarded-Proto is any client's claim: no Secure from it.
  auto response = post_login("ADA@example.com", ada_password, {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(response.status, 201) << response.body;
  auto cookie = response.header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("roost_session=")) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  auto token = cookie_token(response);
  EXPECT_EQ(token.size(), 43u);  // 32 random bytes, base64url
  auto body = response.json();
  EXPECT_FALSE(body["session"]["id"].get<std::string>().empty());
  EXPECT_TRUE(body["session"]["created_at"].get<std::string>().ends_with("Z"));
  EXPECT_TRUE(body["session"]["expires_at"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(body["session"]["current"], true);
  EXPECT_EQ(body["user"]["email"], "ada@example.com");
  EXPECT_EQ(body["user"]["display_name"], "Someone");
  EXPECT_EQ(body["csrf_token"].get<std::string>().size(), 43u);
  EXPECT_EQ(response.body.find(token), std::string::npos);

  Login login{token, body["csrf_token"], body["session"]["id"]};
  auto me = as(login, "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["email"], "ada@example.com");
  auto current = as(login, "GET", "/api/v1/sessions/current");
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.json()["csrf_token"], login.csrf);
  EXPECT_EQ(current.json()["session"]["id"], login.session_id);
  EXPECT_EQ(current.json()["user"]["email"], "ada@example.com");

  // The token is a credential: it never reaches the log, nor the database file.
  EXPECT_EQ(server_.log().find(token), std::string::npos);
}

TEST_F(SessionsTest, WrongPasswordAndUnknownEmailGetTheSame401) {
  sign_up(ada_email);
  auto wrong_password = post_login(ada_email, "not the password");
  auto unknown_email = post_login("nobody@example.com", "not the password");
  auto not_an_email = post_login("nobody", "not the password");
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(wrong_password.json()["error"]["code"], "unauthenticated");
  EXPECT_EQ(unknown_email.status, 401);
  EXPECT_EQ(unknown_email.body, wrong_password.body);
  EXPECT_EQ(not_an_email.body, wrong_password.body);
  EXPECT_TRUE(wrong_password.header("set-cookie").empty());
  auto missing = request("POST", "/api/v1/sessions", R"({"email": 1})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.json()["error"]["details"].size(), 2u) << missing.body;
}

TEST_F(SessionsTest, RoutesThatNeedASessionAre401WithoutOne) {
  for (auto [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/me"},
                                                        {"GET", "/api/v1/sessions"},
                                                        {"GET", "/api/v1/sessions/current"},
                                                        {"DELETE", "/api/v1/sessions/current"},
                                                        {"DELETE", "/api/v1/sessions/abc"},
                                                        {"PUT", "/api/v1/me/password"}}) {
    auto anonymous = request(method, target);
    EXPECT_EQ(anonymous.status, 401) << method << " " << target;
    EXPECT_EQ(anonymous.json()["error"]["code"], "unauthenticated");
    auto forged = request(method, target, {}, {{"Cookie", "roost_session=forged"}});
    EXPECT_EQ(forged.status, 401) << method << " " << target;
  }
}

TEST_F(SessionsTest, TwoDevicesHaveTwoSessionsAndRevokingOneEndsOnlyIt) {
  sign_up(ada_email);
  auto laptop = log_in();
  auto phone = log_in();
  EXPECT_NE(laptop.token, phone.token);  // a fresh token at every login
  EXPECT_EQ(as(laptop, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(as(phone, "GET", "/api/v1/me").status, 200);

  auto listed = as(laptop, "GET", "/api/v1/sessions");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto sessions = listed.json()["sessions"];
  ASSERT_EQ(sessions.size(), 2u);
  for (const auto& session : sessions) {
    EXPECT_EQ(session["current"], session["id"] == laptop.session_id) << session;
    EXPECT_EQ(session["user_agent"], "sessions-test/1.0");
    EXPECT_EQ(session["ip"], "127.0.0.1");
    EXPECT_FALSE(session.contains("token"));
    EXPECT_FALSE(session.contains("token_hash"));
  }
  EXPECT_EQ(listed.body.find(laptop.token), std::string::npos);
  EXPECT_EQ(listed.body.find(phone.token), std::string::npos);

  // Someone else's session, or one that does not exist, is not found.
  sign_up("grace@example.com");
  auto grace = log_in("grace@example.com");
  auto foreign = as(grace, "DELETE", "/api/v1/sessions/" + laptop.session_id);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.json()["error"]["code"], "not_found");
  EXPECT_EQ(as(laptop, "DELETE", "/api/v1/sessions/no-such-session").status, 404);
  EXPECT_EQ(as(laptop, "GET", "/api/v1/me").status, 200);

  auto revoked = as(laptop, "DELETE", "/api/v1/sessions/" + phone.session_id);
  EXPECT_EQ(revoked.status, 204) << revoked.body;
  auto phone_after = as(phone, "GET", "/api/v1/me");
  EXPECT_EQ(phone_after.status, 401);
  EXPECT_EQ(phone_after.json()["error"]["code"], "unauthenticated");
  EXPECT_EQ(as(laptop, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(as(laptop, "DELETE", "/api/v1/sessions/" + phone.session_id).status, 404);
  EXPECT_EQ(as(laptop, "GET", "/api/v1/sessions").json()["sessions"].size(), 1u);
}

TEST_F(SessionsTest, LogoutRevokesTheSessionAndClearsTheCookie) {
  sign_up(ada_email);
  auto login = log_in();
  auto without_csrf = as(login, "DELETE", "/api/v1/sessions/current", "");
  EXPECT_EQ(without_csrf.status, 403);
  EXPECT_EQ(as(login, "GET", "/api/v1/me").status, 200);
  auto logout = as(login, "DELETE", "/api/v1/sessions/current");
  EXPECT_EQ(logout.status, 204) << logout.body;
  auto cookie = logout.header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("roost_session=;")) << cookie;
  EXPECT_NE(cookie.find("Max-Age=0"), std::string::npos) << cookie;
  EXPECT_EQ(as(login, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(as(login, "DELETE", "/api/v1/sessions/current").status, 401);
}

TEST_F(SessionsTest, CookieRequestsThatChangeStateNeedTheCsrfHeader) {
  sign_up(ada_email);
  auto login = log_in();
  auto change =
      nlohmann::json{{"current_password", ada_password}, {"new_password", "a brand new password"}}
          .dump();
  for (const std::string csrf : {"", "wrong-token"}) {
    auto put = as(login, "PUT", "/api/v1/me/password", csrf, change);
    EXPECT_EQ(put.status, 403) << csrf;
    EXPECT_EQ(put.json()["error"]["code"], "permission_denied");
    EXPECT_NE(put.json()["error"]["message"].get<std::string>().find("csrf"), std::string::npos);
    auto del = as(login, "DELETE", "/api/v1/sessions/" + login.session_id, csrf);
    EXPECT_EQ(del.status, 403) << csrf;
  }
  // Nothing happened: the session lives and the password is unchanged.
  EXPECT_EQ(as(login, "GET", "/api/v1/me").status, 200);
  // A read needs no CSRF header.
  EXPECT_EQ(as(login, "GET", "/api/v1/sessions", "").status, 200);
}

TEST_F(SessionsTest, PasswordChangeRevokesTheOtherSessionsAndKeepsThisOne) {
  sign_up(ada_email);
  auto laptop = log_in();
  auto phone = log_in();
  auto wrong =
      as(laptop, "PUT", "/api/v1/me/password", laptop.csrf,
         nlohmann::json{{"current_password", "not it"}, {"new_password", "new password!"}}.dump());
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(wrong.json()["error"]["details"][0]["field"], "current_password");
  auto weak =
      as(laptop, "PUT", "/api/v1/me/password", laptop.csrf,
         nlohmann::json{{"current_password", ada_password}, {"new_password", "short"}}.dump());
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(weak.json()["error"]["details"][0]["field"], "new_password");
  EXPECT_EQ(as(phone, "GET", "/api/v1/me").status, 200);

  auto changed = as(
      laptop, "PUT", "/api/v1/me/password", laptop.csrf,
      nlohmann::json{{"current_password", ada_password}, {"new_password", "a brand new password"}}
          .dump());
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(as(laptop, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(as(phone, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(post_login(ada_email, ada_password).status, 401);
  EXPECT_EQ(post_login(ada_email, "a brand new password").status, 201);
}

TEST_F(SessionsTest, RepeatedFailuresAreThrottledWith429AndRetryAfter) {
  sign_up(ada_email);
  // The first failures are free; then the account is locked out for a growing delay.
  HttpResponse last;
  int failures = 0;
  for (; failures < 10; ++failures) {
    last = post_login(ada_email, "guess " + std::to_string(failures));
    if (last.status != 401) break;
  }
  ASSERT_EQ(last.status, 429) << last.body;
  EXPECT_GE(failures, 5);  // the free failures were 401s
  EXPECT_EQ(last.json()["error"]["code"], "rate_limited");
  EXPECT_GE(std::stoi(last.header("retry-after")), 1);
  // While locked out, even the right password is refused (and costs no argon2id).
  auto right = post_login(ada_email, ada_password);
  EXPECT_EQ(right.status, 429);
  EXPECT_FALSE(right.header("retry-after").empty());
  // Another account from the same address is not locked by Ada's failures.
  EXPECT_EQ(post_login("grace@example.com", "guess").status, 401);
}

class TrustedProxySessionsTest : public SessionsTest {
 protected:
  TrustedProxySessionsTest() : SessionsTest({"--trust-proxy", "true"}) {}
};

TEST_F(TrustedProxySessionsTest, HttpsBehindATrustedProxyMakesTheCookieSecure) {
  sign_up(ada_email);
  auto response = post_login(ada_email, ada_password,
                             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "203.0.113.9"}});
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_NE(response.header("set-cookie").find("; Secure"), std::string::npos);
  EXPECT_EQ(response.json()["session"]["ip"], "203.0.113.9");
}

}  // namespace
}  // namespace roost::testing
