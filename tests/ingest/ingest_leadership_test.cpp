// The leader election around the consumer (ingest::IngestLeadership, ADR 0027), with a lock
// the test grants, takes away and breaks: a standby consumes nothing and is healthy, the
// leader runs a consumer and says so, a lost lock stops it, and a consumer that cannot start
// gives the lock back. The consumer's source is a refused port (its faults are
// consumer_faults_test's); the PostgreSQL lock itself is storage_tests'.
#include "ingest/ingest_leadership.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "collecting_sink.hpp"
#include "core/clock.hpp"

namespace roost::ingest {
namespace {

using std::chrono::milliseconds;

// What a PostgreSQL lock does as seen by its holder, driven by the test: `available` says
// whether another process holds it, `reachable` whether the database answers, and `lose()`
// is its connection killed.
class TestLock final : public storage::IngestLeaderLock {
 public:
  core::Result<bool> try_acquire() override {
    ++attempts;
    if (!reachable) return core::make_error(core::ErrorCode::unavailable, "connection refused");
    if (held_) return true;
    held_ = available.load();
    return held_.load();
  }
  bool still_held() override { return held_; }
  void release() override {
    if (held_.exchange(false)) ++releases;
  }
  void lose() { held_ = false; }

  std::atomic<bool> available{true};
  std::atomic<bool> reachable{true};
  std::atomic<int> attempts{0};
  std::atomic<int> releases{0};

 private:
  std::atomic<bool> held_{false};
};

constexpr milliseconds retry{50};
constexpr milliseconds wait_max{10'000};

bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + wait_max;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

class IngestLeadershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_).ok());
    cursors_ = std::make_unique<storage::IngestCursorRepository>(*database_);
  }

  std::unique_ptr<IngestLeadership> create(storage::IngestCursorRepository& cursors) {
    ConsumerOptions consumer;
    consumer.source_url = source_;
    consumer.reconnect_base_delay = milliseconds(20);
    consumer.reconnect_jitter_percent = 0;
    auto leadership =
        IngestLeadership::create(lock_, cursors, sink_, clock_, consumer, LeadershipOptions{retry});
    EXPECT_TRUE(leadership.ok());
    return leadership.ok() ? std::move(leadership).value() : nullptr;
  }

  const std::string source_ =
      "ws://127.0.0.1:" + std::to_string(roost::test::unused_loopback_port());
  TestLock lock_;
  core::SystemClock clock_;
  testing::CollectingSink sink_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::IngestCursorRepository> cursors_;
};

TEST_F(IngestLeadershipTest, TheHolderOfTheLockConsumesAndSaysItLeads) {
  auto leadership = create(*cursors_);
  ASSERT_TRUE(leadership);
  leadership->start();
  EXPECT_TRUE(leadership->leader());  // the first attempt is made before start returns
  EXPECT_EQ(leadership->takeovers(), 1u);
  // Its consumer runs: it tries the (refused) source again and again.
  ASSERT_TRUE(eventually([&] { return leadership->counts().reconnects >= 2; }));
  const auto check = leadership->readiness_check();
  EXPECT_EQ(check.name, "ingest");
  EXPECT_FALSE(check.required);
  EXPECT_FALSE(check.ok);  // the consumer's own check: not connected
  EXPECT_EQ(check.detail.rfind("leader: degraded: not connected to " + source_, 0), 0u)
      << check.detail;

  leadership->stop();
  EXPECT_FALSE(leadership->leader());
  EXPECT_EQ(lock_.releases, 1);  // stopping gives the lock up for a standby
  leadership->stop();            // idempotent
  EXPECT_EQ(lock_.releases, 1);
}

TEST_F(IngestLeadershipTest, AStandbyConsumesNothingIsHealthyAndTakesOverWhenTheLockIsFree) {
  lock_.available = false;
  auto leadership = create(*cursors_);
  ASSERT_TRUE(leadership);
  leadership->start();
  EXPECT_FALSE(leadership->leader());
  ASSERT_TRUE(eventually([&] { return lock_.attempts >= 3; }));  // it keeps trying
  EXPECT_FALSE(leadership->leader());
  EXPECT_EQ(leadership->counts().reconnects, 0u);  // no consumer, no connection
  EXPECT_FALSE(leadership->status().connected);
  auto check = leadership->readiness_check();
  EXPECT_TRUE(check.ok);
  EXPECT_EQ(check.detail, "standby: another process holds the ingest leader lock");

  lock_.available = true;  // the leader died
  ASSERT_TRUE(eventually([&] { return leadership->leader(); }));
  EXPECT_EQ(leadership->takeovers(), 1u);
  EXPECT_EQ(leadership->readiness_check().detail.rfind("leader: ", 0), 0u);
}

