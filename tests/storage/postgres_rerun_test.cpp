// Database::transact_rerunnable on PostgreSQL (ADR 0030): the work runs again after a
// real deadlock picked it as the victim, and only then (bounded), never after other errors;
// plain transact() never runs work twice.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/limits.hpp"
#include "post_fixture.hpp"
#include "scratch_database.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using core::Result;

// A scratch PostgreSQL database and a pool of `connections` to it.
struct ScratchPool {
  void open(int connections) {
    auto created = ScratchDatabase::create(Backend::postgres);
    ASSERT_TRUE(succeeded(created));
    scratch = std::move(created).value();
    auto opened =
        open_database(scratch->url(), DatabaseOptions{.postgres_connections = connections});
    ASSERT_TRUE(succeeded(opened));
    database = std::move(opened).value();
  }
  std::unique_ptr<ScratchDatabase> scratch;
  std::unique_ptr<Database> database;
};

// ADR 0030: transact_rerunnable runs the work again when PostgreSQL picks it as a deadlock's
// victim. The other side is a plain connection that waits longer before looking for
// deadlocks, so the victim is always the rerunnable work (it started waiting first).
TEST(PostgresRerun, TheDeadlockVictimIsRunAgainAndSucceeds) {
  ScratchPool pool;
  ASSERT_NO_FATAL_FAILURE(pool.open(2));
  Database& database = *pool.database;
  const auto& scratch = pool.scratch;
  ASSERT_TRUE(succeeded(database.transact(TransactionMode::read_write, [](Transaction& t) {
    return t.execute_script(
        "CREATE TABLE pair (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
        "INSERT INTO pair VALUES (1, 0), (2, 0);");
  })));

  std::atomic<bool> other_holds_two{false};
  std::atomic<bool> rerunnable_waits{false};
  std::string other_error;
  std::thread other([&] {
    try {
      pqxx::connection connection(scratch->url().postgres_conninfo);
      pqxx::work work(connection);
      work.exec("SET LOCAL deadlock_timeout = '10s'");
      work.exec("UPDATE pair SET n = n + 10 WHERE id = 2");
      other_holds_two = true;
      while (!rerunnable_waits) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      // The work is blocked on row 2 by now (or about to be): close the cycle.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      work.exec("UPDATE pair SET n = n + 10 WHERE id = 1");
      work.commit();
    } catch (const std::exception& error) {
      other_error = error.what();
    }
  });
  while (!other_holds_two) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  int runs = 0;
  auto outcome = database.transact_rerunnable(TransactionMode::read_write, [&](Transaction& t) {
    ++runs;
    auto one = t.execute("UPDATE pair SET n = n + 1 WHERE id = 1");
    if (!one.ok()) return Result<void>(std::move(one).error());
    rerunnable_waits = true;
    auto two = t.execute("UPDATE pair SET n = n + 1 WHERE id = 2");
    if (!two.ok()) return Result<void>(std::move(two).error());
    return core::success();
  });
  other.join();
  EXPECT_EQ(other_error, "");
  EXPECT_TRUE(succeeded(outcome));
  EXPECT_EQ(runs, 2) << "one deadlock, one rerun";
  std::int64_t one = 0, two = 0;
  ASSERT_TRUE(succeeded(database.transact(TransactionMode::read_only, [&](Transaction& t) {
    auto rows = t.query("SELECT id, n FROM pair ORDER BY id");
    if (!rows.ok()) return Result<void>(std::move(rows).error());
    one = rows->rows.at(0).integer(1);
    two = rows->rows.at(1).integer(1);
    return core::success();
  })));
  EXPECT_EQ(one, 11);  // both transactions, each once
  EXPECT_EQ(two, 11);
}

