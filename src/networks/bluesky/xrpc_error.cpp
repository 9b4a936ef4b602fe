#include "networks/bluesky/xrpc_error.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <string>

#include "core/limits.hpp"
#include "core/utf8.hpp"

namespace roost::networks::bluesky {
namespace {

constexpr int http_unauthorized = 401;
constexpr int http_not_found = 404;
constexpr int http_request_timeout = 408;
constexpr int http_too_many_requests = 429;
constexpr int http_server_error_min = 500;
constexpr int http_server_error_end = 600;

// Error names meaning the session or the account behind it cannot be used any more: a person
// must reconnect the profile (or the account is gone).
constexpr std::array revoked_names = {
    std::string_view("InvalidToken"),       std::string_view("AuthenticationRequired"),
    std::string_view("AuthMissing"),        std::string_view("AccountTakedown"),
    std::string_view("AccountDeactivated"), std::string_view("AuthFactorTokenRequired"),
    std::string_view("InvalidPassword"),    std::string_view("AccountNotFound"),
};
constexpr std::array not_found_names = {
    std::string_view("RecordNotFound"),
    std::string_view("RepoNotFound"),
    std::string_view("BlobNotFound"),
    std::string_view("NotFound"),
};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Cut between characters: the message is stored and sent on as JSON, and a JSON writer
// throws on half a character.
std::string clipped(std::string_view text) {
  return std::string(core::utf8_prefix(text, core::limits::bluesky_error_message_bytes_max));
}

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::chrono::seconds bounded(long long seconds) {
  return std::chrono::seconds(
      std::clamp<long long>(seconds, 0, core::limits::bluesky_retry_after_max.count()));
}

// Retry-After is seconds or an HTTP date; Bluesky's ratelimit-reset is the Unix second at
// which the window resets. Retry-After wins when both are there: it is the standard one.
std::optional<std::chrono::seconds> retry_after(const HttpHeaders& headers,
                                                std::chrono::system_clock::time_point now) {
  auto now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (auto found = headers.find("retry-after"); found != headers.end()) {
    if (auto seconds = parse_integer(found->second)) return bounded(*seconds);
    std::time_t date = curl_getdate(found->second.c_str(), nullptr);
    if (date != -1) return bounded(static_cast<long long>(date) - now_seconds);
  }
  if (auto found = headers.find("ratelimit-reset"); found != headers.end()) {
    if (auto reset = parse_integer(found->second)) return bounded(*reset - now_seconds);
  }
  return std::nullopt;
}

}  // namespace

NetworkError failure(FailureKind kind, std::string code, std::string message) {
  NetworkError error;
  error.kind = kind;
  error.code = std::move(code);
  error.message = std::move(message);
  return error;
}

NetworkError classify_transport_failure(const TransportFailure& failure) {
  NetworkError error;
  error.code = curl_easy_strerror(static_cast<CURLcode>(failure.curl_code));
  error.message = clipped(failure.message);
  switch (static_cast<CURLcode>(failure.curl_code)) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      error.kind = FailureKind::permanent;  // a bad PDS URL: only a person can fix it
      return error;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT: error.kind = FailureKind::transient; return error;
    default:
      error.kind = failure.request_sent ? FailureKind::outcome_unknown : FailureKind::transient;
      return error;
  }
}

NetworkError classify_response(int status, std::string_view body, const HttpHeaders& headers,
                               std::chrono::system_clock::time_point now) {
  NetworkError error;
  error.http_status = status;
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object()) {
    if (auto name = json.find("error"); name != json.end() && name->is_string()) {
      error.code = clipped(name->get<std::string>());
    }
    if (auto message = json.find("message"); message != json.end() && message->is_string()) {
      error.message = clipped(message->get<std::string>());
    }
  }
  if (error.message.empty()) error.message = "HTTP " + std::to_string(status);

  if (error.code == "ExpiredToken") {
    error.kind = FailureKind::auth_expired;
  } else if (contains(revoked_names, error.code) || status == http_unauthorized) {
    error.kind = FailureKind::auth_revoked;
  } else if (status == http_too_many_requests || error.code == "RateLimitExceeded") {
    error.kind = FailureKind::rate_limited;
    error.retry_after = retry_after(headers, now);
  } else if (status == http_request_timeout ||
             (status >= http_server_error_min && status < http_server_error_end)) {
    error.kind = FailureKind::transient;
  } else if (status == http_not_found || contains(not_found_names, error.code)) {
    error.kind = FailureKind::not_found;
  } else {
    error.kind = FailureKind::permanent;
  }
  return error;
}

}  // namespace roost::networks::bluesky
