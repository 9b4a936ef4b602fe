// Start-up of the real binary: options, configuration errors, the database and the key.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"
#include "storage/database.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;

class StartupTest : public ::testing::Test {
 protected:
  void SetUp() override { data_dir_ = make_temp_directory("roost-startup-test"); }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }
  std::filesystem::path data_dir_;
};

// A start-up error is one line "roost: <what is wrong>" (after any log lines of what
// went well before it) and a non-zero exit.
void expect_one_line_failure(const ProcessResult& result, const std::string& needle) {
  EXPECT_NE(result.exit_code, 0) << result.output;
  std::istringstream lines(result.output);
  int error_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("roost: ", 0) != 0) continue;
    ++error_lines;
    EXPECT_NE(line.find(needle), std::string::npos) << result.output;
  }
  EXPECT_EQ(error_lines, 1) << result.output;
}

TEST_F(StartupTest, VersionPrints) {
  auto result = run_roost({"version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output.rfind("roost ", 0), 0u) << result.output;
}

TEST_F(StartupTest, ServeHelpDocumentsEveryOption) {
  auto result = run_roost({"serve", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option :
       {"--listen", "--data-dir", "--database-url", "--web-root", "--log-format", "--log-level",
        "--secret-key-file", "--config", "--max-body-bytes", "--header-timeout-ms",
        "--body-timeout-ms", "--shutdown-grace-ms", "--io-threads", "--blocking-threads",
        "ROOST_LISTEN", "ROOST_DATABASE_URL"}) {
    EXPECT_NE(result.output.find(option), std::string::npos) << option;
  }
  for (const char* option : {"--smtp-url", "--smtp-from", "--public-url", "ROOST_SMTP_URL"}) {
    EXPECT_NE(result.output.find(option), std::string::npos) << option;
  }
}

TEST_F(StartupTest, UnknownOptionIsAnError) {
  auto result = run_roost({"serve", "--data-dir", data_dir_.string(), "--listen-adress", "x"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("--listen-adress"), std::string::npos) << result.output;
}

TEST_F(StartupTest, UnknownConfigKeyIsAnError) {
  auto config = data_dir_ / "roost.toml";
  std::ofstream(config) << "listen = \"127.0.0.1:0\"\ndatabase_ur = \"sqlite:///tmp/x.db\"\n";
  auto result = run_roost({"serve", "--config", config.string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("database_ur"), std::string::npos) << result.output;
}

TEST_F(StartupTest, DatabaseUrlThatDoesNotParse) {
  auto result =
      run_roost({"serve", "--data-dir", data_dir_.string(), "--database-url", "mysql://x"});
  expect_one_line_failure(result, "invalid database URL");
}

TEST_F(StartupTest, UnreachableDatabaseFailsQuickly) {
  auto started = std::chrono::steady_clock::now();
  auto result = run_roost({"serve", "--data-dir", data_dir_.string(), "--database-url",
                           "postgresql://roost:hunter2@127.0.0.1:1/roost"});
  expect_one_line_failure(result, "roost: ");
  EXPECT_EQ(result.output.find("hunter2"), std::string::npos) << "the password must not be printed";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
}

TEST_F(StartupTest, PortInUseIsAnError) {
  RoostServer first;
  auto result = run_roost({"serve", "--data-dir", data_dir_.string(), "--listen",
                           "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("cannot listen"), std::string::npos) << result.output;
}

TEST_F(StartupTest, MigrateAppliesAndReportsStatus) {
  auto migrated = run_roost({"migrate", "--data-dir", data_dir_.string()});
  EXPECT_EQ(migrated.exit_code, 0) << migrated.output;
  EXPECT_NE(migrated.output.find("up to date"), std::string::npos) << migrated.output;
  auto status = run_roost({"migrate", "--status", "--data-dir", data_dir_.string()});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.output.find("schema version"), std::string::npos);
}

TEST_F(StartupTest, DatabaseNewerThanTheBinaryIsRefused) {
  ASSERT_EQ(run_roost({"migrate", "--data-dir", data_dir_.string()}).exit_code, 0);
  {
    auto url = storage::parse_database_url("sqlite://" + (data_dir_ / "roost.db").string());
    auto database = storage::open_database(*url, {});
    ASSERT_TRUE(database.ok());
    auto bumped = (*database)->transact(storage::TransactionMode::read_write, [](auto& txn) {
      auto inserted = txn.execute(
          "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
          {std::int64_t{9999}, std::string("from_the_future"), std::int64_t{0}});
      return inserted.ok() ? core::success() : core::Result<void>(inserted.error());
    });
    ASSERT_TRUE(bumped.ok());
  }
  auto result = run_roost({"serve", "--data-dir", data_dir_.string(), "--listen", "127.0.0.1:0"});
  expect_one_line_failure(result, "9999");
}

TEST_F(StartupTest, SecretKeyIsCreatedAndAMissingKeyIsAClearError) {
  { RoostServer server({}, data_dir_); }
  auto key_file = data_dir_ / "secret.key";
  ASSERT_TRUE(std::filesystem::exists(key_file));
  EXPECT_EQ(std::filesystem::status(key_file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(key_file, data_dir_ / "moved.key");
  auto result = run_roost({"serve", "--data-dir", data_dir_.string(), "--listen", "127.0.0.1:0"});
  expect_one_line_failure(result, "sealed with key");
  EXPECT_NE(result.output.find("does not exist"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(key_file)) << "a new key must not replace the lost one";
  // Pointing --secret-key-file at the key brings the instance back.
  RoostServer restored({"--secret-key-file", (data_dir_ / "moved.key").string()}, data_dir_);
  EXPECT_EQ(http_request(restored.port(), "GET", "/readyz").status, 200);
}

TEST_F(StartupTest, AnotherKeyIsRefused) {
  { RoostServer server({}, data_dir_); }
  auto other_dir = make_temp_directory("roost-other-key");
  { RoostServer other({}, other_dir); }
  auto result = run_roost({"serve", "--data-dir", data_dir_.string(), "--listen", "127.0.0.1:0",
                           "--secret-key-file", (other_dir / "secret.key").string()});
  expect_one_line_failure(result, "sealed with key");
  std::filesystem::remove_all(other_dir);
}

TEST_F(StartupTest, SecretKeyFileFromTheEnvironment) {
  auto key_file = data_dir_ / "elsewhere" / "roost.key";
  std::string variable = "ROOST_SECRET_KEY_FILE=" + key_file.string();
  auto result = run_roost({"migrate", "--data-dir", data_dir_.string()}, 20s, {variable});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // `migrate` does not touch the key; `serve` creates it where the variable says.
  ::setenv("ROOST_SECRET_KEY_FILE", key_file.c_str(), 1);
  { RoostServer server({}, data_dir_); }
  ::unsetenv("ROOST_SECRET_KEY_FILE");
  EXPECT_TRUE(std::filesystem::exists(key_file));
  EXPECT_FALSE(std::filesystem::exists(data_dir_ / "secret.key"));
}

}  // namespace
}  // namespace roost::testing
