// Connecting, reconnecting, configuring and removing shared profiles through the real binary,
// against the real Bluesky PDS of the test fixture `bluesky_pds` (tests/peers/bluesky-pds):
// the plan's limit, the same account twice, a wrong app password, a PDS that does not
// answer, who may do what, the notices a removal sends, and that the profile's tokens are
// nowhere in the database file, the log or an answer.
#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>

#include "../support/bluesky_pds.hpp"
#include "../support/smtp_sink.hpp"
#include "org_scenario_test.hpp"
#include "services/profile_credentials.hpp"
#include "services/sealing_keys.hpp"
#include "storage/instance_settings_repository.hpp"
#include "storage/notification_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/publish_job_repository.hpp"

namespace roost::testing {
namespace {

using test::create_app_password;
using test::create_test_account;
using test::test_pds;
using test::TestAccount;

constexpr std::int64_t hour_ms = 60 * 60 * 1'000;
constexpr std::int64_t us_per_ms = 1'000;

std::vector<std::string> server_arguments(const SmtpSink& sink) {
  const auto& pds = test_pds();
  return {"--smtp-url",
          sink.url(),
          "--smtp-from",
          "roost@example.com",
          "--bluesky-plc-url",
          pds.plc_url,
          "--bluesky-handle-resolver-url",
          pds.pds_url};
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The mail server exists before the fixture's roost starts (base classes are built first).
struct MailServer {
  SmtpSink sink_;
};

class ProfileConnectionsTest : protected MailServer, public OrgScenarioTest {
 protected:
  ProfileConnectionsTest() : OrgScenarioTest(server_arguments(sink_)) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    admin_ = sign_up("admin@example.com");
    member_ = sign_up("member@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    add_member(acme_, admin_, domain::OrgRole::admin);
    add_member(acme_, member_, domain::OrgRole::member);
    london_ = create_team(owner_, acme_, "London");
    auto joined = as(owner_, "PUT",
                     org_path(acme_) + "/teams/" + std::to_string(london_) + "/members/" +
                         std::to_string(member_.id),
                     {{"team_role", "member"}});
    ASSERT_EQ(joined.status, 200) << joined.body;
  }

  // A new account on the test PDS with an app password for Roost.
  struct Account {
    TestAccount account;
    std::string app_password;
  };
  Account new_account() {
    Account made{create_test_account(test_pds()), ""};
    made.app_password = create_app_password(test_pds(), made.account, "roost");
    return made;
  }

  HttpResponse connect(const User& user, std::int64_t org, const std::string& identifier,
                       const std::string& app_password,
                       std::optional<std::string> pds_url = std::nullopt) {
    nlohmann::json body = {{"identifier", identifier}, {"app_password", app_password}};
    if (pds_url) body["pds_url"] = *pds_url;
    return as(user, "POST", org_path(org) + "/profiles", body);
  }

  std::int64_t connected(const Account& account) {
    auto response = connect(owner_, acme_, account.account.handle, account.app_password);
    EXPECT_EQ(response.status, 201) << response.body;
    return response.status == 201 ? response.json()["id"].get<std::int64_t>() : 0;
  }

  std::string profile_path(std::int64_t profile, std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/profiles/" + std::to_string(profile);
  }

  std::size_t profile_count(std::int64_t org) {
    auto database = open_database();
    storage::ProfileRepository profiles(*database);
    auto listed = profiles.list_for_org(core::OrgId{org}, 100);
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? listed->size() : 0;
  }

  std::optional<storage::SealedCredentials> sealed_credentials(std::int64_t profile) {
    auto database = open_database();
    storage::ProfileRepository profiles(*database);
    auto stored = profiles.credentials(core::ProfileId{profile});
    EXPECT_TRUE(stored.ok());
    return stored.ok() ? *stored : std::nullopt;
  }

  void grant(std::int64_t profile, const std::string& level) {
    auto granted = as(owner_, "PUT",
                      org_path(acme_) + "/teams/" + std::to_string(london_) + "/profiles/" +
                          std::to_string(profile),
                      {{"level", level}});
    ASSERT_EQ(granted.status, 200) << granted.body;
  }

  std::vector<nlohmann::json> notifications(const User& user) {
    auto listed = as(user, "GET", "/api/v1/me/notifications");
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<nlohmann::json> out;
    const auto body = listed.json();
    for (const auto& item : body["notifications"]) out.push_back(item);
    return out;
  }

  User owner_, admin_, member_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0, london_ = 0;
};

TEST_F(ProfileConnectionsTest, ConnectsByHandleAndReadsItBack) {
  auto account = new_account();
  auto response = connect(owner_, acme_, "@" + account.account.handle, account.app_password);
  ASSERT_EQ(response.status, 201) << response.body;
  auto profile = response.json();
  EXPECT_EQ(profile["network"], "bluesky");
  EXPECT_EQ(profile["handle"], account.account.handle);
  EXPECT_EQ(profile["external_id"], account.account.did);
  EXPECT_EQ(profile["pds_url"], test_pds().pds_url);  // resolved through the PLC directory
  EXPECT_EQ(profile["status"], "active");
  EXPECT_EQ(profile["owner_user_id"], owner_.id);
  EXPECT_EQ(profile["my_level"], "manager");
  const std::int64_t id = profile["id"];

  auto listed = as(admin_, "GET", org_path(acme_) + "/profiles");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["profiles"].size(), 1u);
  EXPECT_EQ(listed.json()["profiles"][0]["handle"], account.account.handle);
  auto detail = as(owner_, "GET", profile_path(id));
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(detail.json()["external_id"], account.account.did);

  // The session is stored, sealed, with the row.
  auto sealed = sealed_credentials(id);
  ASSERT_TRUE(sealed);
  EXPECT_FALSE(sealed->sealed.empty());
  bool audited = false;
  for (const auto& record : audit_of(acme_)) {
    audited = audited || (record.event.action == "profile.connected" &&
                          record.event.target == "profile:" + std::to_string(id));
  }
  EXPECT_TRUE(audited);
}

TEST_F(ProfileConnectionsTest, ConnectsByDidOnANamedPds) {
  auto account = new_account();
  auto response =
      connect(admin_, acme_, account.account.did, account.app_password, test_pds().pds_url);
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.json()["handle"], account.account.handle);
  EXPECT_EQ(response.json()["owner_user_id"], admin_.id);
}

TEST_F(ProfileConnectionsTest, TheSameAccountTwiceIsAConflict) {
  auto account = new_account();
  auto first = connected(account);
  ASSERT_NE(first, 0);
  auto again = connect(owner_, acme_, account.account.did, account.app_password);
  ASSERT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.json()["error"]["code"], "conflict");
  EXPECT_NE(error_message(again).find("already connected"), std::string::npos);
  EXPECT_EQ(profile_count(acme_), 1u);
  // Another organization may connect the same account.
  auto elsewhere = connect(outsider_, globex_, account.account.handle, account.app_password);
  EXPECT_EQ(elsewhere.status, 201) << elsewhere.body;
}

