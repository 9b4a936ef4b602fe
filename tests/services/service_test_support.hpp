#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "services/live_events.hpp"

// What the service tests share: one instant they run at, a clock that stays there, and a
// hub that records what a service publishes.
namespace roost::services::testing {

inline constexpr std::int64_t fixed_now_ms = 1'796'392'800'000;  // 2026-12-04T14:00:00Z

class FixedClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds(fixed_now_ms)};
  }
};

// What the event hub would receive (the hub is app/'s; this records the calls, from any
// thread).
class RecordedEvents final : public LiveEvents {
 public:
  void publish(LiveEvent event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    changed_.notify_all();
  }
  std::vector<LiveEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // The events so far, forgotten here.
  std::vector<LiveEvent> taken() {
    std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
  }
  // The events once there are `count` (or `limit` has passed).
  std::vector<LiveEvent> wait_for(std::size_t count,
                                  std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return events_.size() >= count; });
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<LiveEvent> events_;
};

}  // namespace roost::services::testing
