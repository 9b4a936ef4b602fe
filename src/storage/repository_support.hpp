#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

// What every repository does the same way: one statement in its own transaction, mapped
// to a record. Repositories with several statements to keep together use transact().
namespace roost::storage {

// Runs a query that returns zero or one row and maps the row with `to_record`.
template <class ToRecord>
auto query_optional(Database& database, TransactionMode mode, std::string_view sql,
                    const std::vector<Value>& params, ToRecord to_record)
    -> core::Result<std::optional<decltype(to_record(std::declval<const Row&>()))>> {
  using Record = decltype(to_record(std::declval<const Row&>()));
  std::optional<Record> found;
  auto done = database.transact(mode, [&](Transaction& transaction) {
    auto row = transaction.query_one(sql, params);
    if (!row) return core::Result<void>(std::move(row).error());
    if (row->has_value()) found = to_record(**row);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

// Runs a read-only query and maps every row with `to_record`.
template <class ToRecord>
auto query_all(Database& database, std::string_view sql, const std::vector<Value>& params,
               ToRecord to_record)
    -> core::Result<std::vector<decltype(to_record(std::declval<const Row&>()))>> {
  std::vector<decltype(to_record(std::declval<const Row&>()))> records;
  auto done = database.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(sql, params);
    if (!rows) return core::Result<void>(std::move(rows).error());
    records.reserve(rows->rows.size());
    for (const auto& row : rows->rows) records.push_back(to_record(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return records;
}

// Runs a statement that must return exactly one row (INSERT ... RETURNING) and maps it.
template <class ToRecord>
auto query_required(Database& database, std::string_view sql, const std::vector<Value>& params,
                    ToRecord to_record)
    -> core::Result<decltype(to_record(std::declval<const Row&>()))> {
  auto found = query_optional(database, TransactionMode::read_write, sql, params, to_record);
  if (!found) return std::move(found).error();
  if (!found->has_value()) {
    return core::make_error(core::ErrorCode::internal, "a statement returned no row");
  }
  return std::move(**found);
}

// Runs one statement in a read-write transaction; returns the rows it changed.
inline core::Result<std::int64_t> execute_statement(Database& database, std::string_view sql,
                                                    const std::vector<Value>& params) {
  std::int64_t changed = 0;
  auto done = database.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto result = transaction.execute(sql, params);
    if (!result) return core::Result<void>(std::move(result).error());
    changed = *result;
    return core::success();
  });
  if (!done) return std::move(done).error();
  return changed;
}

// Locks the organization's row for the rest of the transaction: every change of an
// organization's memberships, teams and grants takes this lock first, so that such changes
// of one organization serialize on PostgreSQL too (SQLite has one writer anyway).
// ErrorCode::not_found when the organization is gone.
inline core::Result<void> lock_organization(Transaction& transaction, core::OrgId org) {
  auto locked = transaction.execute(
      "UPDATE organizations SET updated_at_ms = updated_at_ms WHERE id = $1", {org.value});
  if (!locked) return std::move(locked).error();
  if (*locked == 0) return core::make_error(core::ErrorCode::not_found, "no such organization");
  return core::success();
}

// "$n": the placeholder of the n-th bound parameter. (Appended: g++ 12 at -O3 misreads
// `"$" + std::to_string(n)` as an overlapping memcpy.)
inline std::string placeholder(std::size_t n) {
  std::string text(1, '$');
  text += std::to_string(n);
  return text;
}

// "$first, $first+1, ..." for `count` parameters: an IN list of values bound one by one.
inline std::string placeholder_list(std::size_t first, std::size_t count) {
  std::string list;
  for (std::size_t index = 0; index < count; ++index) {
    if (index > 0) list += ", ";
    list += placeholder(first + index);
  }
  return list;
}

}  // namespace roost::storage
