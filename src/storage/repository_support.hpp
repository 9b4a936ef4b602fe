#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

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

}  // namespace roost::storage
