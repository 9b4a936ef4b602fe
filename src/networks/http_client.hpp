#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "networks/curl_handles.hpp"

// A blocking HTTP client over libcurl for the networks' APIs: one request per call, with
// connections kept alive between calls (a pool of easy handles), every response size-capped
// and every call bounded by a connect and a total timeout. No redirects are followed: an
// API that redirects a write is not one we know how to retry safely.
namespace roost::networks {

// Response headers, names lower-cased; a repeated header keeps its last value.
using HttpHeaders = std::map<std::string, std::string, std::less<>>;

enum class HttpMethod { get, post };

struct HttpRequest {
  HttpMethod method = HttpMethod::get;
  std::string url;
  std::string bearer_token;  // sent as "Authorization: Bearer ..." when not empty
  // More "Name: value" lines (an OAuth call's "Authorization: DPoP ..." and "DPoP: <proof>").
  std::vector<std::string> headers;
  std::string content_type;  // for a body
  std::string body;
  std::size_t response_bytes_max = core::limits::network_response_bytes_max;
  // When set, the call also ends by then: its connect and total timeouts are cut to what is
  // left, and a deadline already past fails at once (CURLE_OPERATION_TIMEDOUT, nothing sent).
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// The request got no HTTP answer.
struct TransportFailure {
  int curl_code = 0;          // CURLcode
  bool request_sent = false;  // whether any byte of the request left: the server may have acted
  std::string message;        // libcurl's, which names the host but never a header
};

struct HttpTimeouts {
  std::chrono::milliseconds connect = core::limits::network_connect_timeout;
  std::chrono::milliseconds total = core::limits::network_total_timeout;
};

class HttpClient {
 public:
  explicit HttpClient(HttpTimeouts timeouts);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any status is a response; only a missing answer is a TransportFailure. Thread-safe.
  core::Result<HttpResponse, TransportFailure> perform(const HttpRequest& request);

 private:
  CurlHandle take_handle();
  void return_handle(CurlHandle handle);

  HttpTimeouts timeouts_;
  std::mutex idle_mutex_;
  std::vector<CurlHandle> idle_;  // each keeps its connections open for the next call
};

// "https://host/xrpc/" + `nsid` + "?a=b&c=d" with every value percent-encoded.
std::string build_url(std::string_view base, std::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& query = {});

}  // namespace roost::networks
