// The ingest leader lock (storage::IngestLeaderLock, ADR 0027): two lock objects on one
// PostgreSQL database stand for two roost processes; exactly one holds it at a time, and the
// holder notices when its connection is killed. SQLite has one process: always the leader.
#include "storage/ingest_leader_lock.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "scratch_database.hpp"
#include "storage/postgres/postgres_ingest_leader_lock.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

TEST(SqliteIngestLeaderLock, TheOnlyProcessIsAlwaysTheLeader) {
  auto scratch = ScratchDatabase::create(Backend::sqlite);
  ASSERT_TRUE(succeeded(scratch));
  auto lock = open_ingest_leader_lock((*scratch)->url());
  ASSERT_TRUE(lock);
  EXPECT_FALSE(lock->still_held());
  auto acquired = lock->try_acquire();
  ASSERT_TRUE(succeeded(acquired));
  EXPECT_TRUE(*acquired);
  EXPECT_TRUE(lock->still_held());
  lock->release();
  EXPECT_FALSE(lock->still_held());
  EXPECT_TRUE(*lock->try_acquire());
}

// The lock's connection sits idle between checks: without keepalives and a TCP user timeout
// a vanished peer leaves it hanging for many minutes. Both conninfo forms get them; what the
// operator set stays.
TEST(LeaderLockConninfo, AddsKeepalivesAndTimeoutsToAUrl) {
  EXPECT_EQ(postgres::leader_lock_conninfo("postgresql://roost@127.0.0.1:5432/roost"),
            "postgresql://roost@127.0.0.1:5432/roost?keepalives=1&keepalives_idle=10&"
            "keepalives_interval=5&keepalives_count=3&tcp_user_timeout=25000&connect_timeout=10");
  EXPECT_EQ(postgres::leader_lock_conninfo("postgresql:///roost?host=/run&keepalives_idle=60"),
            "postgresql:///roost?host=/run&keepalives_idle=60&keepalives=1&"
            "keepalives_interval=5&keepalives_count=3&tcp_user_timeout=25000&connect_timeout=10");
}

TEST(LeaderLockConninfo, AddsThemToKeyValuePairsAndKeepsTheOperatorsChoice) {
  EXPECT_EQ(postgres::leader_lock_conninfo("host=db dbname=roost connect_timeout=3"),
            "host=db dbname=roost connect_timeout=3 keepalives=1 keepalives_idle=10 "
            "keepalives_interval=5 keepalives_count=3 tcp_user_timeout=25000");
}

class PostgresIngestLeaderLock : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = ScratchDatabase::create(Backend::postgres);
    ASSERT_TRUE(succeeded(scratch));
    scratch_ = std::move(scratch).value();
  }
  std::unique_ptr<IngestLeaderLock> open() { return open_ingest_leader_lock(scratch_->url()); }
  static bool acquire(IngestLeaderLock& lock) {
    auto acquired = lock.try_acquire();
    EXPECT_TRUE(succeeded(acquired));
    return acquired.ok() && *acquired;
  }

  std::unique_ptr<ScratchDatabase> scratch_;
};

// libpq takes every added parameter (an unknown or malformed one fails the connection), and
// the lock taken through them is a lock like any other.
TEST_F(PostgresIngestLeaderLock, TheLocksConnectionAcceptsTheKeepaliveParameters) {
  pqxx::connection connection(postgres::leader_lock_conninfo(scratch_->url().postgres_conninfo));
  EXPECT_TRUE(connection.is_open());
  auto lock = open();
  EXPECT_TRUE(acquire(*lock));
  EXPECT_TRUE(lock->still_held());
}

TEST_F(PostgresIngestLeaderLock, ExactlyOneOfTwoProcessesHoldsIt) {
  auto first = open();
  auto second = open();
  EXPECT_TRUE(acquire(*first));
  EXPECT_FALSE(acquire(*second));
  EXPECT_TRUE(acquire(*first));  // held already: still true
  EXPECT_TRUE(first->still_held());
  EXPECT_FALSE(second->still_held());

  // Released, the other takes it; the first is then the one left out.
  first->release();
  EXPECT_FALSE(first->still_held());
  EXPECT_TRUE(acquire(*second));
  EXPECT_TRUE(second->still_held());
  EXPECT_FALSE(acquire(*first));
}

TEST_F(PostgresIngestLeaderLock, ClosingTheHolderFreesIt) {
  auto first = open();
  auto second = open();
  ASSERT_TRUE(acquire(*first));
  ASSERT_FALSE(acquire(*second));
  first.reset();
  EXPECT_TRUE(acquire(*second));
}

// The holder's session shows in pg_locks under the documented key, as an operator sees it.
TEST_F(PostgresIngestLeaderLock, PgLocksShowsTheDocumentedKey) {
  auto lock = open();
  ASSERT_TRUE(acquire(*lock));
  pqxx::connection observer(scratch_->url().postgres_conninfo);
  auto rows = pqxx::nontransaction(observer).exec(
      "SELECT classid::bigint, objid::bigint, objsubid FROM pg_locks WHERE locktype = "
      "'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = "
      "current_database())");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::int64_t>(), 114);
  EXPECT_EQ(rows[0][1].as<std::int64_t>(), 1869575028);
  EXPECT_EQ(rows[0][2].as<int>(), 1);
  EXPECT_EQ((rows[0][0].as<std::int64_t>() << 32) | rows[0][1].as<std::int64_t>(),
            ingest_leader_lock_key);
}

TEST_F(PostgresIngestLeaderLock, AKilledConnectionLosesTheLockAndTheOtherTakesIt) {
  auto holder = open();
  auto standby = open();
  ASSERT_TRUE(acquire(*holder));
  ASSERT_FALSE(acquire(*standby));

  // The holder's backend: the session of this database that holds an advisory lock.
  pqxx::connection killer(scratch_->url().postgres_conninfo);
  auto killed = pqxx::nontransaction(killer).exec(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND "
      "granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  ASSERT_EQ(killed.size(), 1u);

  EXPECT_FALSE(holder->still_held());
  EXPECT_TRUE(acquire(*standby));
  // The old holder connects again, and finds the lock taken.
  EXPECT_FALSE(acquire(*holder));
  EXPECT_FALSE(holder->still_held());
}

// Advisory locks are per database: two installations on one server each have a leader.
TEST_F(PostgresIngestLeaderLock, AnotherDatabaseHasItsOwnLeader) {
  auto other = ScratchDatabase::create(Backend::postgres);
  ASSERT_TRUE(succeeded(other));
  auto here = open();
  auto there = open_ingest_leader_lock((*other)->url());
  EXPECT_TRUE(acquire(*here));
  EXPECT_TRUE(acquire(*there));
  there.reset();
}

TEST(PostgresIngestLeaderLockUnreachable, AnUnreachableServerIsUnavailableNotLeader) {
  auto url = parse_database_url("postgresql://roost@127.0.0.1:1/roost?connect_timeout=1");
  ASSERT_TRUE(succeeded(url));
  auto lock = open_ingest_leader_lock(*url);
  EXPECT_TRUE(failed_with(lock->try_acquire(), core::ErrorCode::unavailable));
  EXPECT_FALSE(lock->still_held());
  lock->release();  // nothing held: nothing happens
}

}  // namespace
}  // namespace roost::storage::testing
