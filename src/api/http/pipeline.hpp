#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "api/http/awaitable.hpp"
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

struct DispatchOutcome {
  Response response;
  std::size_t route_id = 0;
  bool upgrade_websocket = false;  // the route is a WebSocket and the request asked for one
};

// What every request goes through between the socket and its handler: request id,
// routing (404/405), body parsing (400/415), the handler, and the error mapping.
// Authentication joins here with the identity layer.
class Pipeline {
 public:
  Pipeline(const Router& router, Metrics& metrics, bool access_log)
      : router_(router), metrics_(metrics), access_log_(access_log) {}

  Awaitable<DispatchOutcome> dispatch(Request request, bool websocket_upgrade);

  // Called by the session once the response is written (or the connection failed).
  void finish(const RequestSummary& request, const DispatchOutcome& outcome,
              std::chrono::steady_clock::time_point started, std::size_t response_bytes);
  // For responses the session makes itself (413, 408, 431, 400 before a request exists).
  void record_rejection(int status, std::string_view remote_address, std::string_view reason);

  Metrics& metrics() { return metrics_; }

 private:
  core::Result<void> prepare_body(Request& request, const Route& route) const;

  const Router& router_;
  Metrics& metrics_;
  bool access_log_;
};

// A request id from the client's X-Request-Id when it is short and plain, else a new one.
std::string choose_request_id(const Request& request);

}  // namespace roost::api::http