TEST_F(ProfileConnectionsTest, ConnectingPastThePlansLimitIsAClearError) {
  {
    auto database = open_database();
    storage::OrganizationRepository organizations(*database);
    auto set = organizations.set_plan(core::OrgId{acme_}, {1, std::nullopt}, 1,
                                      {{}, std::nullopt, "org.plan_changed", "", "{}", "t", 1});
    ASSERT_TRUE(set.ok());
  }
  ASSERT_NE(connected(new_account()), 0);
  auto second = new_account();
  auto refused = connect(owner_, acme_, second.account.handle, second.app_password);
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "profile_limit_reached");
  EXPECT_NE(error_message(refused).find("plan allows 1"), std::string::npos);
  EXPECT_EQ(profile_count(acme_), 1u);
}

TEST_F(ProfileConnectionsTest, AWrongAppPasswordIsRefusedAndNothingIsStored) {
  auto account = new_account();
  auto refused = connect(owner_, acme_, account.account.handle, "aaaa-bbbb-cccc-dddd");
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "profile_credentials_rejected");
  EXPECT_NE(error_message(refused).find("app password"), std::string::npos);
  EXPECT_EQ(profile_count(acme_), 0u);

  auto unknown = connect(owner_, acme_, "nobody-here.test", account.app_password);
  ASSERT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["code"], "invalid_request");
  EXPECT_EQ(unknown.json()["error"]["details"][0]["field"], "identifier");

  auto missing = as(owner_, "POST", org_path(acme_) + "/profiles", {{"identifier", 7}});
  ASSERT_EQ(missing.status, 422) << missing.body;
  auto bad_url = connect(owner_, acme_, account.account.handle, account.app_password, "ftp://x");
  ASSERT_EQ(bad_url.status, 422) << bad_url.body;
  EXPECT_EQ(bad_url.json()["error"]["details"][0]["field"], "pds_url");
  auto mastodon = as(owner_, "POST", org_path(acme_) + "/profiles",
                     {{"network", "mastodon"}, {"identifier", "a"}, {"app_password", "b"}});
  EXPECT_EQ(mastodon.status, 422) << mastodon.body;
  EXPECT_EQ(profile_count(acme_), 0u);
}

