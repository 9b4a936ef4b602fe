#include "domain/api_token.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/limits.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

bool base64url_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

bool looks_like_api_token(std::string_view token) {
  if (!token.starts_with(api_token_marker) || token.size() > core::limits::api_token_length_max) {
    return false;
  }
  auto secret = token.substr(api_token_marker.size());
  return !secret.empty() && std::all_of(secret.begin(), secret.end(), base64url_character);
}

std::string api_token_prefix(std::string_view token, std::size_t chars) {
  return std::string(token.substr(0, api_token_marker.size() + chars));
}

core::Result<std::string> normalize_api_token_name(std::string_view name) {
  auto trimmed = trim(name);
  auto length = count_code_points(trimmed);
  if (!length) return invalid("name", "is not valid UTF-8");
  if (*length == 0) return invalid("name", "is empty");
  if (*length > core::limits::api_token_name_length_max) {
    return invalid("name", fmt::format("must be at most {} characters",
                                       core::limits::api_token_name_length_max));
  }
  if (has_control_characters(trimmed))
    return invalid("name", "must not contain control characters");
  return std::string(trimmed);
}

core::Result<std::int64_t> check_api_token_expiry_days(std::int64_t days) {
  if (days < 1 || days > core::limits::api_token_expiry_days_max) {
    return invalid("expires_in_days", fmt::format("must be between 1 and {}",
                                                  core::limits::api_token_expiry_days_max));
  }
  return days;
}

}  // namespace roost::domain
