// TOTP two-factor through the real binary: enrollment needs the password and a first code,
// returns recovery codes once; login then needs a code (401 totp_required without one), a
// replayed or wrong code is refused and counted by the throttle, recovery codes are single
// use; disabling and regenerating need the password and a code; the seed is stored sealed.
#include <chrono>

#include "domain/totp.hpp"
#include "org_scenario_test.hpp"
#include "storage/login_throttle_repository.hpp"

namespace roost::testing {
namespace {

constexpr std::int64_t step_seconds = 30;

class TwoFactorTest : public OrgScenarioTest {
 protected:
  // The code of the step `offset` steps from now, as the user's app would show it.
  static std::string code_for(const std::string& secret, std::int64_t offset = 0) {
    auto key = domain::totp::base32_decode(secret);
    EXPECT_TRUE(key.has_value());
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto step = domain::totp::step_at(now, step_seconds) + offset;
    return domain::totp::hotp(*key, static_cast<std::uint64_t>(step), 6);
  }

  // Enrolls and confirms with the current code; returns the secret and fills `codes`.
  std::string enable(const User& user, std::vector<std::string>* codes = nullptr) {
    auto started = as(user, "POST", "/api/v1/me/totp", {{"password", password}});
    EXPECT_EQ(started.status, 201) << started.body;
    std::string secret = started.json()["secret"];
    auto confirmed = as(user, "POST", "/api/v1/me/totp/confirm", {{"code", code_for(secret)}});
    EXPECT_EQ(confirmed.status, 200) << confirmed.body;
    auto body = confirmed.json();  // not a temporary: the loop reads into it
    if (codes != nullptr) {
      for (const auto& code : body["recovery_codes"]) codes->push_back(code);
    }
    return secret;
  }

