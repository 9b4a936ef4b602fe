#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/teams.hpp"

namespace roost::api::http {

// The teams of an organization: create, list, show (with members), rename, delete, and
// add, change or remove a team member.
class TeamHandlers {
 public:
  TeamHandlers(services::Teams& teams, BlockingExecutor& blocking)
      : teams_(teams), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> create(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> rename(Request request);
  Awaitable<Response> remove(Request request);
  Awaitable<Response> set_member(Request request);
  Awaitable<Response> remove_member(Request request);

  services::Teams& teams_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
