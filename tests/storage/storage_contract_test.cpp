// The storage contract: every test runs unchanged against SQLite and PostgreSQL.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "scratch_database.hpp"
#include "storage/embedded_migrations.hpp"
#include "storage/instance_settings_repository.hpp"
#include "storage/migrations.hpp"
#include "storage_test_support.hpp"

namespace roost::storage {
// Names the backend in gtest's messages instead of dumping the enum's bytes.
void PrintTo(Backend backend, std::ostream* out) { *out << backend_name(backend); }
}  // namespace roost::storage

namespace roost::storage::testing {
namespace {

using core::ErrorCode;
using core::Result;

constexpr int writer_threads = 2;
constexpr int increments_per_thread = 200;
constexpr std::chrono::seconds wait_limit{5};

class StorageContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto scratch = ScratchDatabase::create(GetParam());
    ASSERT_TRUE(succeeded(scratch));
    scratch_ = std::move(scratch).value();
    database_ = open();
    ASSERT_NE(database_, nullptr);
  }

  std::unique_ptr<Database> open(const DatabaseOptions& options = {}) {
    auto opened = open_database(scratch_->url(), options);
    EXPECT_TRUE(succeeded(opened));
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  Database& database() { return *database_; }

  Result<void> write(const TransactionWork& work) {
    return database_->transact(TransactionMode::read_write, work);
  }

  Result<void> run_script(std::string_view sql) {
    return write([&](Transaction& transaction) { return transaction.execute_script(sql); });
  }

  void create_test_tables() {
    const std::string blob_type = GetParam() == Backend::sqlite ? "BLOB" : "BYTEA";
    ASSERT_TRUE(succeeded(
        run_script("CREATE TABLE parents (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
                   "CREATE TABLE children (id BIGINT PRIMARY KEY,"
                   "  parent_id BIGINT NOT NULL REFERENCES parents (id));"
                   "CREATE TABLE samples (id BIGINT PRIMARY KEY, integer_value BIGINT,"
                   "  real_value DOUBLE PRECISION, text_value TEXT, blob_value " +
                   blob_type +
                   ");"
                   "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);")));
  }

  Result<std::int64_t> execute_alone(std::string_view sql, const std::vector<Value>& params) {
    std::int64_t changed = 0;
    auto result = write([&](Transaction& transaction) -> Result<void> {
      auto executed = transaction.execute(sql, params);
      if (!executed.ok()) return std::move(executed).error();
      changed = *executed;
      return core::success();
    });
    if (!result.ok()) return std::move(result).error();
    return changed;
  }

  Result<QueryResult> read(std::string_view sql, const std::vector<Value>& params = {}) {
    QueryResult rows;
    auto result = database_->transact(TransactionMode::read_only, [&](Transaction& transaction) {
      auto queried = transaction.query(sql, params);
      if (!queried.ok()) return Result<void>(std::move(queried).error());
      rows = std::move(queried).value();
      return core::success();
    });
    if (!result.ok()) return std::move(result).error();
    return rows;
  }

  std::int64_t count(std::string_view table) {
    auto rows = read("SELECT COUNT(*) FROM " + std::string(table));
    EXPECT_TRUE(succeeded(rows));
    return rows.ok() ? rows->rows.at(0).integer(0) : -1;
  }

  Result<void> insert_parent(std::int64_t id, const std::string& name) {
    auto inserted = execute_alone("INSERT INTO parents (id, name) VALUES ($1, $2)", {id, name});
    if (!inserted.ok()) return std::move(inserted).error();
    return core::success();
  }

  int latest_version() { return migrations_for(GetParam()).back().version; }

  // Declared first so it is destroyed last: PostgreSQL drops the database on destruction.
  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<Database> database_;
};

// --- transactions -------------------------------------------------------------------

TEST_P(StorageContract, ReportsItsBackend) {
  EXPECT_EQ(database().backend(), GetParam());
  auto result = write([&](Transaction& transaction) {
    EXPECT_EQ(transaction.backend(), GetParam());
    return core::success();
  });
  EXPECT_TRUE(succeeded(result));
}

TEST_P(StorageContract, CommitsWhenTheWorkSucceeds) {
  create_test_tables();
  auto result = write([](Transaction& transaction) -> Result<void> {
    auto first = transaction.execute("INSERT INTO parents (id, name) VALUES (1, 'one')");
    if (!first.ok()) return std::move(first).error();
    auto second = transaction.execute("INSERT INTO parents (id, name) VALUES (2, 'two')");
    if (!second.ok()) return std::move(second).error();
    return core::success();
  });
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(count("parents"), 2);
}

TEST_P(StorageContract, RollsBackWhenTheWorkReturnsAnError) {
  create_test_tables();
  auto result = write([](Transaction& transaction) -> Result<void> {
    auto inserted = transaction.execute("INSERT INTO parents (id, name) VALUES (1, 'one')");
    EXPECT_TRUE(succeeded(inserted));
    return core::make_error(ErrorCode::invalid_request, "changed my mind");
  });
  EXPECT_TRUE(failed_with(result, ErrorCode::invalid_request));
  EXPECT_EQ(result.error().message, "changed my mind");
  EXPECT_EQ(count("parents"), 0);
}

TEST_P(StorageContract, RollsBackAndRethrowsWhenTheWorkThrows) {
  create_test_tables();
  const TransactionWork throwing_work = [](Transaction& transaction) -> Result<void> {
    EXPECT_TRUE(succeeded(transaction.execute("INSERT INTO parents (id, name) VALUES (1, 'one')")));
    throw std::runtime_error("boom");
  };
  EXPECT_THROW((void)write(throwing_work), std::runtime_error);
  EXPECT_EQ(count("parents"), 0);
  EXPECT_TRUE(succeeded(insert_parent(1, "one")));  // the connection is still usable
  EXPECT_EQ(count("parents"), 1);
}

TEST_P(StorageContract, AFailedStatementSpendsTheTransactionEvenIfTheWorkIgnoresIt) {
  create_test_tables();
  ASSERT_TRUE(succeeded(insert_parent(1, "one")));
  auto result = write([](Transaction& transaction) {
    EXPECT_TRUE(succeeded(transaction.execute("INSERT INTO parents (id, name) VALUES (2, 'two')")));
    auto duplicate = transaction.execute("INSERT INTO parents (id, name) VALUES (1, 'again')");
    EXPECT_TRUE(failed_with(duplicate, ErrorCode::conflict));
    auto later = transaction.execute("INSERT INTO parents (id, name) VALUES (3, 'three')");
    EXPECT_FALSE(later.ok());
    return core::success();  // ignores both errors
  });
  EXPECT_TRUE(failed_with(result, ErrorCode::conflict));
  EXPECT_EQ(count("parents"), 1);
}

TEST_P(StorageContract, ReadOnlyTransactionCannotWrite) {
  create_test_tables();
  auto result = database().transact(TransactionMode::read_only, [](Transaction& transaction) {
    auto inserted = transaction.execute("INSERT INTO parents (id, name) VALUES (1, 'one')");
    if (!inserted.ok()) return Result<void>(std::move(inserted).error());
    return core::success();
  });
  EXPECT_TRUE(failed_with(result, ErrorCode::database_error));
  EXPECT_EQ(count("parents"), 0);
}

// --- values and parameters ----------------------------------------------------------

TEST_P(StorageContract, EveryValueTypeRoundTrips) {
  create_test_tables();
  std::vector<std::uint8_t> every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<std::uint8_t>(byte));
  const std::vector<std::vector<Value>> samples = {
      {std::int64_t{1}, std::numeric_limits<std::int64_t>::min(), -1.5e300, std::string(), Blob{}},
      {std::int64_t{2}, std::numeric_limits<std::int64_t>::max(), 3.141592653589793,
       std::string("héllo wörld — 🐦 日本語"), Blob{{0, 1, 0, 255, 0}}},
      {std::int64_t{3}, std::int64_t{-1}, 1e-300,
       std::string("'quotes' \"and\" \\backslashes\\ $1 \n\t"), Blob{every_byte}},
      {std::int64_t{4}, nullptr, nullptr, nullptr, nullptr},
      {std::int64_t{5}, std::int64_t{0}, 0.1, std::string("0"), Blob{{0}}},
  };
  for (const auto& sample : samples) {
    ASSERT_TRUE(succeeded(
        execute_alone("INSERT INTO samples (id, integer_value, real_value, text_value, blob_value) "
                      "VALUES ($1, $2, $3, $4, $5)",
                      sample)));
  }
  auto stored =
      read("SELECT id, integer_value, real_value, text_value, blob_value FROM samples ORDER BY id");
  ASSERT_TRUE(succeeded(stored));
  EXPECT_EQ(stored->columns, (std::vector<std::string>{"id", "integer_value", "real_value",
                                                       "text_value", "blob_value"}));
  ASSERT_EQ(stored->rows.size(), samples.size());
  for (std::size_t row = 0; row < samples.size(); ++row) {
    for (std::size_t column = 0; column < samples[row].size(); ++column) {
      EXPECT_EQ(stored->rows[row].at(column), samples[row][column])
          << "row " << row << ", column " << column;
    }
  }
  EXPECT_TRUE(stored->rows[3].is_null(1));
  EXPECT_EQ(stored->rows[3].optional_integer(1), std::nullopt);
  EXPECT_EQ(stored->rows[1].optional_text(3), "héllo wörld — 🐦 日本語");
}