TEST(PostgresRerun, OtherErrorsAreNotRunAgainAndReRunsAreBounded) {
  ScratchPool pool;
  ASSERT_NO_FATAL_FAILURE(pool.open(1));
  Database& database = *pool.database;

  int runs = 0;
  auto divided = database.transact_rerunnable(TransactionMode::read_write, [&](Transaction& t) {
    ++runs;
    auto row = t.query_one("SELECT 1 / 0");
    if (!row.ok()) return Result<void>(std::move(row).error());
    return core::success();
  });
  EXPECT_TRUE(failed_with(divided, core::ErrorCode::database_error));
  EXPECT_EQ(runs, 1);

  // A serialization failure every time: run at most the limit, then reported.
  runs = 0;
  auto conflicting = database.transact_rerunnable(TransactionMode::read_write, [&](Transaction& t) {
    ++runs;
    return t.execute_script(
        "DO $$ BEGIN RAISE EXCEPTION 'made up' USING ERRCODE = 'serialization_failure'; "
        "END $$");
  });
  EXPECT_TRUE(failed_with(conflicting, core::ErrorCode::unavailable));
  EXPECT_EQ(runs, core::limits::database_rerun_attempts_max);

  // Plain transact() never runs work twice, whatever failed.
  runs = 0;
  auto once = database.transact(TransactionMode::read_write, [&](Transaction& t) {
    ++runs;
    return t.execute_script(
        "DO $$ BEGIN RAISE EXCEPTION 'made up' USING ERRCODE = 'deadlock_detected'; END $$");
  });
  EXPECT_TRUE(failed_with(once, core::ErrorCode::unavailable));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(database.pool_stats().connections_total, 1);  // the connection survived each
}

// ADR 0035: the real outbox write, not a toy table. PublishJobRepository::complete locks the
// job's row, then the post's; another connection (as another process or an editor would)
// holds the post and then wants the job: a deadlock. The other side waits 10 s before it
// looks for deadlocks, so the completion (1 s) is the victim: rolled back and run again once
// the other committed. Its effects are there once: the job done, the target and post
// published, one post.published audit event; and the other's edit is kept.
class PostgresOutboxRerun : public PostFixture {};

TEST_P(PostgresOutboxRerun, ACompletionPickedAsADeadlockVictimRunsAgainAndTakesEffectOnce) {
  auto post = scheduled({london_}, start_ms);
  auto claimed = claim(start_ms);
  ASSERT_EQ(claimed.size(), 1u);
  const auto lease = claimed[0].lease;
  ASSERT_TRUE(succeeded(jobs_->mark_sent(lease, start_ms + 1)));
  const std::string conninfo = url().postgres_conninfo;

  std::atomic<bool> other_holds_post{false};
  std::atomic<bool> completion_waited{false};
  std::string other_error;
  std::thread other([&] {
    try {
      pqxx::connection connection(conninfo);
      pqxx::connection watcher(conninfo);
      pqxx::work work(connection);
      work.exec("SET LOCAL deadlock_timeout = '10s'");
      work.exec_params("UPDATE posts SET base_text = base_text || ' (edited)' WHERE id = $1",
                       post.id.value);
      other_holds_post = true;
      // Until the completion waits for the post's lock: it holds the job's row by then.
      for (int i = 0; i < 2'000 && !completion_waited; ++i) {
        auto waiting = pqxx::nontransaction(watcher).exec_params(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> $1",
            connection.backendpid());
        completion_waited = waiting[0][0].template as<int>() > 0;
        if (!completion_waited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      // Close the cycle: the job's row, which the completion holds.
      work.exec_params("UPDATE publish_jobs SET due_at_ms = due_at_ms WHERE id = $1",
                       lease.job.value);
      work.commit();
    } catch (const std::exception& error) {
      other_error = error.what();
    }
  });
  while (!other_holds_post && other_error.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const RecordRef record{"at://did:plc:london/app.bsky.feed.post/3kq2rerun", "bafyrerun"};
  auto completed = jobs_->complete(lease, record, start_ms + 2);
  other.join();
  EXPECT_TRUE(completion_waited) << "the completion never waited for the post";
  // Had the completion not been the victim, the other side would have been (its error).
  EXPECT_EQ(other_error, "");
  ASSERT_TRUE(succeeded(completed));
  EXPECT_EQ(completed->job.state, PublishJobState::done);
  EXPECT_EQ(completed->post_state, PostState::published);

  auto job = jobs_->find(lease.job);
  ASSERT_TRUE(succeeded(job));
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->state, PublishJobState::done);
  EXPECT_EQ((*job)->attempts, 1);
  EXPECT_EQ((*job)->claim_count, 1);
  auto after = find(post.id);
  EXPECT_EQ(after.state, PostState::published);
  EXPECT_EQ(after.text, "Hello (edited)");  // the other transaction's effect, once
  ASSERT_EQ(after.targets.size(), 1u);
  EXPECT_EQ(after.targets[0].published.uri, record.uri);
  auto actions = audit_actions(acme_);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "post.published"), 1);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresOutboxRerun, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
