#pragma once

#include "api/ws/event_hub.hpp"
#include "services/live_events.hpp"

namespace roost::api::ws {

// services::LiveEvents onto this process's hub: what services and listeners publish reaches
// the WebSocket clients whose audiences include the event's.
class HubLiveEvents : public services::LiveEvents {
 public:
  explicit HubLiveEvents(EventHub& hub) : hub_(hub) {}
  void publish(services::LiveEvent event) override {
    hub_.publish(Event{0, std::move(event.type), std::move(event.audience),
                       std::move(event.payload), event.replayable});
  }

 private:
  EventHub& hub_;
};

}  // namespace roost::api::ws