TEST_F(ProfileConnectionsTest, APdsThatDoesNotAnswerIsUnavailableAndLeavesNoRow) {
  auto account = new_account();
  const std::string closed = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  auto refused = connect(owner_, acme_, account.account.did, account.app_password, closed);
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "unavailable");
  EXPECT_NE(error_message(refused).find("did not answer"), std::string::npos);
  EXPECT_NE(error_message(refused).find(closed), std::string::npos);
  EXPECT_EQ(profile_count(acme_), 0u);
}

TEST_F(ProfileConnectionsTest, OnlyOwnersAndAdminsConnectAndRemoveManagersReconnectAndConfigure) {
  auto account = new_account();
  auto id = connected(account);
  ASSERT_NE(id, 0);
  grant(id, "publisher");  // the member publishes, but does not manage

  auto other = new_account();
  auto denied = connect(member_, acme_, other.account.handle, other.app_password);
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_NE(error_message(denied).find("connect_profile"), std::string::npos);
  EXPECT_EQ(as(member_, "DELETE", profile_path(id)).status, 403);
  EXPECT_EQ(as(member_, "PATCH", profile_path(id), {{"requires_confirmation", true}}).status, 403);
  EXPECT_EQ(as(member_, "POST", profile_path(id) + "/reconnect", {{"app_password", "x"}}).status,
            403);

  // A viewer is denied as well; a member whose teams lack the profile does not see it.
  grant(id, "viewer");
  EXPECT_EQ(as(member_, "PATCH", profile_path(id), {{"requires_confirmation", true}}).status, 403);
  // With a password that works, so that only the level can refuse it.
  const auto working = create_app_password(test_pds(), account.account, "roost-viewer");
  auto viewer_reconnect =
      as(member_, "POST", profile_path(id) + "/reconnect", {{"app_password", working}});
  EXPECT_EQ(viewer_reconnect.status, 403) << viewer_reconnect.body;
  ASSERT_EQ(
      as(owner_, "DELETE",
         org_path(acme_) + "/teams/" + std::to_string(london_) + "/profiles/" + std::to_string(id))
          .status,
      204);
  EXPECT_EQ(as(member_, "PATCH", profile_path(id), {{"requires_confirmation", true}}).status, 404);

  // A manager level through a team lets a member reconnect and configure, not remove.
  grant(id, "manager");
  EXPECT_EQ(as(member_, "PATCH", profile_path(id), {{"requires_confirmation", true}}).status, 200);
  const auto before_reconnect = sealed_credentials(id);
  ASSERT_TRUE(before_reconnect);
  auto manager_reconnect =
      as(member_, "POST", profile_path(id) + "/reconnect", {{"app_password", working}});
  ASSERT_EQ(manager_reconnect.status, 200) << manager_reconnect.body;
  EXPECT_EQ(manager_reconnect.json()["status"], "active");
  EXPECT_EQ(manager_reconnect.json()["handle"], account.account.handle);
  const auto after_reconnect = sealed_credentials(id);
  ASSERT_TRUE(after_reconnect);
  EXPECT_NE(after_reconnect->sealed, before_reconnect->sealed);
  bool audited = false;
  for (const auto& record : audit_of(acme_)) {
    audited = audited || (record.event.action == "profile.reconnected" &&
                          record.event.actor == core::UserId{member_.id});
  }
  EXPECT_TRUE(audited);
  EXPECT_EQ(as(member_, "DELETE", profile_path(id)).status, 403);

  // Another organization: nothing exists.
  EXPECT_EQ(connect(outsider_, acme_, other.account.handle, other.app_password).status, 404);
  EXPECT_EQ(as(outsider_, "DELETE", profile_path(id)).status, 404);
  EXPECT_EQ(as(outsider_, "PATCH", profile_path(id), {{"requires_confirmation", true}}).status,
            404);
  EXPECT_EQ(as(outsider_, "POST", profile_path(id) + "/reconnect", {{"app_password", "x"}}).status,
            404);
  // Acme's profile through Globex's path, by Globex's owner: not found either.
  EXPECT_EQ(as(outsider_, "DELETE", profile_path(id, globex_)).status, 404);
  EXPECT_EQ(
      as(outsider_, "PATCH", profile_path(id, globex_), {{"requires_confirmation", true}}).status,
      404);
  EXPECT_EQ(profile_count(acme_), 1u);
}

