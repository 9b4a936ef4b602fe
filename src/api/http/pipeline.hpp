#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/http/authenticator.hpp"
#include "api/http/awaitable.hpp"
#include "api/http/blocking_executor.hpp"
#include "api/http/message.hpp"
#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "core/result.hpp"

namespace roost::api::http {

// What the access log needs of a request once the request itself went to its handler.
struct RequestSummary {
  Method method = Method::get;
  std::string target;
  std::string request_id;
  std::string remote_address;
};

// The request target as the access log writes it: the secret of an invitation link
// (`/invitations/<token>`, in the API and in the web UI's path) becomes `***`, so that
// whoever reads the logs cannot accept someone else's invitation. Numeric ids are kept.
// An OAuth callback's query (its code and state) becomes `***` likewise.
std::string loggable_target(std::string_view target);

// What a route with `login_redirect` answers a browser that is not logged in: 302 to the
// web UI's login page, `next` the target it asked for (path and query, percent-encoded).
Response login_redirect(std::string_view target);
// How that `next` starts for the OAuth callback: the access log hides such a query.
inline constexpr std::string_view login_next_prefix = "next=%2Foauth%2F";

struct DispatchOutcome {
  Response response;
  std::size_t route_id = 0;
  bool upgrade_websocket = false;  // the route is a WebSocket and the request asked for one
};

// How the pipeline knows who is calling. Without an authenticator, every route that
// requires authentication answers 401.
struct Identity {
  Authenticator* authenticator = nullptr;
  BlockingExecutor* blocking = nullptr;
  // Honour X-Forwarded-Proto and X-Forwarded-For: only behind a proxy that sets them.
  bool trust_proxy = false;
};

// What every request goes through between the socket and its handler: request id,
// routing (404/405), the client's address, authentication and CSRF (401/403), body
// parsing (400/415), the handler, and the error mapping.
class Pipeline {
 public:
  Pipeline(const Router& router, Metrics& metrics, bool access_log, Identity identity = {})
      : router_(router), metrics_(metrics), access_log_(access_log), identity_(identity) {}

  Awaitable<DispatchOutcome> dispatch(Request request, bool websocket_upgrade);

  // Called by the session once the response is written (or the connection failed).
  void finish(const RequestSummary& request, const DispatchOutcome& outcome,
              std::chrono::steady_clock::time_point started, std::size_t response_bytes);
  // For responses the session makes itself (413, 408, 431, 400 before a request exists).
  void record_rejection(int status, std::string_view remote_address, std::string_view reason);

  Metrics& metrics() { return metrics_; }
  const Router& router() const { return router_; }

 private:
  core::Result<void> prepare_body(Request& request, const Route& route) const;
  void resolve_client(Request& request) const;
  Awaitable<core::Result<void>> authenticate(Request& request) const;
  Awaitable<core::Result<void>> authenticate_bearer(Request& request,
                                                    std::string_view authorization) const;
  // The event stream's recheck (ws::EventGrant::recheck): the credential again, then the
  // audiences of whoever it names now.
  Awaitable<core::Result<std::vector<std::string>>> recheck(
      Request credentials,
      std::function<core::Result<std::vector<std::string>>(const authz::Actor&)> audiences_for)
      const;

  const Router& router_;
  Metrics& metrics_;
  bool access_log_;
  Identity identity_;
};

// A request id from the client's X-Request-Id when it is short and plain, else a new one.
std::string choose_request_id(const Request& request);

}  // namespace roost::api::http