  HttpResponse log_in(const std::string& email, nlohmann::json extra = nlohmann::json::object()) {
    extra["email"] = email;
    extra["password"] = password;
    return request("POST", "/api/v1/sessions", extra.dump());
  }
};

TEST_F(TwoFactorTest, EnrollThenLoginNeedsACode) {
  auto ada = sign_up("ada@example.com");
  EXPECT_EQ(as(ada, "GET", "/api/v1/me").json()["two_factor_enabled"], false);
  auto started = as(ada, "POST", "/api/v1/me/totp", {{"password", password}});
  ASSERT_EQ(started.status, 201) << started.body;
  EXPECT_EQ(started.header("cache-control"), "no-store");
  std::string secret = started.json()["secret"];
  EXPECT_EQ(domain::totp::base32_decode(secret)->size(), 20u);
  EXPECT_EQ(started.json()["otpauth_uri"],
            "otpauth://totp/Roost:ada%40example.com?secret=" + secret +
                "&issuer=Roost&algorithm=SHA1&digits=6&period=30");
  // Not on until confirmed: login still needs only the password.
  EXPECT_EQ(log_in(ada.email).status, 201);

  auto wrong = as(ada, "POST", "/api/v1/me/totp/confirm", {{"code", code_for(secret, -5)}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_EQ(wrong.json()["error"]["details"][0]["field"], "code");
  const auto code = code_for(secret);
  auto confirmed = as(ada, "POST", "/api/v1/me/totp/confirm", {{"code", code}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  auto codes = confirmed.json()["recovery_codes"].get<std::vector<std::string>>();
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u);
  EXPECT_EQ(as(ada, "GET", "/api/v1/me").json()["two_factor_enabled"], true);

  auto without = log_in(ada.email);
  EXPECT_EQ(without.status, 401) << without.body;
  EXPECT_EQ(without.json()["error"]["code"], "totp_required");
  EXPECT_TRUE(without.header("set-cookie").empty());
  // The code that confirmed enrollment was used in its step: a replay.
  auto replay = log_in(ada.email, {{"totp_code", code}});
  EXPECT_EQ(replay.status, 401) << replay.body;
  EXPECT_EQ(replay.json()["error"]["code"], "unauthenticated");
  auto next = code_for(secret, 1);  // the next step's code is within the drift allowed
  auto with = log_in(ada.email, {{"totp_code", next}});
  ASSERT_EQ(with.status, 201) << with.body;
  EXPECT_EQ(with.json()["user"]["two_factor_enabled"], true);
  EXPECT_EQ(log_in(ada.email, {{"totp_code", next}}).status, 401);  // used already
}

TEST_F(TwoFactorTest, RecoveryCodesAreSingleUseAndRegenerated) {
  auto ada = sign_up("ada@example.com");
  std::vector<std::string> codes;
  enable(ada, &codes);
  ASSERT_EQ(codes.size(), 10u);
  auto recovered = log_in(ada.email, {{"recovery_code", codes[0]}});
  EXPECT_EQ(recovered.status, 201) << recovered.body;
  EXPECT_EQ(log_in(ada.email, {{"recovery_code", codes[0]}}).status, 401);
  // Typed in lower case without the dashes, it is the same code.
  std::string typed;
  for (char c : codes[1]) {
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(log_in(ada.email, {{"recovery_code", typed}}).status, 201);

  auto regenerated = as(ada, "POST", "/api/v1/me/totp/recovery-codes",
                        {{"password", password}, {"recovery_code", codes[2]}});
  ASSERT_EQ(regenerated.status, 200) << regenerated.body;
  auto fresh = regenerated.json()["recovery_codes"].get<std::vector<std::string>>();
  ASSERT_EQ(fresh.size(), 10u);
  EXPECT_EQ(log_in(ada.email, {{"recovery_code", codes[3]}}).status, 401);  // replaced
  EXPECT_EQ(log_in(ada.email, {{"recovery_code", fresh[0]}}).status, 201);
  auto wrong_password = as(ada, "POST", "/api/v1/me/totp/recovery-codes",
                           {{"password", "not the password"}, {"recovery_code", fresh[1]}});
  EXPECT_EQ(wrong_password.status, 422);
  EXPECT_EQ(wrong_password.json()["error"]["details"][0]["field"], "password");
}

TEST_F(TwoFactorTest, AWrongCodeCountsAsAFailedLogin) {
  auto ada = sign_up("ada@example.com");
  auto secret = enable(ada);
  auto wrong = log_in(ada.email, {{"totp_code", code_for(secret, -5)}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.json()["error"]["details"][0]["field"], "totp_code");
  EXPECT_EQ(log_in(ada.email, {{"totp_code", "12345"}}).status, 401);
  auto database = open_database();
  ASSERT_TRUE(database);
  storage::LoginThrottleRepository throttles(*database);
  auto record = throttles.find("account:ada@example.com");
  ASSERT_TRUE(record.ok());
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->consecutive_failures, 2);
  // A missing code is not a failure: the password was right.
  EXPECT_EQ(log_in(ada.email).json()["error"]["code"], "totp_required");
  EXPECT_EQ((*throttles.find("account:ada@example.com"))->consecutive_failures, 2);
}

TEST_F(TwoFactorTest, EnablingAndDisablingRevokeOtherSessions) {
  auto ada = sign_up("ada@example.com");
  auto second = log_in(ada.email);
  ASSERT_EQ(second.status, 201);
  auto cookie = second.header("set-cookie");
  std::map<std::string, std::string> other{{"Cookie", cookie.substr(0, cookie.find(';'))}};
  EXPECT_EQ(request("GET", "/api/v1/me", {}, other).status, 200);
  std::vector<std::string> codes;
  auto secret = enable(ada, &codes);
  EXPECT_EQ(request("GET", "/api/v1/me", {}, other).status, 401);
  EXPECT_EQ(as(ada, "GET", "/api/v1/me").status, 200);

  auto third = log_in(ada.email, {{"recovery_code", codes[0]}});
  ASSERT_EQ(third.status, 201) << third.body;
  cookie = third.header("set-cookie");
  other = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
  auto without_code = as(ada, "DELETE", "/api/v1/me/totp", {{"password", password}});
  EXPECT_EQ(without_code.status, 422);
  EXPECT_EQ(without_code.json()["error"]["details"][0]["field"], "code");
  auto bad_password = as(ada, "DELETE", "/api/v1/me/totp",
                         {{"password", "not the password"}, {"code", code_for(secret, 1)}});
  EXPECT_EQ(bad_password.status, 422);
  EXPECT_EQ(bad_password.json()["error"]["details"][0]["field"], "password");
  // Enabling used the current step; the next step's code is fresh and within the drift.
  auto disabled =
      as(ada, "DELETE", "/api/v1/me/totp", {{"password", password}, {"code", code_for(secret, 1)}});
  ASSERT_EQ(disabled.status, 204) << disabled.body;
  EXPECT_EQ(request("GET", "/api/v1/me", {}, other).status, 401);
  EXPECT_EQ(as(ada, "GET", "/api/v1/me").json()["two_factor_enabled"], false);
  EXPECT_EQ(log_in(ada.email).status, 201);
}

TEST_F(TwoFactorTest, DisableWithARecoveryCode) {
  auto ada = sign_up("ada@example.com");
  std::vector<std::string> codes;
  enable(ada, &codes);
  auto disabled =
      as(ada, "DELETE", "/api/v1/me/totp", {{"password", password}, {"recovery_code", codes[0]}});
  ASSERT_EQ(disabled.status, 204) << disabled.body;
  EXPECT_EQ(as(ada, "GET", "/api/v1/me").json()["two_factor_enabled"], false);
  EXPECT_EQ(log_in(ada.email).status, 201);
  // Off: there is nothing to disable, and the old recovery codes are gone.
  EXPECT_EQ(
      as(ada, "DELETE", "/api/v1/me/totp", {{"password", password}, {"recovery_code", codes[1]}})
          .status,
      409);
}

TEST_F(TwoFactorTest, EnrollmentErrors) {
  auto ada = sign_up("ada@example.com");
  EXPECT_EQ(as(ada, "POST", "/api/v1/me/totp/confirm", {{"code", "123456"}}).status, 409);
  auto wrong = as(ada, "POST", "/api/v1/me/totp", {{"password", "not the password"}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(wrong.json()["error"]["details"][0]["field"], "password");
  EXPECT_EQ(as(ada, "POST", "/api/v1/me/totp", {{}}).status, 422);
  // Without CSRF, a cookie session cannot start enrollment.
  EXPECT_EQ(as(ada, "POST", "/api/v1/me/totp", {{"password", password}}, false).status, 403);
  auto secret = enable(ada);
  auto again = as(ada, "POST", "/api/v1/me/totp", {{"password", password}});
  EXPECT_EQ(again.status, 409) << again.body;

  // The seed is stored sealed with the instance key, never as is.
  auto database = open_database();
  ASSERT_TRUE(database);
  std::string sealed;
  auto read = database->transact(
      storage::TransactionMode::read_only, [&](storage::Transaction& transaction) {
        auto row = transaction.query_one("SELECT sealed_secret FROM user_totp WHERE user_id = $1",
                                         {ada.id});
        if (!row) return core::Result<void>(row.error());
        if (row->has_value()) sealed = (*row)->text(0);
        return core::success();
      });
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(sealed.starts_with("v1.")) << sealed;
  EXPECT_EQ(sealed.find(secret), std::string::npos);
}

TEST_F(TwoFactorTest, AnApiTokenCannotTouchTwoFactor) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Bikes");
  auto created = as(ada, "POST", "/api/v1/me/tokens", {{"name", "ci"}, {"org_id", org}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::map<std::string, std::string> bearer{
      {"Authorization", "Bearer " + created.json()["token"].get<std::string>()},
      {"Content-Type", "application/json"}};
  auto body = nlohmann::json{{"password", password}, {"code", "123456"}}.dump();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/api/v1/me/totp"},
           {"POST", "/api/v1/me/totp/confirm"},
           {"DELETE", "/api/v1/me/totp"},
           {"POST", "/api/v1/me/totp/recovery-codes"}}) {
    auto refused = request(method, path, body, bearer);
    EXPECT_EQ(refused.status, 403) << method << " " << path << " " << refused.body;
    EXPECT_NE(error_message(refused).find("manage_credentials"), std::string::npos);
  }
}

}  // namespace
}  // namespace roost::testing
