#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

// The low-level database contract, implemented by sqlite/ and postgres/. Only code under
// storage/ sees it: services talk to the repositories, which are written once against
// this interface in SQL both engines accept (see docs/adr/0002-one-sql-two-backends.md).
namespace roost::storage {

enum class Backend { sqlite, postgres };
std::string_view backend_name(Backend backend);

struct Blob {
  std::vector<std::uint8_t> bytes;
  bool operator==(const Blob&) const = default;
};

// A bound parameter or a column value. Booleans are stored as integers 0/1 on both
// backends; timestamps as integer milliseconds since the Unix epoch (UTC).
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, Blob>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t index) const { return values_.at(index); }
  bool is_null(std::size_t index) const;
  // These assert the column's type: a mismatch is a bug in the SQL, not user input.
  std::int64_t integer(std::size_t index) const;
  double real(std::size_t index) const;
  const std::string& text(std::size_t index) const;
  const Blob& blob(std::size_t index) const;
  std::optional<std::int64_t> optional_integer(std::size_t index) const;
  std::optional<std::string> optional_text(std::size_t index) const;

 private:
  std::vector<Value> values_;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  // Rows changed by INSERT/UPDATE/DELETE; a SELECT reports its row count (as PostgreSQL
  // does, and SQLite is made to); other statements report 0.
  std::int64_t affected_rows = 0;
};

// One open transaction. SQL uses $1, $2, ... placeholders on both backends.
// Errors: a unique or foreign-key violation is ErrorCode::conflict; a lost connection
// is ErrorCode::unavailable; anything else the engine reports is ErrorCode::database_error.
// A failed statement spends the transaction on both backends (PostgreSQL's rule): later
// statements fail too, and it rolls back even if the work returns success. Text values
// cannot contain NUL bytes (PostgreSQL's rule): bind binary data as a Blob.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual Backend backend() const = 0;
  virtual core::Result<QueryResult> query(std::string_view sql,
                                          const std::vector<Value>& params = {}) = 0;
  // Runs a statement and returns the number of rows it changed.
  core::Result<std::int64_t> execute(std::string_view sql, const std::vector<Value>& params = {});
  // Runs a query expected to return zero or one row.
  core::Result<std::optional<Row>> query_one(std::string_view sql,
                                             const std::vector<Value>& params = {});
  // Runs several statements without parameters (migrations).
  virtual core::Result<void> execute_script(std::string_view sql) = 0;
};

enum class TransactionMode { read_only, read_write };

struct PoolStats {
  int connections_total = 0;
  int connections_in_use = 0;
  std::uint64_t acquisitions_total = 0;
  std::uint64_t acquisition_waits_total = 0;  // acquisitions that had to wait for a connection
  std::uint64_t acquisition_timeouts_total = 0;
};

using TransactionWork = std::function<core::Result<void>(Transaction&)>;

// A pool of connections to one database. Thread-safe; every call blocks, so callers on
// an I/O thread go through the blocking pool (api/http/blocking_executor).
class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  // Runs `work` in one transaction: commits when it returns success, rolls back when it
  // returns an error or throws (the exception is rethrown after the rollback).
  // Never call transact() from inside `work`: a nested read_write transaction on SQLite
  // waits for the one writer connection and fails as unavailable after the pool timeout.
  virtual core::Result<void> transact(TransactionMode mode, const TransactionWork& work) = 0;
  // The same, for work that may run more than once: when PostgreSQL rolls the transaction
  // back for a deadlock (40P01) or a serialization failure (40001), it runs again from the
  // start, up to limits::database_rerun_attempts_max times in all, after a short jittered
  // pause (ADR 0030). `work` must therefore set what it hands out, never add to what an
  // earlier run left. Any other error is returned at once. SQLite has one writer and waits
  // for it (busy timeout): nothing to rerun, so this is transact().
  virtual core::Result<void> transact_rerunnable(TransactionMode mode,
                                                 const TransactionWork& work) {
    return transact(mode, work);
  }
  // Does the database answer? (a trivial query on a pooled connection)
  virtual core::Result<void> ping() = 0;
  virtual PoolStats pool_stats() const = 0;
};

struct DatabaseUrl {
  Backend backend = Backend::sqlite;
  std::string sqlite_path;        // for sqlite:///PATH
  std::string postgres_conninfo;  // the URL as libpq takes it
  std::string redacted;           // for logs: the password replaced by ***
};

// Parses `sqlite:///absolute/path.db`, `sqlite://relative/path.db`,
// `postgresql://...` or `postgres://...`. Anything else is ErrorCode::configuration_error.
core::Result<DatabaseUrl> parse_database_url(std::string_view url);

struct DatabaseOptions {
  int sqlite_reader_connections = 4;
  int postgres_connections = 8;
};

// Opens the pool and checks that the database answers: an unreachable database is
// ErrorCode::unavailable with a message that names the redacted URL.
core::Result<std::unique_ptr<Database>> open_database(const DatabaseUrl& url,
                                                      const DatabaseOptions& options);

}  // namespace roost::storage
