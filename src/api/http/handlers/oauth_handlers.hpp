#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/outbound_settings.hpp"
#include "services/profile_oauth.hpp"

namespace roost::api::http {

// Connecting a Bluesky profile with AT Protocol OAuth (ADR 0031): starting it (the
// authorize URL to send the browser to), the callback the account's authorization server
// sends the browser back to (a redirect to the web UI's profiles page), and the client
// metadata document that is Roost's client id over https.
class OAuthHandlers {
 public:
  OAuthHandlers(services::ProfileOAuth& oauth, const services::OutboundSettings& outbound,
                BlockingExecutor& blocking)
      : oauth_(oauth), outbound_(outbound), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> start(Request request);
  Awaitable<Response> callback(Request request);
  Awaitable<Response> client_metadata(Request request);

  services::ProfileOAuth& oauth_;
  const services::OutboundSettings& outbound_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
