#pragma once

#include "api/http/authenticator.hpp"
#include "services/api_tokens.hpp"
#include "services/sessions.hpp"

namespace roost::api::http {

// The pipeline's Authenticator, answered by services::Sessions. It lives in api/ (not in
// services/) so that dependencies keep pointing down: services never see the HTTP layer.
class SessionAuthenticator final : public Authenticator {
 public:
  SessionAuthenticator(services::Sessions& sessions, services::ApiTokens& api_tokens)
      : sessions_(sessions), api_tokens_(api_tokens) {}
  core::Result<SessionAuthentication> authenticate_session(std::string_view token) override {
    auto session = sessions_.authenticate(token);
    if (!session) return std::move(session).error();
    SessionAuthentication authentication;
    authentication.actor.user_id = session->user_id.value;
    authentication.actor.session_id = session->session_id.value;
    authentication.csrf_token = std::move(session->csrf_token);
    return authentication;
  }
  core::Result<SessionAuthentication> authenticate_api_token(std::string_view token) override {
    auto authenticated = api_tokens_.authenticate(token);
    if (!authenticated) return std::move(authenticated).error();
    SessionAuthentication authentication;
    authentication.actor.user_id = authenticated->user.value;
    authentication.actor.api_token_id = authenticated->token.value;
    authentication.actor.api_token_org = authenticated->org.value;
    return authentication;
  }

 private:
  services::Sessions& sessions_;
  services::ApiTokens& api_tokens_;
};

}  // namespace roost::api::http
