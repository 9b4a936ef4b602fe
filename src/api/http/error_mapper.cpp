#include "api/http/error_mapper.hpp"

namespace roost::api::http {

int http_status(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::malformed_json:
    case ErrorCode::malformed_http: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::totp_required: return 401;
    case ErrorCode::permission_denied: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::request_timeout: return 408;
    case ErrorCode::conflict:
    case ErrorCode::seat_limit_reached:
    case ErrorCode::profile_limit_reached:
    case ErrorCode::confirmation_required:
    case ErrorCode::duplicate_post: return 409;
    case ErrorCode::invitation_expired: return 410;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::invalid_request:
    case ErrorCode::profile_credentials_rejected: return 422;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::headers_too_large: return 431;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::database_error:
    case ErrorCode::schema_too_new:
    case ErrorCode::configuration_error:
    case ErrorCode::crypto_error:
    case ErrorCode::internal: return 500;
  }
  return 500;
}

Response error_response(const core::Error& error) {
  int status = http_status(error.code);
  nlohmann::json details = nlohmann::json::array();
  for (const auto& detail : error.details) {
    nlohmann::json item = {{"message", detail.message}};
    if (!detail.field.empty()) item["field"] = detail.field;
    if (detail.line > 0) item["line"] = detail.line;
    if (detail.column > 0) item["column"] = detail.column;
    details.push_back(std::move(item));
  }
  // A 5xx never echoes internal messages (SQL, paths) to the client; they are logged.
  std::string message = status >= 500 && error.code != core::ErrorCode::unavailable
                            ? "internal error; see the server log for this request id"
                            : error.message;
  auto response = json_response(status, {{"error",
                                          {{"code", core::error_code_name(error.code)},
                                           {"message", std::move(message)},
                                           {"details", std::move(details)}}}});
  if (error.retry_after_seconds > 0) {
    response.headers.push_back({"retry-after", std::to_string(error.retry_after_seconds)});
  }
  return response;
}

}  // namespace roost::api::http
