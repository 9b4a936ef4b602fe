#include "storage/login_throttle_repository.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view throttle_columns =
    "consecutive_failures, window_failures, window_started_at_ms, last_failure_at_ms, "
    "locked_until_ms";

LoginThrottleRecord to_record(const Row& row) {
  return LoginThrottleRecord{row.integer(0), row.integer(1), row.integer(2), row.integer(3),
                             row.integer(4)};
}

core::Result<std::optional<LoginThrottleRecord>> find_in(Transaction& transaction,
                                                         const std::string& subject) {
  auto row = transaction.query_one(
      "SELECT " + std::string(throttle_columns) + " FROM login_throttles WHERE subject = $1",
      {subject});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<LoginThrottleRecord>{};
  return std::optional<LoginThrottleRecord>{to_record(**row)};
}

core::Result<void> write_only(Database& database, std::string sql, std::vector<Value> params) {
  return database.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto done = transaction.execute(sql, params);
    if (!done) return core::Result<void>(std::move(done).error());
    return core::success();
  });
}

}  // namespace

core::Result<std::optional<LoginThrottleRecord>> LoginThrottleRepository::find(
    const std::string& subject) {
  std::optional<LoginThrottleRecord> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto record = find_in(transaction, subject);
    if (!record) return core::Result<void>(std::move(record).error());
    found = *record;
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<LoginThrottleRecord> LoginThrottleRepository::update(const std::string& subject,
                                                                  const LoginThrottleUpdate& next) {
  LoginThrottleRecord stored;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = find_in(transaction, subject);
    if (!current) return core::Result<void>(std::move(current).error());
    stored = next(*current);
    auto written = transaction.execute(
        "INSERT INTO login_throttles (subject, " + std::string(throttle_columns) +
            ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subject) DO UPDATE SET "
            "consecutive_failures = excluded.consecutive_failures, "
            "window_failures = excluded.window_failures, "
            "window_started_at_ms = excluded.window_started_at_ms, "
            "last_failure_at_ms = excluded.last_failure_at_ms, "
            "locked_until_ms = excluded.locked_until_ms",
        {subject, stored.consecutive_failures, stored.window_failures, stored.window_started_at_ms,
         stored.last_failure_at_ms, stored.locked_until_ms});
    if (!written) return core::Result<void>(std::move(written).error());
    return core::success();
  });
  if (!done) return std::move(done).error();
  return stored;
}

core::Result<void> LoginThrottleRepository::reset(const std::string& subject) {
  return write_only(database_, "DELETE FROM login_throttles WHERE subject = $1", {subject});
}

core::Result<void> LoginThrottleRepository::purge(std::int64_t before_ms) {
  return write_only(database_, "DELETE FROM login_throttles WHERE last_failure_at_ms < $1",
                    {before_ms});
}

}  // namespace roost::storage
