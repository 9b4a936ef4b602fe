#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/periodic_worker.hpp"
#include "storage/live_event_channel.hpp"

// Tells the other processes' publish dispatchers that a post became due (ADR 0030, 0035),
// off the request path: announce() only marks the announcement pending and wakes a thread of
// its own, which sends one NOTIFY (the payload is the owner, so that this process's own
// listener ignores it) for every mark made before it began. Requests never wait for the
// channel's connection, whatever state it is in; announcements made while one is under way
// or while the channel is down are coalesced into the next; a failed send is tried again
// every live_event_reconnect_wait (logged once per outage). Best effort: every dispatcher
// still polls, and one that (re)starts listening looks once at what is due.
namespace roost::scheduler {

struct DueAnnouncerCounts {
  std::uint64_t announced_total = 0;  // announce() calls
  std::uint64_t sent_total = 0;       // NOTIFYs sent
  std::uint64_t failed_total = 0;     // sends that failed (tried again)
};

class DueAnnouncer {
 public:
  DueAnnouncer(storage::LiveEventChannel& channel, std::string owner);
  ~DueAnnouncer();
  DueAnnouncer(const DueAnnouncer&) = delete;
  DueAnnouncer& operator=(const DueAnnouncer&) = delete;

  void start();
  // A post became due here. Thread-safe, never blocks (an atomic store and a wake-up).
  void announce();
  // Joins the thread; an announcement still pending is sent once more (bounded by the
  // channel's connect timeout). Idempotent.
  void stop();
  DueAnnouncerCounts counts() const;

 private:
  core::PeriodicWorker::Next round();
  bool send();

  storage::LiveEventChannel& channel_;
  std::string owner_;
  std::atomic<bool> pending_{false};
  std::atomic<std::uint64_t> announced_total_{0};
  std::atomic<std::uint64_t> sent_total_{0};
  std::atomic<std::uint64_t> failed_total_{0};
  bool reported_ = false;        // the current outage was logged (the worker's thread only)
  core::PeriodicWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace roost::scheduler
