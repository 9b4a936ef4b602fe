#pragma once

// The fixture shared by the organization and team scenario tests (tests/http).
#include <gtest/gtest.h>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"

namespace roost::testing {

inline constexpr std::string_view password = "analytical engine";
inline constexpr std::size_t audit_listed_max = 100;

struct User {
  std::string token;
  std::string csrf;
  std::int64_t id = 0;
  std::string email;
};

// A scenario of organization routes: a real roost, users who sign up and log in, requests
// sent with their session cookie and CSRF token, and a view into the database for what
// the API cannot do yet (adding members) or does not show (the audit trail).
class OrgScenarioTest : public ::testing::Test {
 protected:
  // `server_arguments`: extra flags of `roost serve` (a mail server, the Bluesky test peer).
  explicit OrgScenarioTest(std::vector<std::string> server_arguments = {})
      : server_(std::move(server_arguments)) {}

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {},
                       std::map<std::string, std::string> headers = {}) {
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return http_request(port(), method, target, body, headers);
  }

  HttpResponse as(const User& user, const std::string& method, const std::string& target,
                  const nlohmann::json& body = nullptr, bool with_csrf = true) {
    std::map<std::string, std::string> headers = {{"Cookie", "roost_session=" + user.token}};
    if (with_csrf) headers["X-CSRF-Token"] = user.csrf;
    return request(method, target, body.is_null() ? std::string{} : body.dump(), headers);
  }

  User sign_up(const std::string& email) {
    auto created = request(
        "POST", "/api/v1/accounts",
        nlohmann::json{{"email", email}, {"display_name", email}, {"password", password}}.dump());
    EXPECT_EQ(created.status, 201) << created.body;
    auto login = request("POST", "/api/v1/sessions",
                         nlohmann::json{{"email", email}, {"password", password}}.dump());
    EXPECT_EQ(login.status, 201) << login.body;
    if (login.status != 201) return {};
    auto cookie = login.header("set-cookie");
    const std::string prefix = "roost_session=";
    auto body = login.json();
    return {cookie.substr(prefix.size(), cookie.find(';') - prefix.size()), body["csrf_token"],
            body["user"]["id"], email};
  }

  std::int64_t create_org(const User& owner, const std::string& name) {
    auto created = as(owner, "POST", "/api/v1/orgs", {{"name", name}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.json()["id"].get<std::int64_t>() : 0;
  }

  std::unique_ptr<storage::Database> open_database() {
    auto url =
        storage::parse_database_url("sqlite://" + (server_.data_dir() / "roost.db").string());
    EXPECT_TRUE(url.ok());
    auto database = storage::open_database(*url, {});
    EXPECT_TRUE(database.ok());
    return database.ok() ? std::move(database).value() : nullptr;
  }

  // Invitations come with their own slice; until then tests add members in the database.
  void add_member(std::int64_t org, const User& user, domain::OrgRole role) {
    auto database = open_database();
    ASSERT_TRUE(database);
    storage::OrganizationRepository organizations(*database);
    auto added = organizations.add_member(
        {core::OrgId{org}, core::UserId{user.id}, role, 1},
        storage::AuditEvent{{}, std::nullopt, "member.added", "user", "{}", "test", 1});
    ASSERT_TRUE(added.ok()) << added.error().message;
  }

  std::int64_t create_team(const User& admin, std::int64_t org, const std::string& name) {
    auto created = as(admin, "POST", org_path(org) + "/teams", {{"name", name}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.json()["id"].get<std::int64_t>() : 0;
  }

  static std::string team_path(std::int64_t org, std::int64_t team) {
    return org_path(org) + "/teams/" + std::to_string(team);
  }

  // `user` joins `team` with `team_role`, through the API as `admin`.
  void add_team_member(const User& admin, std::int64_t org, std::int64_t team, const User& user,
                       const std::string& team_role) {
    auto put = as(admin, "PUT", team_path(org, team) + "/members/" + std::to_string(user.id),
                  {{"team_role", team_role}});
    EXPECT_EQ(put.status, 200) << put.body;
  }

  // `team` gets `level` on `profile`, through the API as `admin`.
  void grant_profile(const User& admin, std::int64_t org, std::int64_t team, std::int64_t profile,
                     const std::string& level) {
    auto granted = as(admin, "PUT", team_path(org, team) + "/profiles/" + std::to_string(profile),
                      {{"level", level}});
    ASSERT_EQ(granted.status, 200) << granted.body;
  }

  // Connecting a profile comes with the networks; until then tests write it.
  std::int64_t connect_profile(std::int64_t org, const std::string& did,
                               const std::string& handle) {
    auto database = open_database();
    if (!database) return 0;
    storage::ProfileRepository profiles(*database);
    storage::ProfileDraft draft{core::OrgId{org}, "bluesky", did, handle, "", "", "", {}, {}, 1};
    auto created = profiles.create(
        draft, storage::AuditEvent{{}, std::nullopt, "profile.connected", "", "{}", "test", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id.value : 0;
  }

  std::vector<storage::AuditRecord> audit_of(std::int64_t org) {
    auto database = open_database();
    if (!database) return {};
    storage::AuditRepository audit(*database);
    auto events = audit.list_for_org(core::OrgId{org}, audit_listed_max);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<storage::AuditRecord>{};
  }

  static std::string org_path(std::int64_t org) { return "/api/v1/orgs/" + std::to_string(org); }
  static std::string member_path(std::int64_t org, const User& user) {
    return org_path(org) + "/members/" + std::to_string(user.id);
  }

  static std::string error_message(const HttpResponse& response) {
    return response.json()["error"]["message"];
  }

  // The port requests go to: the fixture's server, or the one a test started in its place on
  // the same data directory (a restart).
  unsigned short port() const { return port_override_ != 0 ? port_override_ : server_.port(); }

  RoostServer server_;
  unsigned short port_override_ = 0;
};

}  // namespace roost::testing
