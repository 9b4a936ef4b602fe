#include "core/error.hpp"

namespace roost::core {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request: return "invalid_request";
    case ErrorCode::malformed_json: return "malformed_json";
    case ErrorCode::malformed_http: return "malformed_http";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::totp_required: return "totp_required";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::seat_limit_reached: return "seat_limit_reached";
    case ErrorCode::profile_limit_reached: return "profile_limit_reached";
    case ErrorCode::confirmation_required: return "confirmation_required";
    case ErrorCode::duplicate_post: return "duplicate_post";
    case ErrorCode::invitation_expired: return "invitation_expired";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::headers_too_large: return "headers_too_large";
    case ErrorCode::request_timeout: return "request_timeout";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::database_error: return "database_error";
    case ErrorCode::schema_too_new: return "schema_too_new";
    case ErrorCode::configuration_error: return "configuration_error";
    case ErrorCode::crypto_error: return "crypto_error";
    case ErrorCode::internal: return "internal";
    case ErrorCode::profile_credentials_rejected: return "profile_credentials_rejected";
  }
  return "internal";
}

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  out.append(text).push_back('"');
  return out;
}

Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}};
}

}  // namespace roost::core