TEST_P(StorageContract, ColumnTypesComeBackAsTheSameValues) {
  auto values = read(
      "SELECT TRUE, FALSE, CAST(7 AS SMALLINT), CAST(8 AS INTEGER), CAST(12 AS NUMERIC), "
      "CAST(1.5 AS NUMERIC), CAST(2.5 AS REAL), 'text', NULL");
  ASSERT_TRUE(succeeded(values));
  const Row& row = values->rows.at(0);
  EXPECT_EQ(row.integer(0), 1);
  EXPECT_EQ(row.integer(1), 0);
  EXPECT_EQ(row.integer(2), 7);
  EXPECT_EQ(row.integer(3), 8);
  EXPECT_EQ(row.integer(4), 12);
  EXPECT_EQ(row.real(5), 1.5);
  EXPECT_EQ(row.real(6), 2.5);
  EXPECT_EQ(row.text(7), "text");
  EXPECT_TRUE(row.is_null(8));
}

TEST_P(StorageContract, APlaceholderCanBeUsedTwiceAndOutOfOrder) {
  create_test_tables();
  ASSERT_TRUE(succeeded(
      execute_alone("INSERT INTO samples (id, integer_value, text_value) VALUES ($2, $2, $1)",
                    {std::string("seven"), std::int64_t{7}})));
  auto found = read("SELECT text_value FROM samples WHERE id = $1 AND integer_value = $1",
                    {std::int64_t{7}});
  ASSERT_TRUE(succeeded(found));
  ASSERT_EQ(found->rows.size(), 1u);
  EXPECT_EQ(found->rows[0].text(0), "seven");
}

