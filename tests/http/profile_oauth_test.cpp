// Connecting a Bluesky profile with AT Protocol OAuth (ADR 0031) through the real binary,
// against the real PDS of the fixture `bluesky_pds`: roost's API starts the flow, the PDS's
// sign-in and consent are done by tests/peers/bluesky-pds/oauth-consent.js as the login
// page's JS does them, roost's callback finishes it; then a post goes out through the
// scheduler with the DPoP-bound session and is read back from the PDS. Refresh, a dead
// refresh token (needs_reconnect), reconnecting, and every error path of the callback.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "../support/bluesky_pds.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "networks/bluesky/records.hpp"
#include "org_scenario_test.hpp"
#include "services/profile_credentials.hpp"
#include "services/sealing_keys.hpp"
#include "storage/instance_settings_repository.hpp"
#include "storage/oauth_authorization_repository.hpp"

namespace roost::testing {
namespace {

using networks::bluesky::post_collection;
using test::test_pds;
using test::TestAccount;

std::vector<std::string> oauth_server_arguments() {
  const auto& pds = test_pds();
  return {"--bluesky-plc-url", pds.plc_url, "--bluesky-handle-resolver-url", pds.pds_url};
}

std::string bytes_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The query value `name` of a URL (values here are URL-safe: no decoding needed).
std::string query_value(const std::string& url, const std::string& name) {
  for (char separator : {'?', '&'}) {
    auto at = url.find(separator + name + "=");
    if (at != std::string::npos) {
      auto start = at + name.size() + 2;
      return url.substr(start, url.find('&', start) - start);
    }
  }
  return "";
}

class ProfileOAuthTest : public OrgScenarioTest {
 protected:
  ProfileOAuthTest() : OrgScenarioTest(oauth_server_arguments()) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    member_ = sign_up("member@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    add_member(acme_, member_, domain::OrgRole::member);
  }

  HttpResponse start(const User& user, std::int64_t org, nlohmann::json body) {
    return as(user, "POST", org_path(org) + "/profiles/oauth", body);
  }

  std::string authorize_url(const TestAccount& account, nlohmann::json extra = {}) {
    nlohmann::json body = {{"handle", account.handle}};
    if (extra.is_object()) body.update(extra);
    auto started = start(owner_, acme_, body);
    EXPECT_EQ(started.status, 200) << started.body;
    return started.status == 200 ? started.json()["authorize_url"].get<std::string>() : "";
  }

  // The PDS's login page, as a person signs in and consents (or rejects): where the PDS
  // sends the browser back to.
  static std::string consent(const std::string& url, const TestAccount& account,
                             const std::string& decision = "consent") {
    std::string command = "node '" ROOST_OAUTH_CONSENT_SCRIPT "' '" + url + "' '" + account.handle +
                          "' '" + account.password + "' " + decision + " 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return "popen failed";
    char buffer[4096];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    pclose(pipe);
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return output;
  }

  // The browser comes back to roost with `user`'s session cookie.
  HttpResponse come_back(const User& user, const std::string& redirect) {
    auto path = redirect.find("/oauth/bluesky/callback");
    EXPECT_NE(path, std::string::npos) << redirect;
    return as(user, "GET", redirect.substr(path == std::string::npos ? 0 : path));
  }

  // The whole flow for a new profile: its id (0 when it failed).
  std::int64_t connect_with_oauth(const TestAccount& account) {
    auto url = authorize_url(account);
    auto back = come_back(owner_, consent(url, account));
    EXPECT_EQ(back.status, 302) << back.body;
    const auto location = back.header("location");
    EXPECT_NE(location.find("/orgs/" + std::to_string(acme_) + "/profiles?oauth=connected"),
              std::string::npos)
        << location;
    auto id = query_value(location, "profile_id");
    return id.empty() ? 0 : std::stoll(id);
  }

  std::string profile_path(std::int64_t profile) const {
    return org_path(acme_) + "/profiles/" + std::to_string(profile);
  }

  core::Keyring keyring() {
    auto database = open_database();
    storage::InstanceSettingsRepository settings(*database);
    auto loaded = services::load_sealing_keyring(settings, server_.data_dir() / "secret.key");
    EXPECT_TRUE(loaded.ok());
    return loaded.ok() ? std::move(*loaded) : core::Keyring{};
  }

