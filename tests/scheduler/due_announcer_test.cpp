// scheduler::DueAnnouncer (ADR 0035): a post made due is announced to the other processes
// off the request path. announce() returns at once whatever the channel does; the thread
// sends one NOTIFY for all the marks made before it began; a channel that fails is tried
// again until it works.
#include "scheduler/due_announcer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace roost::scheduler {
namespace {

using namespace std::chrono_literals;

// A channel whose notify() can be held (a slow or hung connection) or made to fail.
class ControlledChannel final : public storage::LiveEventChannel {
 public:
  core::Result<void> notify(std::string_view payload) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !held_; });
    if (failing_) return core::make_error(core::ErrorCode::unavailable, "connection refused");
    sent_.emplace_back(payload);
    changed_.notify_all();
    return core::success();
  }
  core::Result<std::vector<std::string>> receive(std::chrono::milliseconds) override {
    return std::vector<std::string>{};
  }
  void hold(bool held) {
    std::lock_guard lock(mutex_);
    held_ = held;
    changed_.notify_all();
  }
  void fail(bool failing) {
    std::lock_guard lock(mutex_);
    failing_ = failing;
  }
  bool wait_entered(int count, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return entered_ >= count; });
  }
  bool wait_sent(std::size_t count, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return sent_.size() >= count; });
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  int entered() {
    std::lock_guard lock(mutex_);
    return entered_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  bool failing_ = false;
  int entered_ = 0;
  std::vector<std::string> sent_;
};

TEST(DueAnnouncer, AnnouncingNeverWaitsForAHungChannelAndMarksAreCoalesced) {
  ControlledChannel channel;
  DueAnnouncer announcer(channel, "this-process");
  announcer.start();
  channel.hold(true);
  // The first announcement's NOTIFY hangs (a connection that does not answer)...
  announcer.announce();
  ASSERT_TRUE(channel.wait_entered(1));
  // ...and the requests that announce meanwhile are not held by it.
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) announcer.announce();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_TRUE(channel.sent().empty());
  channel.hold(false);
  // One NOTIFY for the first mark, one for the hundred made while it hung.
  ASSERT_TRUE(channel.wait_sent(2));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(channel.sent(), (std::vector<std::string>{"this-process", "this-process"}));
  auto counts = announcer.counts();
  EXPECT_EQ(counts.announced_total, 101u);
  EXPECT_EQ(counts.sent_total, 2u);
  announcer.stop();
}

TEST(DueAnnouncer, AFailedSendIsTriedAgainUntilTheChannelWorks) {
  ControlledChannel channel;
  DueAnnouncer announcer(channel, "owner");
  announcer.start();
  channel.fail(true);
  announcer.announce();
  ASSERT_TRUE(channel.wait_entered(1));
  EXPECT_TRUE(channel.sent().empty());
  channel.fail(false);
  // Tried again within the reconnect wait (1 s) and then heard.
  ASSERT_TRUE(channel.wait_sent(1, 3s));
  // The channel has the NOTIFY before notify() returns and the announcer counts it.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (announcer.counts().sent_total == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GE(announcer.counts().failed_total, 1u);
  EXPECT_EQ(announcer.counts().sent_total, 1u);
  announcer.stop();
}

TEST(DueAnnouncer, NothingIsSentWithoutAnAnnouncementAndStopSendsWhatIsPending) {
  ControlledChannel channel;
  {
    DueAnnouncer idle(channel, "owner");
    idle.start();
    std::this_thread::sleep_for(100ms);
    idle.stop();
  }
  EXPECT_EQ(channel.entered(), 0);
  // Not started (or stopped before its thread came round): stop() still sends it once.
  DueAnnouncer late(channel, "owner");
  late.announce();
  late.stop();
  EXPECT_EQ(channel.sent(), std::vector<std::string>{"owner"});
  late.stop();  // idempotent: nothing more
  EXPECT_EQ(channel.entered(), 1);
}

}  // namespace
}  // namespace roost::scheduler
