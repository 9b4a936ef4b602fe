#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

#include "core/limits.hpp"
#include "core/periodic_worker.hpp"
#include "core/result.hpp"
#include "services/live_events.hpp"
#include "storage/notification_repository.hpp"

// New notifications to their user's open event streams, as `notification.created` with the
// audience "user:<id>" (issue 6, ADR 0028). Notifications are written in many places — the
// inbox, invitations, the publish dispatcher, profile alerts, in this process or another on
// the same PostgreSQL, or the admin CLI — all through storage::append_notification, inside
// the transaction of their cause. Rather than each writer publishing (and a rolled-back
// transaction publishing what never was), each process reads the rows committed since its
// last round and publishes them to its own clients only: every writer is caught, each event
// is delivered once per process, and never twice to a client.
namespace roost::services {

class NotificationPump {
 public:
  struct Options {
    std::chrono::milliseconds interval = core::limits::notification_pump_interval;
    std::size_t batch_max = core::limits::notification_pump_batch_max;
    std::chrono::milliseconds settle = core::limits::notification_pump_settle;
  };

  // `local` is this process's hub, never the cross-process fan-out: every process pumps.
  NotificationPump(storage::NotificationRepository& notifications, LiveEvents& local,
                   Options options);
  NotificationPump(storage::NotificationRepository& notifications, LiveEvents& local)
      : NotificationPump(notifications, local, Options{}) {}
  ~NotificationPump() { stop(); }
  NotificationPump(const NotificationPump&) = delete;
  NotificationPump& operator=(const NotificationPump&) = delete;

  // One round: the first starts after the newest notification there is (what was written
  // before the server started is not news); later ones publish the rows committed since.
  // Returns how many were published.
  core::Result<std::size_t> pump_once();

  // A round now and every interval after, on a thread of its own, until stop().
  void start() { worker_.start(); }
  void stop() { worker_.stop(); }
  std::uint64_t published_total() const { return published_.load(); }

 private:
  core::PeriodicWorker::Next round();

  storage::NotificationRepository& notifications_;
  LiveEvents& local_;
  Options options_;
  // Every id up to low_ was published or will never be; the ids above it already published,
  // with when they were first seen. PostgreSQL takes ids at insert and commits in any order:
  // a lower id may appear after a higher one. An id seen `settle` ago settles those below it.
  std::optional<std::int64_t> low_;
  std::map<std::int64_t, std::chrono::steady_clock::time_point> published_ids_;
  std::atomic<std::uint64_t> published_{0};
  bool reported_ = false;        // the last round's failure was logged (the worker's thread)
  core::PeriodicWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace roost::services
