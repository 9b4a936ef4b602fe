#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "services/live_events.hpp"
#include "storage/live_event_channel.hpp"

// Live events across the roost processes of one PostgreSQL database (ARCHITECTURE.md,
// "Scale-out"): publish() sends the event on the database's channel, and a thread hands
// every event received on it — this process's own included — to the local hub. One path
// for all events, so every process delivers them in the channel's order.
namespace roost::services {

class LiveEventFanout final : public LiveEvents {
 public:
  LiveEventFanout(LiveEvents& local, storage::LiveEventChannel& channel)
      : local_(local), channel_(channel) {}
  ~LiveEventFanout() override { stop(); }
  LiveEventFanout(const LiveEventFanout&) = delete;
  LiveEventFanout& operator=(const LiveEventFanout&) = delete;

  // An event too large for the channel, or sent while the database does not answer, reaches
  // this process's clients only (logged): live events are a convenience over what the REST
  // API always tells, never the only record of anything.
  void publish(LiveEvent event) override;

  void start();
  void stop();

  std::uint64_t received_total() const { return received_.load(); }
  std::uint64_t local_only_total() const { return local_only_.load(); }

 private:
  void run();

  LiveEvents& local_;
  storage::LiveEventChannel& channel_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> local_only_{0};
  std::thread thread_;
};

}  // namespace roost::services
