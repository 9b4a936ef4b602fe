#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace roost::api::ws {

// A live event for WebSocket clients. `audience` says who may receive it; subscribers
// decide with their own filter (the authorization of the event stream builds on this).
struct Event {
  std::uint64_t id = 0;    // assigned by the hub, increasing: clients resume from it
  std::string type;        // e.g. "notification.created"
  std::string audience;    // e.g. "org:42" or "team:7"; empty = every connected client
  std::string payload;     // a JSON object, already encoded
  bool replayable = true;  // false: delivered live, never kept in the ring (presence)
};

// Fans events out to the connected sessions of this process. Thread-safe. It keeps the
// last events in a ring, so a client that reconnects can ask for what it missed.
class EventHub {
 public:
  using Deliver = std::function<void(std::shared_ptr<const Event>)>;
  using Filter = std::function<bool(const Event&)>;

  explicit EventHub(std::size_t history_max = 1024) : history_max_(history_max) {}

  // `newest`, when given, is set to the last event id published before the subscription:
  // every later event is delivered, none before it (the hello's resume point).
  std::uint64_t subscribe(Filter filter, Deliver deliver, std::uint64_t* newest = nullptr);
  void unsubscribe(std::uint64_t subscription);
  std::uint64_t publish(Event event);
  // Events after `last_event_id` still in the ring that pass `filter`, oldest first.
  std::vector<std::shared_ptr<const Event>> replay(std::uint64_t last_event_id,
                                                   const Filter& filter) const;
  std::size_t subscriber_count() const;
  // The id of the last event published (0 before the first): where a client that connects
  // now resumes from (the hello's last_event_id).
  std::uint64_t newest_event_id() const;

 private:
  struct Subscriber {
    Filter filter;
    Deliver deliver;
  };
  mutable std::mutex mutex_;
  std::size_t history_max_;
  std::uint64_t next_event_id_ = 1;
  std::uint64_t next_subscription_ = 1;
  std::unordered_map<std::uint64_t, Subscriber> subscribers_;
  std::deque<std::shared_ptr<const Event>> history_;
};

}  // namespace roost::api::ws
