#pragma once

#include "api/http/authenticator.hpp"
#include "services/sessions.hpp"

namespace roost::api::http {

// The pipeline's Authenticator, answered by services::Sessions. It lives in api/ (not in
// services/) so that dependencies keep pointing down: services never see the HTTP layer.
class SessionAuthenticator final : public Authenticator {
 public:
  explicit SessionAuthenticator(services::Sessions& sessions) : sessions_(sessions) {}
  core::Result<SessionAuthentication> authenticate_session(std::string_view token) override {
    auto session = sessions_.authenticate(token);
    if (!session) return std::move(session).error();
    SessionAuthentication authentication;
    authentication.actor.user_id = session->user_id.value;
    authentication.actor.session_id = session->session_id.value;
    authentication.csrf_token = std::move(session->csrf_token);
    return authentication;
  }

 private:
  services::Sessions& sessions_;
};

}  // namespace roost::api::http
