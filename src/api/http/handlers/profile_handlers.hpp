#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/profiles.hpp"

namespace roost::api::http {

// The shared social profiles of an organization as the caller may see them, and the
// teams they are granted to with a level: one at a time, or in bulk (many profiles to many
// teams, all or nothing). Connecting, reconnecting, settings and removal.
class ProfileHandlers {
 public:
  ProfileHandlers(services::Profiles& profiles, BlockingExecutor& blocking)
      : profiles_(profiles), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> of_team(Request request);
  Awaitable<Response> set_grant(Request request);
  Awaitable<Response> remove_grant(Request request);
  Awaitable<Response> set_grants(Request request);
  Awaitable<Response> connect(Request request);
  Awaitable<Response> reconnect(Request request);
  Awaitable<Response> update_settings(Request request);
  Awaitable<Response> remove(Request request);

  services::Profiles& profiles_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
