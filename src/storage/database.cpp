#include "storage/database.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace roost::storage {

namespace {

constexpr std::string_view sqlite_scheme = "sqlite://";
constexpr std::string_view postgresql_scheme = "postgresql://";
constexpr std::string_view postgres_scheme = "postgres://";
constexpr std::string_view password_mask = "***";
// Without a connect timeout libpq waits for the operating system's TCP timeout (minutes)
// when the server's host does not answer; roost would rather fail at start-up.
constexpr std::string_view postgres_connect_timeout_seconds = "5";

std::string_view value_type_name(const Value& value) {
  switch (value.index()) {
    case 0: return "NULL";
    case 1: return "integer";
    case 2: return "real";
    case 3: return "text";
    default: return "blob";
  }
}

// A mismatch between a column's type and the accessor is a bug in our SQL: crash loudly
// with the reason rather than return a made-up value.
template <class T>
const T& expect_type(const Row& row, std::size_t index, std::string_view wanted) {
  const Value& value = row.at(index);
  const T* typed = std::get_if<T>(&value);
  if (typed == nullptr) {
    std::fprintf(stderr, "roost: bug: column %zu holds %.*s, read as %.*s\n", index,
                 static_cast<int>(value_type_name(value).size()), value_type_name(value).data(),
                 static_cast<int>(wanted.size()), wanted.data());
    std::abort();
  }
  return *typed;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

core::Error bad_url(std::string_view why) {
  return core::make_error(core::ErrorCode::configuration_error,
                          "invalid database URL: " + std::string(why) +
                              " (expected sqlite:///absolute/path.db, sqlite://relative/path.db "
                              "or postgresql://user:password@host:port/database)");
}

// `scheme://user:password@host/...` becomes `scheme://user:***@host/...`.
std::string redact_userinfo_password(std::string url) {
  const std::size_t authority_start = url.find("://") + 3;
  const std::size_t authority_end = url.find_first_of("/?", authority_start);
  const std::size_t at = url.rfind('@', authority_end);
  if (at == std::string::npos || at < authority_start) return url;
  const std::size_t colon = url.find(':', authority_start);
  if (colon == std::string::npos || colon > at) return url;
  url.replace(colon + 1, at - colon - 1, password_mask);
  return url;
}

// `...?password=secret&...` becomes `...?password=***&...`.
std::string redact_query_password(std::string url) {
  constexpr std::string_view key = "password=";
  const std::size_t query = url.find('?');
  if (query == std::string::npos) return url;
  for (std::size_t found = url.find(key, query); found != std::string::npos;
       found = url.find(key, found + 1)) {
    if (url[found - 1] != '?' && url[found - 1] != '&') continue;
    const std::size_t value_start = found + key.size();
    const std::size_t value_end = url.find('&', value_start);
    const std::size_t value_size =
        value_end == std::string::npos ? std::string::npos : value_end - value_start;
    url.replace(value_start, value_size, password_mask);
  }
  return url;
}

std::string with_connect_timeout(std::string url) {
  if (url.find("connect_timeout=") != std::string::npos) return url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "connect_timeout=";
  url += postgres_connect_timeout_seconds;
  return url;
}

core::Result<DatabaseUrl> parse_sqlite_url(std::string_view url) {
  const std::string_view path = url.substr(sqlite_scheme.size());
  if (path.empty() || path == "/") return bad_url("the SQLite URL names no file");
  DatabaseUrl parsed;
  parsed.backend = Backend::sqlite;
  parsed.sqlite_path = std::string(path);
  parsed.redacted = std::string(url);
  return parsed;
}

core::Result<DatabaseUrl> parse_postgres_url(std::string_view url, std::string_view scheme) {
  if (url.size() == scheme.size()) return bad_url("the PostgreSQL URL names no server");
  DatabaseUrl parsed;
  parsed.backend = Backend::postgres;
  parsed.postgres_conninfo = with_connect_timeout(std::string(url));
  parsed.redacted = redact_query_password(redact_userinfo_password(std::string(url)));
  return parsed;
}

}  // namespace

std::string_view backend_name(Backend backend) {
  switch (backend) {
    case Backend::sqlite: return "sqlite";
    case Backend::postgres: return "postgres";
  }
  return "unknown";
}

bool Row::is_null(std::size_t index) const {
  return std::holds_alternative<std::nullptr_t>(at(index));
}

std::int64_t Row::integer(std::size_t index) const {
  return expect_type<std::int64_t>(*this, index, "integer");
}

double Row::real(std::size_t index) const { return expect_type<double>(*this, index, "real"); }

const std::string& Row::text(std::size_t index) const {
  return expect_type<std::string>(*this, index, "text");
}

const Blob& Row::blob(std::size_t index) const { return expect_type<Blob>(*this, index, "blob"); }

std::optional<std::int64_t> Row::optional_integer(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return integer(index);
}

std::optional<std::string> Row::optional_text(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return text(index);
}

core::Result<std::int64_t> Transaction::execute(std::string_view sql,
                                                const std::vector<Value>& params) {
  auto result = query(sql, params);
  if (!result.ok()) return std::move(result).error();
  return result->affected_rows;
}

core::Result<std::optional<Row>> Transaction::query_one(std::string_view sql,
                                                        const std::vector<Value>& params) {
  auto result = query(sql, params);
  if (!result.ok()) return std::move(result).error();
  if (result->rows.size() > 1) {
    return core::make_error(core::ErrorCode::internal,
                            "a query expected to return at most one row returned " +
                                std::to_string(result->rows.size()) + ": " + std::string(sql));
  }
  if (result->rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(result->rows.front()));
}

core::Result<DatabaseUrl> parse_database_url(std::string_view url) {
  if (url.empty()) return bad_url("it is empty");
  if (starts_with(url, sqlite_scheme)) return parse_sqlite_url(url);
  if (starts_with(url, postgresql_scheme)) return parse_postgres_url(url, postgresql_scheme);
  if (starts_with(url, postgres_scheme)) return parse_postgres_url(url, postgres_scheme);
  return bad_url("unknown scheme");
}

core::Result<std::unique_ptr<Database>> open_database(const DatabaseUrl& url,
                                                      const DatabaseOptions& options) {
  auto opened =
      url.backend == Backend::sqlite
          ? sqlite::open_sqlite_database(url.sqlite_path, options.sqlite_reader_connections)
          : postgres::open_postgres_database(url.postgres_conninfo, options.postgres_connections);
  if (opened.ok()) return opened;
  core::Error error = std::move(opened).error();
  error.message = "cannot open the database " + url.redacted + ": " + error.message;
  return error;
}

}  // namespace roost::storage
