#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.hpp"
#include "networks/identity.hpp"
#include "services/live_events.hpp"

// What the service tests share: one instant they run at, a clock that stays there, a hub
// that records what a service publishes, and a directory of handles.
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

// The directory a test controls: handles it knows, whether it answers at all, and how long
// each answer takes (a lookup past its deadline ends there, timed out, as curl's does). The
// real resolver against the PDS and PLC is tested in tests/network and tests/http.
class DirectoryOfHandles final : public networks::IdentityResolver {
 public:
  std::map<std::string, std::string> dids;  // handle -> DID; read only while lookups run
  bool down = false;
  std::chrono::milliseconds answer_after{0};
  std::atomic<int> calls = 0;
  std::atomic<int> running = 0;       // lookups under way now
  std::atomic<int> most_running = 0;  // the most ever under way at once
  networks::NetworkResult<networks::ResolvedIdentity> identity_of_did(std::string_view) override {
    return networks::NetworkError{networks::FailureKind::permanent, 0, "", "not used here"};
  }

 protected:
  networks::NetworkResult<std::string> resolve_handle(std::string_view handle,
                                                      std::optional<Deadline> deadline) override {
    ++calls;
    const int now_running = ++running;
    for (int seen = most_running; now_running > seen;) {
      if (most_running.compare_exchange_weak(seen, now_running)) break;
    }
    auto answer_at = std::chrono::steady_clock::now() + answer_after;
    const bool cut = deadline && *deadline < answer_at;
    std::this_thread::sleep_until(cut ? *deadline : answer_at);
    --running;
    if (cut) return networks::NetworkError{networks::FailureKind::transient, 0, "", "timed out"};
    if (down) {
      return networks::NetworkError{networks::FailureKind::transient, 0, "",
                                    "Failed to connect to resolver.internal port 2583"};
    }
    auto found = dids.find(std::string(handle));
    if (found == dids.end()) {
      return networks::NetworkError{networks::FailureKind::not_found, 400, "", "unknown"};
    }
    return found->second;
  }
};

}  // namespace roost::services::testing
