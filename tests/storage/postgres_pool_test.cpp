// PostgreSQL-only behaviour of the pool: what the contract suite cannot express portably.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <thread>

#include "scratch_database.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using core::Result;

constexpr int termination_wait_ms = 5'000;

Result<std::int64_t> backend_process_id(Database& database) {
  std::int64_t process_id = 0;
  auto result = database.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto row = transaction.query_one("SELECT pg_backend_pid()");
    if (!row.ok()) return Result<void>(std::move(row).error());
    process_id = (*row)->integer(0);
    return core::success();
  });
  if (!result.ok()) return std::move(result).error();
  return process_id;
}

TEST(PostgresPool, ReplacesAConnectionTheServerClosed) {
  auto scratch = ScratchDatabase::create(Backend::postgres);
  ASSERT_TRUE(succeeded(scratch));
  auto opened = open_database((*scratch)->url(), DatabaseOptions{.postgres_connections = 1});
  ASSERT_TRUE(succeeded(opened));
  Database& database = **opened;
  auto before = backend_process_id(database);
  ASSERT_TRUE(succeeded(before));

  auto admin_url = postgres_admin_url();
  ASSERT_TRUE(succeeded(admin_url));
  pqxx::connection admin(*admin_url);
  // With a timeout, pg_terminate_backend returns once the backend has exited, so the
  // pool's next use deterministically meets a closed connection.
  pqxx::nontransaction(admin).exec("SELECT pg_terminate_backend(" + std::to_string(*before) + ", " +
                                   std::to_string(termination_wait_ms) + ")");

  // The first use after the kill may report the lost connection (unavailable); from then
  // on the pool works on a new connection.
  auto first = backend_process_id(database);
  if (!first.ok()) {
    EXPECT_TRUE(failed_with(first, core::ErrorCode::unavailable));
  }
  auto after = backend_process_id(database);
  ASSERT_TRUE(succeeded(after));
  EXPECT_NE(*after, *before);
  EXPECT_EQ(database.pool_stats().connections_total, 1);
}

// Two transactions that lock two rows in opposite orders: the server breaks the cycle by
// rolling one back (40P01). That one is unavailable — retryable, as SQLite's busy — and not
// a database error; its connection stays in the pool, and the same work then succeeds.
TEST(PostgresPool, ADeadlockIsUnavailableAndTheSameWorkThenSucceeds) {
  auto scratch = ScratchDatabase::create(Backend::postgres);
  ASSERT_TRUE(succeeded(scratch));
  auto opened = open_database((*scratch)->url(), DatabaseOptions{.postgres_connections = 2});
  ASSERT_TRUE(succeeded(opened));
  Database& database = **opened;
  ASSERT_TRUE(succeeded(database.transact(TransactionMode::read_write, [](Transaction& t) {
    auto created = t.execute("CREATE TABLE cycle (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
    if (!created.ok()) return Result<void>(std::move(created).error());
    auto filled = t.execute("INSERT INTO cycle (id, n) VALUES (1, 0), (2, 0)");
    if (!filled.ok()) return Result<void>(std::move(filled).error());
    return core::success();
  })));

  std::atomic<int> holding{0};
  auto lock_both = [&](std::int64_t first, std::int64_t second) {
    return database.transact(TransactionMode::read_write, [&](Transaction& t) {
      auto one = t.execute("UPDATE cycle SET n = n + 1 WHERE id = $1", {first});
      if (!one.ok()) return Result<void>(std::move(one).error());
      // Both hold their first row before either asks for its second.
      holding.fetch_add(1);
      while (holding.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      auto two = t.execute("UPDATE cycle SET n = n + 1 WHERE id = $1", {second});
      if (!two.ok()) return Result<void>(std::move(two).error());
      return core::success();
    });
  };
  Result<void> forward = core::success();
  Result<void> backward = core::success();
  std::thread other([&] { backward = lock_both(2, 1); });
  forward = lock_both(1, 2);
  other.join();
  ASSERT_NE(forward.ok(), backward.ok()) << "exactly one of the two is rolled back";
  const auto& loser = forward.ok() ? backward : forward;
  EXPECT_TRUE(failed_with(loser, core::ErrorCode::unavailable));
  EXPECT_NE(loser.error().message.find("deadlock"), std::string::npos) << loser.error().message;
  // Retried, the loser's work goes through; the pool kept both connections.
  EXPECT_TRUE(succeeded(forward.ok() ? lock_both(2, 1) : lock_both(1, 2)));
  EXPECT_EQ(database.pool_stats().connections_total, 2);
  std::int64_t total = 0;
  ASSERT_TRUE(succeeded(database.transact(TransactionMode::read_only, [&](Transaction& t) {
    auto row = t.query_one("SELECT CAST(SUM(n) AS BIGINT) FROM cycle");
    if (!row.ok()) return Result<void>(std::move(row).error());
    total = (*row)->integer(0);
    return core::success();
  })));
  EXPECT_EQ(total, 4);
}

}  // namespace
}  // namespace roost::storage::testing
