#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/api_tokens.hpp"

namespace roost::api::http {

// The caller's personal API tokens: create (shown once), list, revoke. Session only.
class ApiTokenHandlers {
 public:
  ApiTokenHandlers(services::ApiTokens& tokens, BlockingExecutor& blocking)
      : tokens_(tokens), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> create(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> revoke(Request request);

  services::ApiTokens& tokens_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