TEST_F(IngestLeadershipTest, ALostLockStopsTheConsumerAndTheCountsAddUp) {
  auto leadership = create(*cursors_);
  ASSERT_TRUE(leadership);
  leadership->start();
  ASSERT_TRUE(leadership->leader());
  ASSERT_TRUE(eventually([&] { return leadership->counts().reconnects >= 2; }));

  lock_.available = false;  // another process takes it once our connection is gone
  lock_.lose();
  ASSERT_TRUE(eventually([&] { return !leadership->leader(); }));
  const auto check = leadership->readiness_check();
  EXPECT_TRUE(check.ok);
  EXPECT_NE(check.detail.find("standby"), std::string::npos) << check.detail;
  // Its consumer stopped: no more connection attempts.
  const auto reconnects = leadership->counts().reconnects;
  EXPECT_GE(reconnects, 2u);
  std::this_thread::sleep_for(retry * 4);
  EXPECT_EQ(leadership->counts().reconnects, reconnects);

  // Leading again, a new consumer; the totals go on from the first one's.
  lock_.available = true;
  ASSERT_TRUE(eventually([&] { return leadership->leader(); }));
  EXPECT_EQ(leadership->takeovers(), 2u);
  ASSERT_TRUE(eventually([&] { return leadership->counts().reconnects > reconnects; }));
}

TEST_F(IngestLeadershipTest, AnUnreachableLockIsAStandbyThatSaysWhy) {
  lock_.reachable = false;
  auto leadership = create(*cursors_);
  ASSERT_TRUE(leadership);
  leadership->start();
  EXPECT_FALSE(leadership->leader());
  auto check = leadership->readiness_check();
  EXPECT_TRUE(check.ok);
  EXPECT_EQ(check.detail, "standby: cannot reach the lock (connection refused)");
  lock_.reachable = true;
  ASSERT_TRUE(eventually([&] { return leadership->leader(); }));
}

// A consumer that cannot read its cursor does not start (it would lose posts); a process
// that does not consume must not hold the lock either.
TEST_F(IngestLeadershipTest, AConsumerThatCannotStartGivesTheLockBack) {
  std::unique_ptr<storage::testing::ScratchDatabase> empty_scratch;
  auto scratch = storage::testing::ScratchDatabase::create(storage::Backend::sqlite);
  ASSERT_TRUE(scratch.ok());
  empty_scratch = std::move(scratch).value();
  auto unmigrated = storage::open_database(empty_scratch->url(), {});
  ASSERT_TRUE(unmigrated.ok());
  storage::IngestCursorRepository no_table(**unmigrated);

  auto leadership = create(no_table);
  ASSERT_TRUE(leadership);
  leadership->start();
  EXPECT_FALSE(leadership->leader());
  EXPECT_GE(lock_.releases, 1);
  auto check = leadership->readiness_check();
  EXPECT_TRUE(check.ok);
  EXPECT_EQ(check.detail.rfind("standby: the consumer did not start", 0), 0u) << check.detail;
  ASSERT_TRUE(eventually([&] { return lock_.releases >= 3; }));  // tried again, given back again
  EXPECT_EQ(leadership->takeovers(), 0u);
  leadership->stop();
}

TEST_F(IngestLeadershipTest, ABadSourceOrRetryIntervalIsRefusedAtCreation) {
  ConsumerOptions https;
  https.source_url = "https://bsky.network";
  EXPECT_FALSE(IngestLeadership::create(lock_, *cursors_, sink_, clock_, https, {}).ok());
  ConsumerOptions fine;
  fine.source_url = source_;
  EXPECT_FALSE(IngestLeadership::create(lock_, *cursors_, sink_, clock_, fine,
                                        LeadershipOptions{milliseconds(0)})
                   .ok());
  EXPECT_EQ(lock_.attempts, 0);
}

}  // namespace
}  // namespace roost::ingest
