#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/two_factor.hpp"

namespace roost::api::http {

// The caller's TOTP two-factor settings: enroll, confirm, disable, new recovery codes.
// Session only (an API token gets 403).
class TwoFactorHandlers {
 public:
  TwoFactorHandlers(services::TwoFactor& two_factor, BlockingExecutor& blocking)
      : two_factor_(two_factor), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> start(Request request);
  Awaitable<Response> confirm(Request request);
  Awaitable<Response> disable(Request request);
  Awaitable<Response> regenerate(Request request);

  services::TwoFactor& two_factor_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
