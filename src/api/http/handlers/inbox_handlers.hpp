#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/inbox.hpp"

namespace roost::api::http {

// The team inbox: list and read items, assign, tag, prioritize, resolve, annotate and reply
// (ADR 0025), and the organization's routing rules.
class InboxHandlers {
 public:
  InboxHandlers(services::Inbox& inbox, BlockingExecutor& blocking)
      : inbox_(inbox), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> update(Request request);
  Awaitable<Response> add_note(Request request);
  Awaitable<Response> list_notes(Request request);
  Awaitable<Response> reply(Request request);
  Awaitable<Response> list_rules(Request request);
  Awaitable<Response> create_rule(Request request);
  Awaitable<Response> update_rule(Request request);
  Awaitable<Response> delete_rule(Request request);

  services::Inbox& inbox_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
