#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/templates.hpp"

namespace roost::api::http {

// Saved replies of a team: create and list per team, read, edit and delete by id.
class TemplateHandlers {
 public:
  TemplateHandlers(services::Templates& templates, BlockingExecutor& blocking)
      : templates_(templates), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> create(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> update(Request request);
  Awaitable<Response> remove(Request request);

  services::Templates& templates_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
