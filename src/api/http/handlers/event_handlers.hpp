#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/event_access.hpp"
#include "services/inbox_presence.hpp"

namespace roost::api::http {

// GET /api/v1/events?org=<id>[&last_event_id=<n>], a WebSocket: the live events of one
// organization that the caller may see (services::EventAccess), resumed after
// last_event_id while the server still holds it. Without a credential 401, for an
// organization the caller is not in 404, from a page of another origin 403.
class EventHandlers {
 public:
  EventHandlers(services::EventAccess& access, services::InboxPresence& presence,
                BlockingExecutor& blocking)
      : access_(access), presence_(presence), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> subscribe(Request request);

  services::EventAccess& access_;
  services::InboxPresence& presence_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
