// PostgreSQL-only behaviour of the pool: what the contract suite cannot express portably.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

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

}  // namespace
}  // namespace roost::storage::testing
