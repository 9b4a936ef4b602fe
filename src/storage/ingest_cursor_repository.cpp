#include "storage/ingest_cursor_repository.hpp"

namespace roost::storage {

namespace {

constexpr std::string_view select_cursor_sql =
    "SELECT last_cursor FROM ingest_cursors WHERE source = $1";
// `excluded` is the row the INSERT proposed; the syntax is the same on both backends.
constexpr std::string_view upsert_cursor_sql =
    "INSERT INTO ingest_cursors (source, last_cursor, updated_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (source) DO UPDATE SET last_cursor = excluded.last_cursor, "
    "updated_at_ms = excluded.updated_at_ms";
constexpr std::string_view delete_cursor_sql = "DELETE FROM ingest_cursors WHERE source = $1";

}  // namespace

core::Result<std::optional<std::int64_t>> IngestCursorRepository::get(const std::string& source) {
  std::optional<std::int64_t> cursor;
  auto read = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto row = transaction.query_one(select_cursor_sql, {source});
    if (!row.ok()) return core::Result<void>(std::move(row).error());
    if (*row) cursor = (*row)->integer(0);
    return core::success();
  });
  if (!read.ok()) return std::move(read).error();
  return cursor;
}

core::Result<void> IngestCursorRepository::save(const std::string& source, std::int64_t cursor,
                                                std::int64_t at_ms) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto written = transaction.execute(upsert_cursor_sql, {source, cursor, at_ms});
    if (!written.ok()) return core::Result<void>(std::move(written).error());
    return core::success();
  });
}

core::Result<void> IngestCursorRepository::clear(const std::string& source) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto written = transaction.execute(delete_cursor_sql, {source});
    if (!written.ok()) return core::Result<void>(std::move(written).error());
    return core::success();
  });
}

}  // namespace roost::storage
