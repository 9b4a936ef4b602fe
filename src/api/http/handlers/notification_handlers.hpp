#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/notifications.hpp"

namespace roost::api::http {

// The caller's in-app notifications: list (newest first, with a cursor), mark one or all read.
class NotificationHandlers {
 public:
  NotificationHandlers(services::Notifications& notifications, BlockingExecutor& blocking)
      : notifications_(notifications), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);
  Awaitable<Response> mark_read(Request request);
  Awaitable<Response> mark_all_read(Request request);

  services::Notifications& notifications_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
