#include "storage/author_handle_repository.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view record_columns =
    "did, handle, resolved_at_ms, failures, next_attempt_at_ms, lease_owner, "
    "lease_expires_at_ms";

AuthorHandleRecord to_record(const Row& row) {
  return AuthorHandleRecord{row.text(0),    row.optional_text(1), row.integer(2), row.integer(3),
                            row.integer(4), row.optional_text(5), row.integer(6)};
}

// Not leased to another owner: never leased, released, expired, or `owner`'s own. $2 is the
// owner and $4 now_ms.
constexpr std::string_view not_leased_to_another =
    "(lease_owner IS NULL OR lease_expires_at_ms <= $4 OR lease_owner = $2)";

// Runs `sql` once per DID in one transaction ($1 the DID, $2 owner, $3 lease end and, when
// `uses_now`, $4 now) and collects the DIDs whose statement returned a row.
core::Result<std::vector<std::string>> claim_each(Database& database, const std::string& sql,
                                                  const std::vector<std::string>& dids,
                                                  const std::string& owner, std::int64_t now_ms,
                                                  std::int64_t lease_ms, bool uses_now) {
  std::vector<std::string> claimed;
  if (dids.empty()) return claimed;
  auto done = database.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    for (const auto& did : dids) {
      std::vector<Value> params{did, owner, now_ms + lease_ms};
      if (uses_now) params.emplace_back(now_ms);
      auto row = transaction.query_one(sql, params);
      if (!row) return core::Result<void>(std::move(row).error());
      if (row->has_value()) claimed.push_back(did);
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return claimed;
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

core::Result<std::vector<std::string>> AuthorHandleRepository::claim_new(
    const std::vector<std::string>& dids, const std::string& owner, std::int64_t now_ms,
    std::int64_t lease_ms) {
  // The insert is the claim: of processes inserting the same DID, one creates the row (the
  // others wait for its commit on PostgreSQL, then do nothing).
  return claim_each(database_,
                    "INSERT INTO author_handles (did, handle, resolved_at_ms, failures, "
                    "next_attempt_at_ms, lease_owner, lease_expires_at_ms) "
                    "VALUES ($1, NULL, 0, 0, 0, $2, $3) ON CONFLICT (did) DO NOTHING "
                    "RETURNING did",
                    dids, owner, now_ms, lease_ms, false);
}

core::Result<std::vector<std::string>> AuthorHandleRepository::claim_cached(
    const std::vector<std::string>& dids, const std::string& owner, std::int64_t now_ms,
    std::int64_t lease_ms) {
  // PostgreSQL re-checks the condition on the row's latest version once it holds its lock:
  // of two claimers, the second sees the first's lease.
  return claim_each(database_,
                    "UPDATE author_handles SET lease_owner = $2, lease_expires_at_ms = $3 "
                    "WHERE did = $1 AND " +
                        std::string(not_leased_to_another) + " RETURNING did",
                    dids, owner, now_ms, lease_ms, true);
}

core::Result<std::vector<std::string>> AuthorHandleRepository::claim_due(std::int64_t now_ms,
                                                                         const std::string& owner,
                                                                         std::int64_t lease_ms,
                                                                         std::size_t limit) {
  std::vector<std::string> claimed;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    claimed.clear();
    const std::string due =
        "next_attempt_at_ms <= $1 AND (lease_owner IS NULL OR lease_expires_at_ms <= $1)";
    // SQLite has one writer: the subquery and the update see the same rows.
    const std::string sql =
        transaction.backend() == Backend::postgres
            ? "WITH due AS (SELECT did FROM author_handles WHERE " + due +
                  " ORDER BY next_attempt_at_ms, did LIMIT $4 FOR UPDATE SKIP LOCKED) "
                  "UPDATE author_handles SET lease_owner = $2, lease_expires_at_ms = $3 FROM due "
                  "WHERE author_handles.did = due.did RETURNING author_handles.did, "
                  "author_handles.next_attempt_at_ms"
            : "UPDATE author_handles SET lease_owner = $2, lease_expires_at_ms = $3 WHERE did IN "
              "(SELECT did FROM author_handles WHERE " +
                  due +
                  " ORDER BY next_attempt_at_ms, did LIMIT $4) RETURNING did, "
                  "next_attempt_at_ms";
    auto rows = transaction.query(
        sql, {now_ms, owner, now_ms + lease_ms, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    // RETURNING gives no order: the most overdue first.
    std::vector<std::pair<std::int64_t, std::string>> ordered;
    for (const auto& row : rows->rows) ordered.emplace_back(row.integer(1), row.text(0));
    std::sort(ordered.begin(), ordered.end());
    for (auto& [at, did] : ordered) claimed.push_back(std::move(did));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return claimed;
}

core::Result<void> AuthorHandleRepository::release(const std::vector<std::string>& dids,
                                                   const std::string& owner) {
  if (dids.empty()) return core::success();
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    for (const auto& did : dids) {
      auto released = transaction.execute(
          "UPDATE author_handles SET lease_owner = NULL, lease_expires_at_ms = 0, "
          "next_attempt_at_ms = 0 WHERE did = $1 AND lease_owner = $2",
          {did, owner});
      if (!released) return core::Result<void>(std::move(released).error());
    }
    return core::success();
  });
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
        "next_attempt_at_ms = excluded.next_attempt_at_ms, lease_owner = NULL, "
        "lease_expires_at_ms = 0",
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
      "failures = author_handles.failures + 1, next_attempt_at_ms = excluded.next_attempt_at_ms, "
      "lease_owner = NULL, lease_expires_at_ms = 0 RETURNING failures",
      {did, now_ms, next_attempt_at_ms}, [](const Row& row) { return row.integer(0); });
}

}  // namespace roost::storage