TEST_P(StorageContract, ParametersThatDoNotMatchThePlaceholdersAreAnError) {
  create_test_tables();
  EXPECT_FALSE(read("SELECT id FROM parents WHERE id = $1").ok());
  EXPECT_FALSE(
      read("SELECT id FROM parents WHERE id = $1", {std::int64_t{1}, std::int64_t{2}}).ok());
}

TEST_P(StorageContract, TextWithANulByteIsRefused) {
  create_test_tables();
  auto inserted = insert_parent(1, std::string("a\0b", 3));
  EXPECT_TRUE(failed_with(inserted, ErrorCode::database_error));
}

TEST_P(StorageContract, ExecuteReturnsTheNumberOfChangedRows) {
  create_test_tables();
  for (std::int64_t id = 1; id <= 3; ++id) {
    ASSERT_TRUE(succeeded(insert_parent(id, "parent " + std::to_string(id))));
  }
  auto updated =
      execute_alone("UPDATE parents SET name = name || '!' WHERE id >= $1", {std::int64_t{2}});
  ASSERT_TRUE(succeeded(updated));
  EXPECT_EQ(*updated, 2);
  auto deleted = execute_alone("DELETE FROM parents WHERE id = $1", {std::int64_t{99}});
  ASSERT_TRUE(succeeded(deleted));
  EXPECT_EQ(*deleted, 0);
  auto created = execute_alone("CREATE TABLE empty_table (id BIGINT)", {});
  ASSERT_TRUE(succeeded(created));
  EXPECT_EQ(*created, 0);
}

TEST_P(StorageContract, QueryOneReturnsNothingOrTheRowAndRefusesMore) {
  create_test_tables();
  ASSERT_TRUE(succeeded(insert_parent(1, "one")));
  ASSERT_TRUE(succeeded(insert_parent(2, "two")));
  auto result = database().transact(TransactionMode::read_only, [](Transaction& transaction) {
    auto none = transaction.query_one("SELECT name FROM parents WHERE id = $1", {std::int64_t{9}});
    EXPECT_TRUE(succeeded(none));
    EXPECT_FALSE(none.ok() && none->has_value());
    auto one = transaction.query_one("SELECT name FROM parents WHERE id = $1", {std::int64_t{2}});
    EXPECT_TRUE(succeeded(one));
    EXPECT_EQ(one.ok() && one->has_value() ? (*one)->text(0) : "", "two");
    auto two = transaction.query_one("SELECT name FROM parents");
    EXPECT_TRUE(failed_with(two, ErrorCode::internal));
    return core::success();
  });
  // Too many rows is our check, not an engine error: the transaction itself is fine.
  EXPECT_TRUE(succeeded(result));
}

