#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/organizations.hpp"

namespace roost::api::http {

// Organizations: create, list mine, read, rename, delete, transfer ownership. "Switching"
// organization is the client's business: every route names its organization in the path.
class OrgHandlers {
 public:
  OrgHandlers(services::Organizations& organizations, BlockingExecutor& blocking)
      : organizations_(organizations), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> create(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> rename(Request request);
  Awaitable<Response> remove(Request request);
  Awaitable<Response> transfer_ownership(Request request);

  services::Organizations& organizations_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