  networks::ProfileCredentials stored_credentials(std::int64_t profile) {
    auto database = open_database();
    storage::ProfileRepository profiles(*database);
    auto sealed = profiles.credentials(core::ProfileId{profile});
    EXPECT_TRUE(sealed.ok() && sealed->has_value());
    if (!sealed.ok() || !sealed->has_value()) return {};
    auto opened = services::open_credentials(keyring(), core::ProfileId{profile}, **sealed);
    EXPECT_TRUE(opened.ok());
    return opened.ok() ? *opened : networks::ProfileCredentials{};
  }

  void store_credentials(std::int64_t profile, const networks::ProfileCredentials& credentials) {
    auto database = open_database();
    storage::ProfileRepository profiles(*database);
    auto keys = keyring();
    core::SystemClock clock;
    services::ProfileCredentialVault vault(profiles, keys, clock);
    ASSERT_TRUE(vault.store(core::ProfileId{profile}, credentials).ok());
  }

  // Posts `text` now to `profile`; the post as shown once the dispatcher is done with it.
  nlohmann::json publish_now(std::int64_t profile, const std::string& text) {
    auto created =
        as(owner_, "POST", org_path(acme_) + "/posts",
           {{"text", text}, {"targets", {{{"profile_id", profile}}}}, {"when", {{"mode", "now"}}}});
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return {};
    const auto post = created.json()["id"].get<std::int64_t>();
    nlohmann::json shown;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      shown = as(owner_, "GET", org_path(acme_) + "/posts/" + std::to_string(post)).json();
      if (shown["state"] != "scheduled" && shown["state"] != "publishing") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return shown;
  }

  networks::bluesky::BlueskyNetwork network_{test::test_bluesky_settings(test_pds())};
  networks::bluesky::BlueskyClient client_{test::test_bluesky_settings(test_pds())};
  User owner_, member_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0;
};

TEST_F(ProfileOAuthTest, ConnectsPublishesThroughTheSchedulerAndKeepsSecretsSealed) {
  auto account = test::create_test_account(test_pds());
  const auto began = std::chrono::steady_clock::now();
  auto started = start(owner_, acme_, {{"handle", "@" + account.handle}});
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string url = started.json()["authorize_url"];
  EXPECT_TRUE(url.starts_with(test_pds().pds_url + "/oauth/authorize?")) << url;
  EXPECT_NE(url.find("request_uri="), std::string::npos);
  EXPECT_EQ(started.json().size(), 1u);  // nothing but the URL

  const auto redirect = consent(url, account);
  ASSERT_TRUE(redirect.starts_with("http://127.0.0.1:" + std::to_string(port()) +
                                   "/oauth/bluesky/callback?"))
      << redirect;
  auto back = come_back(owner_, redirect);
  const auto took = std::chrono::steady_clock::now() - began;
  ASSERT_EQ(back.status, 302) << back.body;
  const auto location = back.header("location");
  EXPECT_TRUE(location.starts_with("http://127.0.0.1:" + std::to_string(port()) + "/orgs/" +
                                   std::to_string(acme_) + "/profiles?oauth=connected"))
      << location;
  const auto id = std::stoll(query_value(location, "profile_id"));
  std::printf(
      "[ measured ] OAuth connect flow (start, sign-in, consent, callback): %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));

  auto detail = as(owner_, "GET", profile_path(id));
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(detail.json()["handle"], account.handle);
  EXPECT_EQ(detail.json()["external_id"], account.did);
  EXPECT_EQ(detail.json()["pds_url"], test_pds().pds_url);
  EXPECT_EQ(detail.json()["status"], "active");
  EXPECT_EQ(detail.json()["my_level"], "manager");
  bool audited = false;
  for (const auto& record : audit_of(acme_)) {
    audited = audited || (record.event.action == "profile.connected" &&
                          record.event.target == "profile:" + std::to_string(id) &&
                          record.event.details_json.find("\"oauth\"") != std::string::npos);
  }
  EXPECT_TRUE(audited);

  const auto credentials = stored_credentials(id);
  ASSERT_EQ(credentials.kind, networks::CredentialKind::oauth);
  EXPECT_EQ(credentials.did, account.did);
  EXPECT_EQ(credentials.auth_issuer, test_pds().pds_url);
  EXPECT_TRUE(credentials.dpop_key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));

  // Published by the dispatcher with the DPoP-bound session, read back from the PDS.
  auto shown = publish_now(id, "Posted through OAuth and DPoP");
  ASSERT_EQ(shown["state"], "published") << shown.dump();
  const std::string uri = shown["targets"][0]["published"]["uri"];
  EXPECT_TRUE(uri.starts_with("at://" + account.did + "/app.bsky.feed.post/")) << uri;
  auto record = client_.get_record(test_pds().pds_url, account.did, post_collection,
                                   uri.substr(uri.rfind('/') + 1));
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->value["text"], "Posted through OAuth and DPoP");

