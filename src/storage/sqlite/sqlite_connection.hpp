#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace roost::storage::sqlite {

enum class ConnectionMode { read_only, read_write };

// One SQLite connection with its cache of prepared statements. Used by one thread at a
// time (the pool hands it out), so it holds no lock of its own.
class SqliteConnection {
 public:
  // A read_write connection creates the file and switches it to WAL; read_only
  // connections expect the file to exist already.
  static core::Result<std::unique_ptr<SqliteConnection>> open(const std::string& path,
                                                              ConnectionMode mode);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one statement; `$N` placeholders take params[N - 1].
  core::Result<QueryResult> query(std::string_view sql, const std::vector<Value>& params);
  // Runs statements without parameters (transaction control, pragmas, migrations).
  core::Result<void> execute_script(std::string_view sql);
  // Is a transaction still open on this connection?
  bool in_transaction() const;

 private:
  explicit SqliteConnection(sqlite3* handle) : handle_(handle) {}
  core::Result<void> configure(ConnectionMode mode);
  core::Result<sqlite3_stmt*> prepare(std::string_view sql);
  core::Result<QueryResult> step_all(sqlite3_stmt* statement);
  core::Error last_error() const;

  sqlite3* handle_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace roost::storage::sqlite
