// The real binary on PostgreSQL: it migrates, reports ready, and serves requests that
// touch the database, exactly as on SQLite.
#include <gtest/gtest.h>

#include "../storage/scratch_database.hpp"
#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"

namespace roost::testing {
namespace {

class PostgresBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = storage::testing::ScratchDatabase::create(storage::Backend::postgres);
    ASSERT_TRUE(scratch.ok()) << scratch.error().message;
    scratch_ = std::move(scratch).value();
  }
  std::string url() const { return scratch_->url().postgres_conninfo; }
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
};

TEST_F(PostgresBackend, ServesReadyzSignUpAndPoolMetrics) {
  RoostServer server({"--database-url", url()});
  auto ready = http_request(server.port(), "GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(ready.json()["checks"]["migrations"]["ok"]);

  nlohmann::json ada = {
      {"email", "ada@example.com"}, {"display_name", "Ada"}, {"password", "analytical engine"}};
  const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
  EXPECT_EQ(http_request(server.port(), "POST", "/api/v1/accounts", ada.dump(), json).status, 201);
  auto again = http_request(server.port(), "POST", "/api/v1/accounts", ada.dump(), json);
  EXPECT_EQ(again.status, 409) << again.body;

  auto metrics = http_request(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("roost_db_connections{backend=\"postgres\",state=\"open\"}"),
            std::string::npos)
      << metrics.body;
}

// The organization routes on PostgreSQL: the same SQL, the same answers as on SQLite.
TEST_F(PostgresBackend, ServesOrganizations) {
  RoostServer server({"--database-url", url()});
  std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
  nlohmann::json ada = {
      {"email", "ada@example.com"}, {"display_name", "Ada"}, {"password", "analytical engine"}};
  ASSERT_EQ(http_request(server.port(), "POST", "/api/v1/accounts", ada.dump(), headers).status,
            201);
  auto login = http_request(server.port(), "POST", "/api/v1/sessions", ada.dump(), headers);
  ASSERT_EQ(login.status, 201) << login.body;
  auto cookie = login.header("set-cookie");
  headers["Cookie"] = cookie.substr(0, cookie.find(';'));
  headers["X-CSRF-Token"] = login.json()["csrf_token"];
  const std::int64_t ada_id = login.json()["user"]["id"];

  auto created =
      http_request(server.port(), "POST", "/api/v1/orgs", R"({"name":"Bikes"})", headers);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto org = "/api/v1/orgs/" + std::to_string(created.json()["id"].get<std::int64_t>());
  auto listed = http_request(server.port(), "GET", "/api/v1/orgs", {}, headers);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()["organizations"][0]["role"], "owner");
  EXPECT_EQ(http_request(server.port(), "PATCH", org, R"({"name":"Bicycles"})", headers).status,
            200);
  auto last_owner = http_request(server.port(), "DELETE",
                                 org + "/members/" + std::to_string(ada_id), {}, headers);
  EXPECT_EQ(last_owner.status, 409) << last_owner.body;
  auto members = http_request(server.port(), "GET", org + "/members?limit=1", {}, headers);
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_EQ(members.json()["members"][0]["user_id"], ada_id);
  EXPECT_TRUE(members.json()["next_cursor"].is_null());
  EXPECT_EQ(
      http_request(server.port(), "DELETE", org, R"({"confirm_name":"Bicycles"})", headers).status,
      204);
  EXPECT_EQ(http_request(server.port(), "GET", org, {}, headers).status, 404);
}

TEST_F(PostgresBackend, MigrateThenServeAgreeOnTheSchema) {
  auto migrated = run_roost({"migrate", "--database-url", url()});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
  auto status = run_roost({"migrate", "--status", "--database-url", url()});
  EXPECT_NE(status.output.find("up to date"), std::string::npos) << status.output;
  RoostServer server({"--database-url", url()});
  EXPECT_EQ(http_request(server.port(), "GET", "/readyz").status, 200);
}

}  // namespace
}  // namespace roost::testing