// --- errors ---------------------------------------------------------------------------

TEST_P(StorageContract, ADuplicateKeyIsAConflict) {
  create_test_tables();
  ASSERT_TRUE(succeeded(insert_parent(1, "one")));
  EXPECT_TRUE(failed_with(insert_parent(1, "other"), ErrorCode::conflict));
  EXPECT_TRUE(failed_with(insert_parent(2, "one"), ErrorCode::conflict));  // UNIQUE (name)
  EXPECT_EQ(count("parents"), 1);
}

TEST_P(StorageContract, AMissingForeignKeyTargetIsAConflict) {
  create_test_tables();
  auto orphan = execute_alone("INSERT INTO children (id, parent_id) VALUES ($1, $2)",
                              {std::int64_t{1}, std::int64_t{42}});
  EXPECT_TRUE(failed_with(orphan, ErrorCode::conflict));
  EXPECT_EQ(count("children"), 0);
}

TEST_P(StorageContract, ASyntaxErrorIsADatabaseErrorWithTheEnginesMessage) {
  auto result = read("SELEKT 1");
  ASSERT_TRUE(failed_with(result, ErrorCode::database_error));
  EXPECT_NE(result.error().message.find("syntax error"), std::string::npos)
      << result.error().message;
}

// --- concurrency and the pool ---------------------------------------------------------