TEST_F(ProfileConnectionsTest, ReconnectReplacesTheSessionAndMakesTheProfileActive) {
  auto account = new_account();
  auto id = connected(account);
  ASSERT_NE(id, 0);
  auto before = sealed_credentials(id);
  ASSERT_TRUE(before);
  {
    auto database = open_database();
    storage::ProfileRepository profiles(*database);
    ASSERT_TRUE(
        profiles.set_status(core::ProfileId{id}, storage::ProfileStatus::needs_reconnect, now_ms())
            .ok());
  }
  EXPECT_EQ(as(owner_, "GET", profile_path(id)).json()["status"], "needs_reconnect");

  // The revoked password no longer works: a clear 422, and nothing changes.
  test::revoke_app_password(test_pds(), account.account, "roost");
  auto stale =
      as(owner_, "POST", profile_path(id) + "/reconnect", {{"app_password", account.app_password}});
  ASSERT_EQ(stale.status, 422) << stale.body;
  EXPECT_EQ(stale.json()["error"]["code"], "profile_credentials_rejected");
  EXPECT_EQ(sealed_credentials(id), before);

  auto fresh = create_app_password(test_pds(), account.account, "roost-2");
  auto reconnected = as(owner_, "POST", profile_path(id) + "/reconnect", {{"app_password", fresh}});
  ASSERT_EQ(reconnected.status, 200) << reconnected.body;
  EXPECT_EQ(reconnected.json()["status"], "active");
  EXPECT_EQ(reconnected.json()["handle"], account.account.handle);
  auto after = sealed_credentials(id);
  ASSERT_TRUE(after);
  EXPECT_NE(after->sealed, before->sealed);

  // Another account's credentials cannot take the profile over.
  auto other = new_account();
  auto takeover = as(owner_, "POST", profile_path(id) + "/reconnect",
                     {{"identifier", other.account.handle}, {"app_password", other.app_password}});
  ASSERT_EQ(takeover.status, 409) << takeover.body;
  EXPECT_NE(error_message(takeover).find(account.account.did), std::string::npos);
  EXPECT_EQ(sealed_credentials(id), after);

  bool audited = false;
  for (const auto& record : audit_of(acme_)) {
    audited = audited || record.event.action == "profile.reconnected";
  }
  EXPECT_TRUE(audited);
}

