#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/accounts.hpp"

namespace roost::api::http {

// POST /api/v1/accounts: sign up.
class AccountHandlers {
 public:
  AccountHandlers(services::Accounts& accounts, BlockingExecutor& blocking)
      : accounts_(accounts), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> sign_up(Request request);

  services::Accounts& accounts_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
