#include "networks/http_client.hpp"

#include <algorithm>
#include <mutex>

#include "core/ascii.hpp"
#include "domain/text.hpp"

namespace roost::networks {
namespace {

struct Capture {
  HttpResponse* response;
  std::size_t bytes_max;
  bool too_large = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* capture = static_cast<Capture*>(user);
  std::size_t n = size * count;
  if (capture->response->body.size() + n > capture->bytes_max) {
    capture->too_large = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  capture->response->body.append(data, n);
  return n;
}

std::size_t write_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* capture = static_cast<Capture*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    capture->response->headers.clear();  // a new response (after 100 Continue)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string name = core::ascii_lower(domain::trim(line.substr(0, colon)));
  capture->response->headers[name] = std::string(domain::trim(line.substr(colon + 1)));
  return n;
}

}  // namespace

void initialize_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::HttpClient(HttpTimeouts timeouts) : timeouts_(timeouts) { initialize_curl(); }

CurlHandle HttpClient::take_handle() {
  {
    std::lock_guard lock(idle_mutex_);
    if (!idle_.empty()) {
      CurlHandle handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return CurlHandle(curl_easy_init());
}

void HttpClient::return_handle(CurlHandle handle) {
  // Options only (they point into the finished call's stack): live connections stay.
  curl_easy_reset(handle.get());
  std::lock_guard lock(idle_mutex_);
  if (idle_.size() < core::limits::network_idle_handles_max) idle_.push_back(std::move(handle));
}

core::Result<HttpResponse, TransportFailure> HttpClient::perform(const HttpRequest& request) {
  CurlHandle handle = take_handle();
  if (!handle) return TransportFailure{CURLE_FAILED_INIT, false, "curl_easy_init failed"};
  CURL* curl = handle.get();
  HttpResponse response;
  Capture capture{&response, request.response_bytes_max};
  char error_buffer[CURL_ERROR_SIZE] = {};

  CurlSlist headers;
  auto add_header = [&headers](const std::string& line) {
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended != nullptr) {
      (void)headers.release();
      headers.reset(appended);
    }
  };
  add_header("Accept: application/json");
  add_header("Expect:");  // no 100-continue round trip before a blob upload
  if (!request.bearer_token.empty()) add_header("Authorization: Bearer " + request.bearer_token);
  if (!request.content_type.empty()) add_header("Content-Type: " + request.content_type);
  for (const auto& line : request.headers) add_header(line);

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  if (request.method == HttpMethod::post) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &capture);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &capture);
  auto connect_timeout = timeouts_.connect;
  auto total_timeout = timeouts_.total;
  if (request.deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *request.deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return_handle(std::move(handle));
      return TransportFailure{CURLE_OPERATION_TIMEDOUT, false,
                              "the time allowed ran out before the request"};
    }
    connect_timeout = std::min(connect_timeout, left);
    total_timeout = std::min(total_timeout, left);
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    long request_bytes = 0;
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
    std::string message =
        capture.too_large
            ? "the response is larger than " + std::to_string(request.response_bytes_max) + " bytes"
            : (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
    return_handle(std::move(handle));
    return TransportFailure{static_cast<int>(code), request_bytes > 0, std::move(message)};
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return_handle(std::move(handle));
  return response;
}

std::string build_url(std::string_view base, std::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& query) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  char separator = '?';
  for (const auto& [name, value] : query) {
    CurlString escaped(curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size())));
    url += separator;
    url += name;
    url += '=';
    if (escaped) url += escaped.get();
    separator = '&';
  }
  return url;
}

}  // namespace roost::networks
