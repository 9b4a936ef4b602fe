#include "scheduler/due_announcer.hpp"

#include <chrono>

#include "core/limits.hpp"
#include "core/log.hpp"

namespace roost::scheduler {
namespace {
// With nothing pending a round does nothing: the interval only bounds an idle thread's sleep.
constexpr std::chrono::milliseconds idle_interval{60'000};
}  // namespace

DueAnnouncer::DueAnnouncer(storage::LiveEventChannel& channel, std::string owner)
    : channel_(channel),
      owner_(std::move(owner)),
      worker_(
          idle_interval, [this] { return round(); },
          core::PeriodicWorker::FirstRound::after_interval) {}

DueAnnouncer::~DueAnnouncer() { stop(); }

void DueAnnouncer::start() { worker_.start(); }

void DueAnnouncer::announce() {
  announced_total_.fetch_add(1, std::memory_order_relaxed);
  pending_.store(true);
  worker_.wake();
}

bool DueAnnouncer::send() {
  // Cleared before the send: a mark made while it is under way is sent by the next round.
  if (!pending_.exchange(false)) return true;
  if (auto sent = channel_.notify(owner_); !sent) {
    pending_.store(true);
    failed_total_.fetch_add(1, std::memory_order_relaxed);
    if (!reported_) {
      core::log::warn("publish.announce_failed", {{"error", sent.error().message}});
      reported_ = true;
    }
    return false;
  }
  if (reported_) core::log::info("publish.announce_restored", {});
  reported_ = false;
  sent_total_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

core::PeriodicWorker::Next DueAnnouncer::round() {
  if (send()) return core::PeriodicWorker::Next::wait;
  // The channel is down: try again after a pause (or end on stop).
  if (!worker_.pause(core::limits::live_event_reconnect_wait)) {
    return core::PeriodicWorker::Next::wait;
  }
  return core::PeriodicWorker::Next::again;
}

void DueAnnouncer::stop() {
  worker_.stop();
  // What the last requests announced goes out before the process ends (one try).
  if (pending_.load()) send();
  pending_.store(false);
}

DueAnnouncerCounts DueAnnouncer::counts() const {
  return {announced_total_.load(std::memory_order_relaxed),
          sent_total_.load(std::memory_order_relaxed),
          failed_total_.load(std::memory_order_relaxed)};
}

}  // namespace roost::scheduler
