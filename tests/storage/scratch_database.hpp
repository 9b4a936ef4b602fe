#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage::testing {

// The URL of the test PostgreSQL server's maintenance database: ROOST_TEST_POSTGRES_URL,
// else the contents of the file named by ROOST_TEST_POSTGRES_URL_FILE (written by the
// CTest fixture `postgres`). No URL is an error: CI must never skip the PostgreSQL half.
core::Result<std::string> postgres_admin_url();

// A fresh, empty database for one test, removed when the object is destroyed: SQLite in
// a temporary directory; PostgreSQL as CREATE DATABASE roost_test_<random> on the test server.
class ScratchDatabase {
 public:
  static core::Result<std::unique_ptr<ScratchDatabase>> create(Backend backend);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const DatabaseUrl& url() const { return url_; }

 private:
  ScratchDatabase() = default;

  DatabaseUrl url_;
  std::filesystem::path sqlite_directory_;
  std::string postgres_admin_url_;
  std::string postgres_database_name_;
};

// A fresh scratch database of `backend`, opened and migrated to the latest schema:
// `scratch` keeps it alive (and removes it), `database` is the connection to it.
core::Result<void> open_migrated(Backend backend, std::unique_ptr<ScratchDatabase>& scratch,
                                 std::unique_ptr<Database>& database);

// A name no other test uses at the same time: prefix + 16 random hex digits.
std::string unique_name(const std::string& prefix);

}  // namespace roost::storage::testing
