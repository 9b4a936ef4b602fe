#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/posts.hpp"

namespace roost::api::http {

// Composing posts (to one or many profiles, now, at a wall time in a zone, or as a draft),
// their approvals, rescheduling and cancelling. Listing them is the calendar's.
class PostHandlers {
 public:
  PostHandlers(services::Posts& posts, BlockingExecutor& blocking)
      : posts_(posts), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> create(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> update(Request request);
  Awaitable<Response> submit(Request request);
  Awaitable<Response> approve(Request request);
  Awaitable<Response> reject(Request request);
  Awaitable<Response> decide(Request request, storage::ApprovalDecision decision);
  Awaitable<Response> schedule(Request request);
  Awaitable<Response> cancel(Request request);

  services::Posts& posts_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
