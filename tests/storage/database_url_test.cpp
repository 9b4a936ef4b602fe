#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using core::ErrorCode;

TEST(DatabaseUrl, SqliteAbsolutePath) {
  auto url = parse_database_url("sqlite:///var/lib/roost/roost.db");
  ASSERT_TRUE(succeeded(url));
  EXPECT_EQ(url->backend, Backend::sqlite);
  EXPECT_EQ(url->sqlite_path, "/var/lib/roost/roost.db");
  EXPECT_EQ(url->redacted, "sqlite:///var/lib/roost/roost.db");
}

TEST(DatabaseUrl, SqliteRelativePath) {
  auto url = parse_database_url("sqlite://data/roost.db");
  ASSERT_TRUE(succeeded(url));
  EXPECT_EQ(url->backend, Backend::sqlite);
  EXPECT_EQ(url->sqlite_path, "data/roost.db");
}

TEST(DatabaseUrl, PostgresqlUrlKeepsThePasswordForLibpqButRedactsItForLogs) {
  auto url = parse_database_url("postgresql://roost:s3cret@db.example:5/roost");
  ASSERT_TRUE(succeeded(url));
  EXPECT_EQ(url->backend, Backend::postgres);
  EXPECT_EQ(url->postgres_conninfo.rfind("postgresql://roost:s3cret@db.example:5/roost", 0), 0u);
  EXPECT_EQ(url->redacted, "postgresql://roost:***@db.example:5/roost");
}

TEST(DatabaseUrl, PasswordInTheQueryIsRedactedToo) {
  auto url = parse_database_url("postgres://roost@db/roost?sslmode=require&password=s3cret");
  ASSERT_TRUE(succeeded(url));
  EXPECT_EQ(url->redacted, "postgres://roost@db/roost?sslmode=require&password=***");
}

TEST(DatabaseUrl, PostgresSchemeIsAccepted) {
  auto url = parse_database_url("postgres://localhost/roost");
  ASSERT_TRUE(succeeded(url));
  EXPECT_EQ(url->backend, Backend::postgres);
  EXPECT_EQ(url->redacted, "postgres://localhost/roost");
}

TEST(DatabaseUrl, AConnectTimeoutIsAddedUnlessGiven) {
  auto without = parse_database_url("postgresql://localhost/roost");
  ASSERT_TRUE(succeeded(without));
  EXPECT_EQ(without->postgres_conninfo, "postgresql://localhost/roost?connect_timeout=5");
  auto with = parse_database_url("postgresql://localhost/roost?connect_timeout=1");
  ASSERT_TRUE(succeeded(with));
  EXPECT_EQ(with->postgres_conninfo, "postgresql://localhost/roost?connect_timeout=1");
}

TEST(DatabaseUrl, AnythingElseIsAConfigurationError) {
  for (const char* bad : {"", "garbage", "mysql://localhost/roost", "sqlite://", "sqlite:///",
                          "postgresql://", "SQLITE:///x.db", "/var/lib/roost.db"}) {
    EXPECT_TRUE(failed_with(parse_database_url(bad), ErrorCode::configuration_error))
        << "url: '" << bad << "'";
  }
}

}  // namespace
}  // namespace roost::storage::testing