TEST_P(StorageContract, ConcurrentWritersLoseNoUpdate) {
  create_test_tables();
  ASSERT_TRUE(
      succeeded(execute_alone("INSERT INTO counters (name, value) VALUES ('hits', 0)", {})));
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int thread = 0; thread < writer_threads; ++thread) {
    writers.emplace_back([&] {
      for (int increment = 0; increment < increments_per_thread; ++increment) {
        auto result = execute_alone("UPDATE counters SET value = value + 1 WHERE name = $1",
                                    {std::string("hits")});
        if (!result.ok() || *result != 1) ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  auto total = read("SELECT value FROM counters WHERE name = 'hits'");
  ASSERT_TRUE(succeeded(total));
  EXPECT_EQ(total->rows.at(0).integer(0), writer_threads * increments_per_thread);
}

TEST_P(StorageContract, PingAnswers) {
  const auto before = database().pool_stats();
  EXPECT_TRUE(succeeded(database().ping()));
  EXPECT_EQ(database().pool_stats().acquisitions_total, before.acquisitions_total + 1);
}

TEST_P(StorageContract, PoolStatsCountAcquisitions) {
  create_test_tables();
  const auto before = database().pool_stats();
  ASSERT_TRUE(succeeded(insert_parent(1, "one")));
  ASSERT_TRUE(succeeded(insert_parent(2, "two")));
  EXPECT_EQ(count("parents"), 2);
  const auto after = database().pool_stats();
  EXPECT_EQ(after.acquisitions_total, before.acquisitions_total + 3);
  EXPECT_EQ(after.connections_in_use, 0);
  EXPECT_GE(after.connections_total, 1);
  EXPECT_EQ(after.acquisition_timeouts_total, 0u);
}

TEST_P(StorageContract, ACallerWaitsForABusyConnection) {
  auto small = open(DatabaseOptions{.sqlite_reader_connections = 1, .postgres_connections = 1});
  ASSERT_NE(small, nullptr);
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  std::thread holder([&] {
    auto held = small->transact(TransactionMode::read_only, [&](Transaction&) {
      holding = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return core::success();
    });
    EXPECT_TRUE(succeeded(held));
  });
  while (!holding) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread waiter([&] { EXPECT_TRUE(succeeded(small->ping())); });
  const auto deadline = std::chrono::steady_clock::now() + wait_limit;
  while (small->pool_stats().acquisition_waits_total == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(small->pool_stats().acquisition_waits_total, 1u);
  release = true;
  holder.join();
  waiter.join();
  EXPECT_EQ(small->pool_stats().connections_in_use, 0);
}

// --- migrations -------------------------------------------------------------------------

TEST_P(StorageContract, MigrateAppliesEveryMigrationAndRecordsIt) {
  auto status = migrate(database());
  ASSERT_TRUE(succeeded(status));
  EXPECT_EQ(status->applied_version, latest_version());
  EXPECT_EQ(status->latest_version, latest_version());
  auto recorded =
      read("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(succeeded(recorded));
  const auto migrations = migrations_for(GetParam());
  ASSERT_EQ(recorded->rows.size(), migrations.size());
  for (std::size_t index = 0; index < migrations.size(); ++index) {
    EXPECT_EQ(recorded->rows[index].integer(0), migrations[index].version);
    EXPECT_EQ(recorded->rows[index].text(1), migrations[index].name);
    EXPECT_GT(recorded->rows[index].integer(2), 0);
  }
  EXPECT_EQ(count("instance_settings"), 0);
}

TEST_P(StorageContract, MigrateTwiceChangesNothingTheSecondTime) {
  ASSERT_TRUE(succeeded(migrate(database())));
  auto first = read("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(succeeded(first));
  auto again = migrate(database());
  ASSERT_TRUE(succeeded(again));
  EXPECT_TRUE(again->up_to_date());
  auto second = read("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(succeeded(second));
  ASSERT_EQ(first->rows.size(), second->rows.size());
  for (std::size_t index = 0; index < first->rows.size(); ++index) {
    EXPECT_EQ(first->rows[index].at(2), second->rows[index].at(2));
  }
}

TEST_P(StorageContract, MigrateRefusesADatabaseFromANewerRoost) {
  const int newer = latest_version() + 4;
  ASSERT_TRUE(succeeded(
      run_script("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "applied_at_ms BIGINT NOT NULL);"
                 "INSERT INTO schema_migrations VALUES (" +
                 std::to_string(newer) + ", 'from_the_future', 1)")));
  auto refused = migrate(database());
  ASSERT_TRUE(failed_with(refused, ErrorCode::schema_too_new));
  EXPECT_NE(refused.error().message.find("version " + std::to_string(newer)), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("upgrade roost"), std::string::npos);
  EXPECT_EQ(count("schema_migrations"), 1);
  EXPECT_FALSE(read("SELECT COUNT(*) FROM instance_settings").ok());  // nothing was applied
  auto status = migration_status(database());
  ASSERT_TRUE(succeeded(status));
  EXPECT_EQ(status->applied_version, newer);
  EXPECT_FALSE(status->up_to_date());
}

TEST_P(StorageContract, MigrationStatusReadsWithoutChanging) {
  auto fresh = migration_status(database());
  ASSERT_TRUE(succeeded(fresh));
  EXPECT_EQ(fresh->applied_version, 0);
  EXPECT_EQ(fresh->latest_version, latest_version());
  EXPECT_FALSE(fresh->up_to_date());
  EXPECT_FALSE(read("SELECT COUNT(*) FROM schema_migrations").ok());
  ASSERT_TRUE(succeeded(migrate(database())));
  auto migrated = migration_status(database());
  ASSERT_TRUE(succeeded(migrated));
  EXPECT_TRUE(migrated->up_to_date());
}

TEST_P(StorageContract, TwoProcessesMigratingAtOnceApplyEachMigrationOnce) {
  auto other = open();
  ASSERT_NE(other, nullptr);
  Result<MigrationStatus> first = core::make_error(ErrorCode::internal, "not run");
  Result<MigrationStatus> second = core::make_error(ErrorCode::internal, "not run");
  std::thread one([&] { first = migrate(database()); });
  std::thread two([&] { second = migrate(*other); });
  one.join();
  two.join();
  EXPECT_TRUE(succeeded(first));
  EXPECT_TRUE(succeeded(second));
  EXPECT_EQ(count("schema_migrations"),
            static_cast<std::int64_t>(migrations_for(GetParam()).size()));
}

// --- repositories ---------------------------------------------------------------------

TEST_P(StorageContract, InstanceSettingsGetPutAndOverwrite) {
  ASSERT_TRUE(succeeded(migrate(database())));
  InstanceSettingsRepository settings(database());
  auto missing = settings.get("sealing_key_id");
  ASSERT_TRUE(succeeded(missing));
  EXPECT_EQ(*missing, std::nullopt);
  ASSERT_TRUE(succeeded(settings.put("sealing_key_id", "key-1")));
  auto stored = settings.get("sealing_key_id");
  ASSERT_TRUE(succeeded(stored));
  EXPECT_EQ(*stored, "key-1");
  ASSERT_TRUE(succeeded(settings.put("sealing_key_id", "key-2")));
  auto overwritten = settings.get("sealing_key_id");
  ASSERT_TRUE(succeeded(overwritten));
  EXPECT_EQ(*overwritten, "key-2");
  EXPECT_EQ(count("instance_settings"), 1);
}

std::string backend_test_name(const ::testing::TestParamInfo<Backend>& info) {
  return std::string(backend_name(info.param));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StorageContract, ::testing::Values(Backend::sqlite),
                         backend_test_name);
INSTANTIATE_TEST_SUITE_P(Postgres, StorageContract, ::testing::Values(Backend::postgres),
                         backend_test_name);

}  // namespace
}  // namespace roost::storage::testing
