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
