#include "core/periodic_worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace roost::core {
namespace {

using namespace std::chrono_literals;
using Next = PeriodicWorker::Next;

// Counts rounds and lets a test wait for the n-th: no test sleeps to see a round happen.
class Rounds {
 public:
  Next operator()() {
    std::lock_guard lock(mutex_);
    ++count_;
    changed_.notify_all();
    return count_ < again_until_ ? Next::again : Next::wait;
  }
  bool wait_for_count(int n, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }
  void again_until(int n) {
    std::lock_guard lock(mutex_);
    again_until_ = n;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
  int again_until_ = 0;
};

// An interval no test waits out: a round that comes sooner came from start, wake or again.
constexpr auto forever = std::chrono::milliseconds(std::chrono::hours(1));

TEST(PeriodicWorkerTest, TheFirstRoundRunsAtOnceAndTheNextWaitsTheInterval) {
  Rounds rounds;
  PeriodicWorker worker(forever, [&] { return rounds(); });
  worker.start();
  ASSERT_TRUE(rounds.wait_for_count(1));
  EXPECT_FALSE(rounds.wait_for_count(2, 100ms));
  worker.stop();
  EXPECT_EQ(rounds.count(), 1);
}

TEST(PeriodicWorkerTest, AfterIntervalWaitsBeforeTheFirstRound) {
  Rounds rounds;
  PeriodicWorker worker(
      forever, [&] { return rounds(); }, PeriodicWorker::FirstRound::after_interval);
  worker.start();
  EXPECT_FALSE(rounds.wait_for_count(1, 100ms));
  worker.stop();
  EXPECT_EQ(rounds.count(), 0);
}

TEST(PeriodicWorkerTest, RoundsRepeatEveryInterval) {
  Rounds rounds;
  PeriodicWorker worker(5ms, [&] { return rounds(); });
  worker.start();
  EXPECT_TRUE(rounds.wait_for_count(5));
}

TEST(PeriodicWorkerTest, WakeStartsTheNextRoundWithoutWaitingTheInterval) {
  Rounds rounds;
  PeriodicWorker worker(forever, [&] { return rounds(); });
  worker.start();
  ASSERT_TRUE(rounds.wait_for_count(1));
  worker.wake();
  EXPECT_TRUE(rounds.wait_for_count(2));
  worker.wake();
  EXPECT_TRUE(rounds.wait_for_count(3));
}

TEST(PeriodicWorkerTest, AWakeDuringARoundIsNotLost) {
  std::atomic<int> calls{0};
  std::atomic<bool> release{false};
  Rounds rounds;
  PeriodicWorker* self = nullptr;
  PeriodicWorker worker(forever, [&] {
    if (calls.fetch_add(1) == 0) {
      self->wake();  // arrives while this round runs
      while (!release.load()) std::this_thread::sleep_for(1ms);
    }
    return rounds();
  });
  self = &worker;
  worker.start();
  release.store(true);
  EXPECT_TRUE(rounds.wait_for_count(2));
}

TEST(PeriodicWorkerTest, AgainRunsTheNextRoundAtOnce) {
  Rounds rounds;
  rounds.again_until(4);
  PeriodicWorker worker(forever, [&] { return rounds(); });
  worker.start();
  EXPECT_TRUE(rounds.wait_for_count(4));
  EXPECT_FALSE(rounds.wait_for_count(5, 100ms));
}

TEST(PeriodicWorkerTest, StopWaitsForTheRoundAndARoundSeesTheRequest) {
  std::atomic<bool> in_round{false};
  std::atomic<bool> saw_stop{false};
  PeriodicWorker* self = nullptr;
  PeriodicWorker worker(forever, [&] {
    in_round.store(true);
    while (!self->stop_requested()) std::this_thread::sleep_for(1ms);
    saw_stop.store(true);
    return Next::wait;
  });
  self = &worker;
  worker.start();
  while (!in_round.load()) std::this_thread::sleep_for(1ms);
  worker.stop();
  EXPECT_TRUE(saw_stop.load());  // joined only after the round ended
  EXPECT_TRUE(worker.stop_requested());
}

TEST(PeriodicWorkerTest, APauseWaitsItsDurationAndEndsEarlyOnStop) {
  std::atomic<bool> first_pause{false};
  std::atomic<bool> second_pause{true};
  std::atomic<bool> pausing{false};
  PeriodicWorker* self = nullptr;
  PeriodicWorker worker(forever, [&] {
    first_pause.store(self->pause(1ms));
    pausing.store(true);
    second_pause.store(self->pause(std::chrono::hours(1)));  // ended by stop()
    return Next::wait;
  });
  self = &worker;
  worker.start();
  while (!pausing.load()) std::this_thread::sleep_for(1ms);
  const auto asked = std::chrono::steady_clock::now();
  worker.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_TRUE(first_pause.load());
  EXPECT_FALSE(second_pause.load());
}

TEST(PeriodicWorkerTest, StopIsIdempotentAndStartRunsItAgain) {
  Rounds rounds;
  PeriodicWorker worker(forever, [&] { return rounds(); });
  worker.stop();  // never started
  worker.start();
  ASSERT_TRUE(rounds.wait_for_count(1));
  worker.stop();
  worker.stop();
  worker.start();
  EXPECT_TRUE(rounds.wait_for_count(2));
  EXPECT_FALSE(worker.stop_requested());
}

}  // namespace
}  // namespace roost::core