TEST_F(ProfileConnectionsTest, SettingsChangeTheOwnerAndTheConfirmationStep) {
  auto id = connected(new_account());
  ASSERT_NE(id, 0);
  auto changed = as(owner_, "PATCH", profile_path(id),
                    {{"owner_user_id", member_.id}, {"requires_confirmation", true}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["owner_user_id"], member_.id);
  EXPECT_EQ(changed.json()["requires_confirmation"], true);
  auto detail = as(admin_, "GET", profile_path(id)).json();
  EXPECT_EQ(detail["owner_user_id"], member_.id);
  EXPECT_EQ(detail["requires_confirmation"], true);

  auto cleared = as(owner_, "PATCH", profile_path(id), {{"owner_user_id", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json()["owner_user_id"].is_null());
  EXPECT_EQ(cleared.json()["requires_confirmation"], true);

  // The owner must be a member of the organization; values are checked.
  auto stranger = as(owner_, "PATCH", profile_path(id), {{"owner_user_id", outsider_.id}});
  EXPECT_EQ(stranger.status, 422) << stranger.body;
  auto mistyped = as(owner_, "PATCH", profile_path(id), {{"requires_confirmation", "yes"}});
  ASSERT_EQ(mistyped.status, 422) << mistyped.body;
  EXPECT_EQ(mistyped.json()["error"]["details"][0]["field"], "requires_confirmation");
  EXPECT_EQ(as(owner_, "PATCH", profile_path(id), nlohmann::json::object()).status, 422);
}

TEST_F(ProfileConnectionsTest, RemovingCancelsItsScheduledPostsAndTellsTheirAuthors) {
  auto id = connected(new_account());
  ASSERT_NE(id, 0);
  std::int64_t post_id = 0;
  {
    auto database = open_database();
    storage::PostRepository posts(*database);
    storage::NewPost post;
    post.org = core::OrgId{acme_};
    post.author = core::UserId{member_.id};
    post.state = storage::PostState::scheduled;
    post.text = "Tomorrow's ride";
    post.schedule.at_ms = now_ms() + hour_ms;
    post.schedule.time_zone = "Europe/Paris";
    post.targets.push_back({core::ProfileId{id}, std::nullopt, "hash:ride"});
    auto created = posts.create(post, now_ms() * us_per_ms,
                                {{}, core::UserId{member_.id}, "", "", "{}", "t", now_ms()});
    ASSERT_TRUE(created.ok()) << created.error().message;
    post_id = created->post.id.value;
  }

  auto removed = as(admin_, "DELETE", profile_path(id));
  ASSERT_EQ(removed.status, 200) << removed.body;
  ASSERT_EQ(removed.json()["posts"].size(), 1u);
  EXPECT_EQ(removed.json()["posts"][0]["post_id"], post_id);
  EXPECT_EQ(removed.json()["posts"][0]["cancelled"], true);
  EXPECT_EQ(as(owner_, "GET", profile_path(id)).status, 404);
  EXPECT_EQ(as(owner_, "DELETE", profile_path(id)).status, 404);
  {
    auto database = open_database();
    storage::PostRepository posts(*database);
    auto found = posts.find(core::OrgId{acme_}, core::PostId{post_id});
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->state, storage::PostState::cancelled);
  }

  auto told = notifications(member_);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["kind"], "post.profile_removed");
  EXPECT_EQ(told[0]["payload"]["post_id"], post_id);
  EXPECT_EQ(told[0]["payload"]["cancelled"], true);
  auto mails = sink_.wait_for(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].envelope_to, std::vector<std::string>{"member@example.com"});
  const std::string subject = mails[0].header("Subject");  // ASCII: not encoded
  EXPECT_NE(subject.find("cancelled"), std::string::npos) << subject;
  EXPECT_NE(mails[0].body().find("/posts/" + std::to_string(post_id)), std::string::npos);
}

