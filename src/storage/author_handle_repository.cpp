#include "storage/author_handle_repository.hpp"

#include <set>

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view record_columns =
    "did, handle, resolved_at_ms, failures, next_attempt_at_ms";

AuthorHandleRecord to_record(const Row& row) {
  return AuthorHandleRecord{row.text(0), row.optional_text(1), row.integer(2), row.integer(3),
                            row.integer(4)};
}

}  // namespace

core::Result<AuthorScan> AuthorHandleRepository::scan(AuthoredItems items, std::int64_t after,
                                                      std::size_t limit) {
  // The table name is one of two constants, never input.
  const std::string table = items == AuthoredItems::stream_items ? "stream_items" : "inbox_items";
  auto rows = query_all(database_,
                        "SELECT i.id, i.author_did, h.did FROM " + table +
                            " i LEFT JOIN author_handles h ON h.did = i.author_did WHERE i.id > $1 "
                            "ORDER BY i.id LIMIT $2",
                        {after, static_cast<std::int64_t>(limit)}, [](const Row& row) {
                          return std::make_tuple(row.integer(0), row.text(1),
                                                 row.optional_text(2).has_value());
                        });
  if (!rows) return std::move(rows).error();
  AuthorScan scan;
  scan.last_id = after;
  std::set<std::string> seen;
  for (const auto& [id, did, known] : *rows) {
    scan.last_id = id;
    if (!known && !did.empty() && seen.insert(did).second) scan.unknown_dids.push_back(did);
  }
  return scan;
}

core::Result<std::vector<std::string>> AuthorHandleRepository::due(std::int64_t now_ms,
                                                                   std::size_t limit) {
  return query_all(database_,
                   "SELECT did FROM author_handles WHERE next_attempt_at_ms <= $1 "
                   "ORDER BY next_attempt_at_ms, did LIMIT $2",
                   {now_ms, static_cast<std::int64_t>(limit)},
                   [](const Row& row) { return row.text(0); });
}

core::Result<std::optional<AuthorHandleRecord>> AuthorHandleRepository::find(
    const std::string& did) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(record_columns) + " FROM author_handles WHERE did = $1", {did},
      to_record);
}

core::Result<std::optional<std::string>> AuthorHandleRepository::did_of_handle(
    const std::string& handle) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT did FROM author_handles WHERE handle = $1 ORDER BY "
                        "resolved_at_ms DESC LIMIT 1",
                        {handle}, [](const Row& row) { return row.text(0); });
}

core::Result<void> AuthorHandleRepository::record_resolved(const std::string& did,
                                                           std::optional<std::string> handle,
                                                           std::int64_t now_ms,
                                                           std::int64_t next_attempt_at_ms) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (handle) {
      // The DID that held the handle before has another now, or none: due at once.
      auto released = transaction.execute(
          "UPDATE author_handles SET handle = NULL, next_attempt_at_ms = 0 "
          "WHERE handle = $1 AND did <> $2",
          {*handle, did});
      if (!released) return core::Result<void>(std::move(released).error());
    }
    Value handle_value = nullptr;
    if (handle) handle_value = *handle;
    auto written = transaction.execute(
        "INSERT INTO author_handles (did, handle, resolved_at_ms, failures, next_attempt_at_ms) "
        "VALUES ($1, $2, $3, 0, $4) ON CONFLICT (did) DO UPDATE SET handle = excluded.handle, "
        "resolved_at_ms = excluded.resolved_at_ms, failures = 0, "
        "next_attempt_at_ms = excluded.next_attempt_at_ms",
        {did, handle_value, now_ms, next_attempt_at_ms});
    if (!written) return core::Result<void>(std::move(written).error());
    return core::success();
  });
}

core::Result<std::int64_t> AuthorHandleRepository::record_failure(const std::string& did,
                                                                  std::int64_t now_ms,
                                                                  std::int64_t next_attempt_at_ms) {
  return query_required(
      database_,
      "INSERT INTO author_handles (did, handle, resolved_at_ms, failures, next_attempt_at_ms) "
      "VALUES ($1, NULL, $2, 1, $3) ON CONFLICT (did) DO UPDATE SET "
      "failures = author_handles.failures + 1, next_attempt_at_ms = excluded.next_attempt_at_ms "
      "RETURNING failures",
      {did, now_ms, next_attempt_at_ms}, [](const Row& row) { return row.integer(0); });
}

}  // namespace roost::storage
