#include "api/ws/event_hub.hpp"

namespace roost::api::ws {

std::uint64_t EventHub::subscribe(Filter filter, Deliver deliver, std::uint64_t* newest) {
  std::lock_guard lock(mutex_);
  if (newest != nullptr) *newest = next_event_id_ - 1;
  auto id = next_subscription_++;
  subscribers_.emplace(id, Subscriber{std::move(filter), std::move(deliver)});
  return id;
}

void EventHub::unsubscribe(std::uint64_t subscription) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(subscription);
}

std::uint64_t EventHub::publish(Event event) {
  std::vector<Deliver> targets;
  std::shared_ptr<const Event> shared;
  {
    std::lock_guard lock(mutex_);
    event.id = next_event_id_++;
    shared = std::make_shared<const Event>(std::move(event));
    if (shared->replayable) {
      history_.push_back(shared);
      if (history_.size() > history_max_) history_.pop_front();
    }
    for (const auto& [id, subscriber] : subscribers_) {
      if (!subscriber.filter || subscriber.filter(*shared)) targets.push_back(subscriber.deliver);
    }
  }
  // Delivery only enqueues on the session's own executor; no lock is held meanwhile.
  for (const auto& deliver : targets) deliver(shared);
  return shared->id;
}

std::vector<std::shared_ptr<const Event>> EventHub::replay(std::uint64_t last_event_id,
                                                           const Filter& filter) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const Event>> events;
  for (const auto& event : history_) {
    if (event->id > last_event_id && (!filter || filter(*event))) events.push_back(event);
  }
  return events;
}

std::size_t EventHub::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

std::uint64_t EventHub::newest_event_id() const {
  std::lock_guard lock(mutex_);
  return next_event_id_ - 1;
}

}  // namespace roost::api::ws
