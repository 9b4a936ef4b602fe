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
};

}  // namespace roost::api::http