TEST_F(ProfileConnectionsTest, RemovingWhileAPostIsBeingPublishedToItIsAConflict) {
  auto id = connected(new_account());
  ASSERT_NE(id, 0);
  const std::int64_t due_ms = now_ms() + hour_ms;
  std::int64_t post_id = 0;
  {
    auto database = open_database();
    storage::PostRepository posts(*database);
    storage::NewPost post;
    post.org = core::OrgId{acme_};
    post.author = core::UserId{member_.id};
    post.state = storage::PostState::scheduled;
    post.text = "Going out now";
    post.schedule.at_ms = due_ms;
    post.schedule.time_zone = "Europe/Paris";
    post.targets.push_back({core::ProfileId{id}, std::nullopt, "hash:now"});
    auto created = posts.create(post, now_ms() * us_per_ms,
                                {{}, core::UserId{member_.id}, "", "", "{}", "t", now_ms()});
    ASSERT_TRUE(created.ok()) << created.error().message;
    post_id = created->post.id.value;
    // A dispatcher holds its job (as at its instant), for longer than the test runs.
    storage::PublishJobRepository jobs(*database);
    auto claimed = jobs.claim_due(due_ms, "another-process", hour_ms, 10);
    ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
  }
  auto refused = as(admin_, "DELETE", profile_path(id));
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "conflict");
  EXPECT_EQ(as(owner_, "GET", profile_path(id)).status, 200);
  {
    auto database = open_database();
    storage::PostRepository posts(*database);
    auto found = posts.find(core::OrgId{acme_}, core::PostId{post_id});
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->state, storage::PostState::publishing);
    ASSERT_EQ((*found)->targets.size(), 1u);
  }
  EXPECT_TRUE(notifications(member_).empty());
}

// The session Roost holds for a profile is opened here with the instance's key (from the data
// directory) to learn its tokens; then neither they nor the app password may appear in the
// database's files, in the server's log, or in any answer.
TEST_F(ProfileConnectionsTest, TheProfilesTokensAreNowhereInTheDatabaseTheLogOrTheAnswers) {
  auto account = new_account();
  auto response = connect(owner_, acme_, account.account.handle, account.app_password);
  ASSERT_EQ(response.status, 201) << response.body;
  const std::int64_t id = response.json()["id"];
  auto listed = as(owner_, "GET", org_path(acme_) + "/profiles");
  auto detail = as(owner_, "GET", profile_path(id));
  auto reconnected =
      as(owner_, "POST", profile_path(id) + "/reconnect", {{"app_password", account.app_password}});
  ASSERT_EQ(reconnected.status, 200) << reconnected.body;

  networks::ProfileCredentials session;
  {
    auto database = open_database();
    storage::InstanceSettingsRepository settings(*database);
    auto keyring = services::load_sealing_keyring(settings, server_.data_dir() / "secret.key");
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    storage::ProfileRepository profiles(*database);
    auto sealed = profiles.credentials(core::ProfileId{id});
    ASSERT_TRUE(sealed.ok() && sealed->has_value());
    auto opened = services::open_credentials(*keyring, core::ProfileId{id}, **sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    session = *opened;
  }
  ASSERT_EQ(session.did, account.account.did);
  ASSERT_GT(session.access_jwt.size(), 40u);
  ASSERT_GT(session.refresh_jwt.size(), 40u);

  std::string database_files;
  for (const auto& entry : std::filesystem::directory_iterator(server_.data_dir())) {
    if (entry.path().filename().string().starts_with("roost.db")) {
      database_files += file_bytes(entry.path());
    }
  }
  ASSERT_FALSE(database_files.empty());
  const std::string log = server_.log();
  const std::string answers = response.body + listed.body + detail.body + reconnected.body;
  // A JWT's signature is its most distinctive part; the whole token, too.
  auto signature = [](const std::string& jwt) { return jwt.substr(jwt.rfind('.') + 1); };
  for (const std::string& secret :
       {session.access_jwt, session.refresh_jwt, signature(session.access_jwt),
        signature(session.refresh_jwt), account.app_password}) {
    EXPECT_EQ(database_files.find(secret), std::string::npos);
    EXPECT_EQ(log.find(secret), std::string::npos);
    EXPECT_EQ(answers.find(secret), std::string::npos);
  }
  // The check can fail: the database does hold what is not secret.
  EXPECT_NE(database_files.find(account.account.did), std::string::npos);
}

}  // namespace
}  // namespace roost::testing
