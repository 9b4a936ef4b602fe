#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/members.hpp"

namespace roost::api::http {

// The members of an organization: list (cursor pages), change a role, remove or leave.
class MemberHandlers {
 public:
  MemberHandlers(services::Members& members, BlockingExecutor& blocking)
      : members_(members), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);
  Awaitable<Response> change_role(Request request);
  Awaitable<Response> remove(Request request);

  services::Members& members_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