  // The tokens and the key are nowhere but sealed: not in an answer, the log or the file.
  std::string database_files;
  for (const auto& entry : std::filesystem::directory_iterator(server_.data_dir())) {
    if (entry.path().filename().string().starts_with("roost.db")) {
      database_files += bytes_of_file(entry.path());
    }
  }
  const std::string answers = started.body + back.body + location + detail.body + shown.dump() +
                              as(owner_, "GET", org_path(acme_) + "/profiles").body;
  const std::string log = server_.log();
  auto pem_body = credentials.dpop_key_pem.substr(28, 40);
  auto signature = [](const std::string& jwt) { return jwt.substr(jwt.rfind('.') + 1); };
  const std::string code = query_value(redirect, "code");
  for (const std::string& secret : {credentials.access_jwt, credentials.refresh_jwt,
                                    signature(credentials.access_jwt), pem_body, code}) {
    ASSERT_GT(secret.size(), 20u);
    EXPECT_EQ(answers.find(secret), std::string::npos);
    EXPECT_EQ(log.find(secret), std::string::npos);
    EXPECT_EQ(database_files.find(secret), std::string::npos);
  }
}

TEST_F(ProfileOAuthTest, RefreshWorksAndADeadRefreshTokenNeedsReconnectThenOAuthReconnects) {
  auto account = test::create_test_account(test_pds());
  const auto id = connect_with_oauth(account);
  ASSERT_NE(id, 0);

  // Refresh: new DPoP-bound tokens that publish.
  auto credentials = stored_credentials(id);
  const auto before = credentials;
  ASSERT_TRUE(network_.refresh(credentials).ok());
  EXPECT_NE(credentials.access_jwt, before.access_jwt);
  EXPECT_NE(credentials.refresh_jwt, before.refresh_jwt);
  auto liked =
      network_.publish(credentials, test::unique_test_record_key(),
                       {"after a refresh", "", {}, {}, {}, {}, std::chrono::system_clock::now()});
  ASSERT_TRUE(liked.ok()) << liked.error().message;
  store_credentials(id, credentials);

  // A refresh token the server does not know and an access token it refuses: the
  // dispatcher's refresh fails, and the profile needs reconnecting.
  credentials.access_jwt = before.access_jwt + "x";
  credentials.refresh_jwt = "ref-not-a-token";
  store_credentials(id, credentials);
  auto shown = publish_now(id, "never sent");
  EXPECT_EQ(shown["targets"][0]["state"], "failed") << shown.dump();
  EXPECT_EQ(as(owner_, "GET", profile_path(id)).json()["status"], "needs_reconnect");

  // Reconnecting with OAuth as the same account brings it back.
  auto url = authorize_url(account, {{"profile_id", id}});
  auto back = come_back(owner_, consent(url, account));
  ASSERT_EQ(back.status, 302) << back.body;
  EXPECT_NE(back.header("location").find("?oauth=reconnected&profile_id=" + std::to_string(id)),
            std::string::npos)
      << back.header("location");
  EXPECT_EQ(as(owner_, "GET", profile_path(id)).json()["status"], "active");
  auto again = publish_now(id, "back after reconnecting");
  EXPECT_EQ(again["state"], "published") << again.dump();
}

TEST_F(ProfileOAuthTest, ReconnectingAsAnotherAccountIsRefused) {
  auto account = test::create_test_account(test_pds());
  auto other = test::create_test_account(test_pds());
  const auto id = connect_with_oauth(account);
  ASSERT_NE(id, 0);
  const auto before = stored_credentials(id);
  auto url = authorize_url(account, {{"profile_id", id}});
  auto back = come_back(owner_, consent(url, other));
  ASSERT_EQ(back.status, 302) << back.body;
  EXPECT_NE(back.header("location").find("?oauth_error=wrong_account"), std::string::npos)
      << back.header("location");
  EXPECT_EQ(stored_credentials(id).access_jwt, before.access_jwt);
}

TEST_F(ProfileOAuthTest, CallbackErrorsSayWhyAndStoreNothing) {
  auto account = test::create_test_account(test_pds());
  const std::string profiles_of_acme = "/orgs/" + std::to_string(acme_) + "/profiles";

  // Unknown state.
  auto unknown = as(owner_, "GET", "/oauth/bluesky/callback?code=x&state=nonsense&iss=x");
  ASSERT_EQ(unknown.status, 302);
  EXPECT_NE(unknown.header("location").find("/?oauth_error=unknown_state"), std::string::npos);

  // The person declines.
  auto declined = come_back(owner_, consent(authorize_url(account), account, "reject"));
  ASSERT_EQ(declined.status, 302);
  EXPECT_NE(declined.header("location").find(profiles_of_acme + "?oauth_error=denied"),
            std::string::npos)
      << declined.header("location");

  // Another user cannot finish someone's authorization.
  auto redirect = consent(authorize_url(account), account);
  auto stolen = come_back(outsider_, redirect);
  EXPECT_NE(stolen.header("location").find("oauth_error=unknown_state"), std::string::npos);

  // Expired: the same authorization, stored with its ten minutes over.
  redirect = consent(authorize_url(account), account);
  {
    auto database = open_database();
    storage::OAuthAuthorizationRepository authorizations(*database);
    auto taken = authorizations.take(query_value(redirect, "state"));
    ASSERT_TRUE(taken.ok() && taken->has_value());
    auto record = **taken;
    record.expires_at_ms = record.created_at_ms + 1;
    ASSERT_TRUE(authorizations.create(record).ok());
  }
  auto expired = come_back(owner_, redirect);
  EXPECT_NE(expired.header("location").find(profiles_of_acme + "?oauth_error=expired_state"),
            std::string::npos)
      << expired.header("location");

  // RFC 9207: an answer that names another issuer, or none, is not the server we sent the
  // person to (a mix-up): refused, the authorization spent, nothing stored.
  const auto with_iss = [](std::string url, const std::string& iss) {
    auto at = url.find("&iss=");
    if (at == std::string::npos) at = url.find("?iss=");
    EXPECT_NE(at, std::string::npos) << url;
    if (at == std::string::npos) return url;
    auto end = url.find('&', at + 1);
    url.erase(at + 1, (end == std::string::npos ? url.size() : end + 1) - (at + 1));
    if (url.back() == '&' || url.back() == '?') url.pop_back();
    return iss.empty() ? url : url + "&iss=" + iss;
  };
  for (const std::string iss : {"http%3A%2F%2Fevil.test", ""}) {
    auto mixed_up = come_back(owner_, with_iss(consent(authorize_url(account), account), iss));
    ASSERT_EQ(mixed_up.status, 302);
    EXPECT_NE(mixed_up.header("location").find(profiles_of_acme + "?oauth_error=failed"),
              std::string::npos)
        << iss << ": " << mixed_up.header("location");
  }
  EXPECT_EQ(as(owner_, "GET", org_path(acme_) + "/profiles").json()["profiles"].size(), 0u);

  // Single use: the first callback connects, the same one again finds nothing.
  redirect = consent(authorize_url(account), account);
  auto first = come_back(owner_, redirect);
  EXPECT_NE(first.header("location").find("?oauth=connected"), std::string::npos)
      << first.header("location");
  auto reused = come_back(owner_, redirect);
  EXPECT_NE(reused.header("location").find("oauth_error=unknown_state"), std::string::npos);

  // The same account again is already a profile here.
  auto twice = come_back(owner_, consent(authorize_url(account), account));
  EXPECT_NE(twice.header("location").find("oauth_error=already_connected"), std::string::npos)
      << twice.header("location");
  EXPECT_EQ(as(owner_, "GET", org_path(acme_) + "/profiles").json()["profiles"].size(), 1u);
}

// A browser that comes back without its login session (expired, or opened on `localhost`
// while the PDS returns to 127.0.0.1) is sent to log in, and the login page brings it back
// to the same callback, which still holds: nothing was spent by the detour.
TEST_F(ProfileOAuthTest, ACallbackWithoutALoginGoesToTheLoginPageAndBack) {
  auto account = test::create_test_account(test_pds());
  const auto redirect = consent(authorize_url(account), account);
  const auto callback = redirect.substr(redirect.find("/oauth/bluesky/callback"));

  auto anonymous = request("GET", callback);
  ASSERT_EQ(anonymous.status, 302) << anonymous.body;
  const auto location = anonymous.header("location");
  ASSERT_TRUE(location.starts_with("/login?next=%2Foauth%2Fbluesky%2Fcallback%3F")) << location;
  std::string next;  // the login page's `next`, decoded as the web UI does
  for (std::size_t i = std::string("/login?next=").size(); i < location.size(); ++i) {
    if (location[i] == '%' && i + 2 < location.size()) {
      next += static_cast<char>(std::stoi(location.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      next += location[i];
    }
  }
  EXPECT_EQ(next, callback);
  EXPECT_EQ(anonymous.header("cache-control"), "no-store");

  // A session cookie that names no session is no login either.
  auto stale = request("GET", callback, {}, {{"Cookie", "roost_session=expired"}});
  EXPECT_EQ(stale.status, 302);

  auto back = as(owner_, "GET", next);
  ASSERT_EQ(back.status, 302) << back.body;
  EXPECT_NE(back.header("location").find("?oauth=connected"), std::string::npos)
      << back.header("location");
  // The access log kept neither the callback's code nor the login page's copy of it.
  EXPECT_EQ(server_.log().find(query_value(redirect, "code")), std::string::npos);
}

TEST_F(ProfileOAuthTest, ThePlanLimitAppliesAtStartAndAtTheCallback) {
  auto account = test::create_test_account(test_pds());
  auto url = authorize_url(account);  // room for one now
  {
    auto database = open_database();
    storage::OrganizationRepository organizations(*database);
    ASSERT_TRUE(
        organizations
            .set_plan(core::OrgId{acme_}, {0, std::nullopt}, 1,
                      storage::AuditEvent{
                          {}, core::UserId{owner_.id}, "org.plan_changed", "", "{}", "test", 1})
            .ok());
  }
  auto back = come_back(owner_, consent(url, account));
  EXPECT_NE(back.header("location").find("oauth_error=limit_reached"), std::string::npos)
      << back.header("location");
  auto refused = start(owner_, acme_, {{"handle", account.handle}});
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "profile_limit_reached");
}

TEST_F(ProfileOAuthTest, StartingIsForThoseWhoMayConnectAndChecksItsInput) {
  auto account = test::create_test_account(test_pds());
  auto denied = start(member_, acme_, {{"handle", account.handle}});
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_NE(error_message(denied).find("connect_profile"), std::string::npos) << denied.body;
  auto elsewhere = start(owner_, globex_, {{"handle", account.handle}});
  EXPECT_EQ(elsewhere.status, 404) << elsewhere.body;
  auto anonymous = request("POST", org_path(acme_) + "/profiles/oauth",
                           nlohmann::json{{"handle", account.handle}}.dump());
  EXPECT_EQ(anonymous.status, 401);
  auto nothing = start(owner_, acme_, nlohmann::json::object());
  EXPECT_EQ(nothing.status, 422) << nothing.body;
  auto nobody = start(owner_, acme_, {{"handle", "nobody-here.test"}});
  EXPECT_EQ(nobody.status, 422) << nobody.body;
  auto bad_url = start(owner_, acme_, {{"pds_url", "ftp://x"}});
  EXPECT_EQ(bad_url.status, 422) << bad_url.body;
  // By PDS URL instead of a handle: the PDS's own sign-in names the account.
  auto by_pds = start(owner_, acme_, {{"pds_url", test_pds().pds_url}});
  EXPECT_EQ(by_pds.status, 200) << by_pds.body;
  // A member who only views a profile cannot reconnect it (403); one whose teams lack it
  // does not see it (404); nor does anyone of another organization.
  auto id = connect_with_oauth(account);
  ASSERT_NE(id, 0);
  const nlohmann::json reconnect = {{"handle", account.handle}, {"profile_id", id}};
  EXPECT_EQ(start(member_, acme_, reconnect).status, 404);
  const auto team = create_team(owner_, acme_, "London");
  add_team_member(owner_, acme_, team, member_, "member");
  grant_profile(owner_, acme_, team, id, "viewer");
  auto viewer = start(member_, acme_, reconnect);
  EXPECT_EQ(viewer.status, 403) << viewer.body;
  EXPECT_NE(error_message(viewer).find("manage_profile"), std::string::npos) << viewer.body;
  EXPECT_EQ(start(outsider_, globex_, {{"handle", account.handle}, {"profile_id", id}}).status,
            404);
}

TEST_F(ProfileOAuthTest, ServesItsClientMetadata) {
  auto metadata = request("GET", "/oauth/client-metadata.json");
  ASSERT_EQ(metadata.status, 200) << metadata.body;
  const std::string redirect =
      "http://127.0.0.1:" + std::to_string(port()) + "/oauth/bluesky/callback";
  EXPECT_EQ(metadata.json()["redirect_uris"][0], redirect);
  EXPECT_TRUE(metadata.json()["client_id"].get<std::string>().starts_with("http://localhost?"));
}

}  // namespace
}  // namespace roost::testing
