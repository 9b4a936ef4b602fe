#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/sessions.hpp"

namespace roost::api::http {

// Login, logout, the caller's sessions, the caller (/me) and their password.
class SessionHandlers {
 public:
  SessionHandlers(services::Sessions& sessions, BlockingExecutor& blocking)
      : sessions_(sessions), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> log_in(Request request);
  Awaitable<Response> current(Request request);
  Awaitable<Response> log_out(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> revoke(Request request);
  Awaitable<Response> me(Request request);
  Awaitable<Response> change_password(Request request);

  services::Sessions& sessions_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
