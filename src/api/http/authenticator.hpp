#pragma once

#include <string>
#include <string_view>

#include "authz/policy.hpp"
#include "core/result.hpp"

namespace roost::api::http {

// Who a session cookie belongs to, and the CSRF token its state-changing requests must
// carry.
struct SessionAuthentication {
  authz::Actor actor;
  std::string csrf_token;
};

// What the pipeline asks to turn a credential into an Actor. Blocking (it reads the
// database): the pipeline calls it on the blocking executor. Tests substitute a fake.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // ErrorCode::unauthenticated when the token names no active session.
  virtual core::Result<SessionAuthentication> authenticate_session(std::string_view token) = 0;
  // A personal API token (the Bearer credential): an Actor with api_token_id and
  // api_token_org set, and no CSRF token (Bearer requests need none). ErrorCode::
  // unauthenticated when the token is unknown, revoked or expired, or its owner left the
  // organization. Without an override, API tokens are not accepted.
  virtual core::Result<SessionAuthentication> authenticate_api_token(std::string_view token) {
    (void)token;
    return core::make_error(core::ErrorCode::unauthenticated, "API tokens are not accepted here");
  }
};

}  // namespace roost::api::http
