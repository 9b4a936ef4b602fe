#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace roost::core {

// The one list of error codes in Roost. Every layer returns these; api/http/error_mapper
// is the only place that turns one into an HTTP status and body.
enum class ErrorCode {
  invalid_request,     // the request is well-formed but a value is wrong
  malformed_json,      // the body is not JSON, or not UTF-8
  malformed_http,      // the request line or headers do not parse
  unauthenticated,     // no valid session or token
  totp_required,       // the password was right; the account's two-factor code is missing
  permission_denied,   // authenticated, but the policy says no
  not_found,           // no such resource (or one of another organization)
  method_not_allowed,  // the path exists, the method does not
  conflict,            // the state does not allow it (duplicate, already done)
  seat_limit_reached,  // the organization's plan has no seat left (members + pending invitations)
  invitation_expired,  // the invitation's 7 days are over
  payload_too_large,   // body over the limit
  headers_too_large,   // request line or headers over the limit
  request_timeout,     // the client did not send the request in time
  rate_limited,        // too many requests
  unsupported_media_type,
  unavailable,          // a dependency (database, network) does not answer
  database_error,       // the database answered with an error we did not expect
  schema_too_new,       // the database was migrated by a newer roost
  configuration_error,  // a bad option, config key, URL or key file
  crypto_error,         // sealing or opening a secret failed
  internal,             // a bug of ours
  // the organization's plan has no social profile left to connect
  profile_limit_reached,
  // the network refused the account and app password given to connect a profile
  profile_credentials_rejected,
  // a target profile requires a confirmation naming it (confirm_profiles) that is missing
  confirmation_required,
  // the same text goes to the same profile within limits::duplicate_text_window; the
  // request must say allow_duplicate to go ahead
  duplicate_post,
};

std::string_view error_code_name(ErrorCode code);

// One detail of an error, e.g. a field that failed validation or a CSV cell.
struct ErrorDetail {
  std::string field;
  std::string message;
  int line = 0;    // 1-based where the input has lines; 0 when it has none
  int column = 0;  // 1-based where the input has columns; 0 when it has none
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::vector<ErrorDetail> details;
  // For rate_limited: seconds until the client may try again (the Retry-After header);
  // 0 when there is nothing to say.
  long long retry_after_seconds = 0;
};

Error make_error(ErrorCode code, std::string message);

// `text` between double quotes, for messages that name what the caller sent. (Built by
// appending: g++ 12 at -O3 misreads `"\"" + std::string(...)` as an overlapping memcpy.)
std::string quoted(std::string_view text);

}  // namespace roost::core
