#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <charconv>
#include <string>

#include "core/limits.hpp"
#include "storage/guarded_transaction.hpp"

namespace roost::storage::sqlite {

namespace {

// Roost's SQL is a fixed set of statements, so the cache stays small; the bound only
// matters if some code builds SQL text dynamically.
constexpr std::size_t statement_cache_size_max = 256;

core::ErrorCode error_code_for(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY: return core::ErrorCode::conflict;
    default: break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR: return core::ErrorCode::unavailable;
    default: return core::ErrorCode::database_error;
  }
}

core::Error engine_error(int extended_code, std::string message) {
  return core::make_error(error_code_for(extended_code), "sqlite: " + std::move(message));
}

// Resets a cached statement however the query ends, so it holds no lock and no
// reference to the caller's parameters afterwards.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// `$12` -> 12; anything else (`?`, `:name`, `$x`) -> 0.
std::size_t placeholder_number(const char* name) {
  if (name == nullptr || name[0] != '$') return 0;
  const std::string_view digits(name + 1);
  std::size_t number = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return 0;
  return number;
}

int bind_value(sqlite3_stmt* statement, int index, const Value& value) {
  // The caller's params outlive the statement's execution (the bindings are cleared before
  // query() returns), so SQLite need not copy text and blobs.
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return sqlite3_bind_int64(statement, index, *integer);
  }
  if (const auto* real = std::get_if<double>(&value)) {
    return sqlite3_bind_double(statement, index, *real);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    return sqlite3_bind_text64(statement, index, text->data(), text->size(), SQLITE_STATIC,
                               SQLITE_UTF8);
  }
  if (const auto* blob = std::get_if<Blob>(&value)) {
    // A null data pointer would bind NULL, not an empty blob.
    if (blob->bytes.empty()) return sqlite3_bind_zeroblob(statement, index, 0);
    return sqlite3_bind_blob64(statement, index, blob->bytes.data(), blob->bytes.size(),
                               SQLITE_STATIC);
  }
  return sqlite3_bind_null(statement, index);
}

core::Error parameter_error(std::string message) {
  return core::make_error(core::ErrorCode::database_error, "sqlite: " + std::move(message));
}

// SQLite treats `$1` as a named parameter, so the same SQL text runs on both backends:
// each placeholder of the statement is bound to the parameter its name designates.
core::Result<void> bind_parameters(sqlite3* handle, sqlite3_stmt* statement,
                                   const std::vector<Value>& params) {
  auto text_ok = check_text_parameters(params);
  if (!text_ok.ok()) return text_ok;
  std::vector<bool> used(params.size(), false);
  const int count = sqlite3_bind_parameter_count(statement);
  for (int index = 1; index <= count; ++index) {
    const char* name = sqlite3_bind_parameter_name(statement, index);
    const std::size_t number = placeholder_number(name);
    if (number == 0 || number > params.size()) {
      return parameter_error("the statement uses placeholder " +
                             std::string(name == nullptr ? "?" : name) + " but " +
                             std::to_string(params.size()) + " parameters were given");
    }
    if (bind_value(statement, index, params[number - 1]) != SQLITE_OK) {
      return engine_error(sqlite3_extended_errcode(handle), sqlite3_errmsg(handle));
    }
    used[number - 1] = true;
  }
  for (std::size_t position = 0; position < used.size(); ++position) {
    if (!used[position]) {
      return parameter_error("parameter $" + std::to_string(position + 1) +
                             " is not used by the statement");
    }
  }
  return core::success();
}

Value read_column(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(statement, column)};
    case SQLITE_FLOAT: return sqlite3_column_double(statement, column);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, column));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
      return data == nullptr ? Blob{} : Blob{{data, data + size}};
    }
    default: return nullptr;
  }
}

Row read_row(sqlite3_stmt* statement, int column_count) {
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(column_count));
  for (int column = 0; column < column_count; ++column) {
    values.push_back(read_column(statement, column));
  }
  return Row(std::move(values));
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

}  // namespace

