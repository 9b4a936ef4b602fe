#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "scratch_database.hpp"
#include "storage/database.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using core::ErrorCode;

// A refused TCP connection fails at once; the bound is there to catch a hang.
constexpr std::chrono::seconds unreachable_failure_time_max{3};

class TemporaryDirectory {
 public:
  TemporaryDirectory()
      : path_(std::filesystem::temp_directory_path() / unique_name("roost-open-test-")) {
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(OpenDatabase, UnreachablePostgresIsUnavailableQuicklyAndKeepsThePasswordSecret) {
  auto url = parse_database_url("postgresql://roost:s3cret@127.0.0.1:1/roost");
  ASSERT_TRUE(succeeded(url));
  const auto start = std::chrono::steady_clock::now();
  auto opened = open_database(*url, {});
  EXPECT_LT(std::chrono::steady_clock::now() - start, unreachable_failure_time_max);
  ASSERT_TRUE(failed_with(opened, ErrorCode::unavailable));
  EXPECT_NE(opened.error().message.find("postgresql://roost:***@127.0.0.1:1/roost"),
            std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("s3cret"), std::string::npos) << opened.error().message;
}

TEST(OpenDatabase, SqliteCreatesMissingDirectories) {
  TemporaryDirectory directory;
  const auto file = directory.path() / "a" / "b" / "roost.db";
  auto url = parse_database_url("sqlite://" + file.string());
  ASSERT_TRUE(succeeded(url));
  auto opened = open_database(*url, {});
  ASSERT_TRUE(succeeded(opened));
  EXPECT_TRUE(std::filesystem::exists(file));
}

// A regular file where a directory should be: fails even for root, unlike permissions.
TEST(OpenDatabase, SqliteInAnImpossibleLocationIsAnErrorNamingThePath) {
  TemporaryDirectory directory;
  const auto blocker = directory.path() / "not-a-directory";
  std::ofstream(blocker) << "x";
  const auto file = blocker / "data" / "roost.db";
  auto url = parse_database_url("sqlite://" + file.string());
  ASSERT_TRUE(succeeded(url));
  auto opened = open_database(*url, {});
  ASSERT_TRUE(failed_with(opened, ErrorCode::unavailable));
  EXPECT_NE(opened.error().message.find(file.string()), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find("cannot create the directory"), std::string::npos)
      << opened.error().message;
}

TEST(OpenDatabase, ASqliteDirectoryInsteadOfAFileIsUnavailable) {
  TemporaryDirectory directory;
  auto url = parse_database_url("sqlite://" + directory.path().string());
  ASSERT_TRUE(succeeded(url));
  EXPECT_TRUE(failed_with(open_database(*url, {}), ErrorCode::unavailable));
}

TEST(OpenDatabase, NoConnectionsIsAConfigurationError) {
  TemporaryDirectory directory;
  auto url = parse_database_url("sqlite://" + (directory.path() / "roost.db").string());
  ASSERT_TRUE(succeeded(url));
  auto opened = open_database(*url, DatabaseOptions{.sqlite_reader_connections = 0});
  EXPECT_TRUE(failed_with(opened, ErrorCode::configuration_error));
}

}  // namespace
}  // namespace roost::storage::testing