core::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                       ConnectionMode mode) {
  // NOMUTEX: the pool guarantees one thread at a time per connection.
  const int access = mode == ConnectionMode::read_only ? SQLITE_OPEN_READONLY
                                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* handle = nullptr;
  const int status = sqlite3_open_v2(path.c_str(), &handle, access | SQLITE_OPEN_NOMUTEX, nullptr);
  if (status != SQLITE_OK) {
    std::string message = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(status);
    sqlite3_close(handle);
    return engine_error(status, "cannot open " + path + ": " + message);
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(handle));
  auto configured = connection->configure(mode);
  if (!configured.ok()) return std::move(configured).error();
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(handle_);
}

core::Result<void> SqliteConnection::configure(ConnectionMode mode) {
  sqlite3_extended_result_codes(handle_, 1);
  sqlite3_busy_timeout(handle_, core::limits::sqlite_busy_timeout_ms);
  auto foreign_keys = execute_script("PRAGMA foreign_keys = ON");
  if (!foreign_keys.ok() || mode == ConnectionMode::read_only) return foreign_keys;
  // WAL lets the readers read while the writer writes; with WAL, synchronous=NORMAL is
  // still safe against corruption and only risks the last commits on power loss.
  auto journal = query("PRAGMA journal_mode = WAL", {});
  if (!journal.ok()) return std::move(journal).error();
  if (journal->rows.empty() || journal->rows.front().text(0) != "wal") {
    return core::make_error(core::ErrorCode::database_error,
                            "sqlite: the database file cannot use WAL journaling");
  }
  return execute_script("PRAGMA synchronous = NORMAL");
}

core::Result<QueryResult> SqliteConnection::query(std::string_view sql,
                                                  const std::vector<Value>& params) {
  auto prepared = prepare(sql);
  if (!prepared.ok()) return std::move(prepared).error();
  sqlite3_stmt* statement = *prepared;
  StatementReset reset(statement);
  auto bound = bind_parameters(handle_, statement, params);
  if (!bound.ok()) return std::move(bound).error();
  return step_all(statement);
}

core::Result<QueryResult> SqliteConnection::step_all(sqlite3_stmt* statement) {
  QueryResult result;
  const int column_count = sqlite3_column_count(statement);
  for (int column = 0; column < column_count; ++column) {
    result.columns.emplace_back(sqlite3_column_name(statement, column));
  }
  const sqlite3_int64 changes_before = sqlite3_total_changes64(handle_);
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
    result.rows.push_back(read_row(statement, column_count));
  }
  if (status != SQLITE_DONE) return last_error();
  // PostgreSQL reports a SELECT's row count as its affected rows; do the same. A statement
  // that changed nothing (DDL, a no-op UPDATE) must not report the previous one's count.
  if (sqlite3_stmt_readonly(statement) != 0) {
    result.affected_rows = column_count > 0 ? static_cast<std::int64_t>(result.rows.size()) : 0;
  } else if (sqlite3_total_changes64(handle_) != changes_before) {
    result.affected_rows = sqlite3_changes64(handle_);
  }
  return result;
}

core::Result<void> SqliteConnection::execute_script(std::string_view sql) {
  char* message = nullptr;
  const int status = sqlite3_exec(handle_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (status == SQLITE_OK) return core::success();
  std::string text = message != nullptr ? message : sqlite3_errstr(status);
  sqlite3_free(message);
  return engine_error(sqlite3_extended_errcode(handle_), std::move(text));
}

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(handle_) == 0; }

core::Result<sqlite3_stmt*> SqliteConnection::prepare(std::string_view sql) {
  std::string key(sql);
  if (auto cached = statements_.find(key); cached != statements_.end()) return cached->second;
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(handle_, key.data(), static_cast<int>(key.size()),
                         SQLITE_PREPARE_PERSISTENT, &statement, &tail) != SQLITE_OK) {
    return last_error();
  }
  if (statement == nullptr || !is_blank(std::string_view(tail, key.data() + key.size() - tail))) {
    sqlite3_finalize(statement);
    return core::make_error(core::ErrorCode::database_error,
                            "sqlite: query() takes exactly one statement: " + key);
  }
  if (statements_.size() >= statement_cache_size_max) {
    for (auto& [cached_sql, cached] : statements_) sqlite3_finalize(cached);
    statements_.clear();
  }
  statements_.emplace(std::move(key), statement);
  return statement;
}

core::Error SqliteConnection::last_error() const {
  return engine_error(sqlite3_extended_errcode(handle_), sqlite3_errmsg(handle_));
}

}  // namespace roost::storage::sqlite
