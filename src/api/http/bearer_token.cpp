#include "api/http/bearer_token.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view scheme = "bearer";

bool token68_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

bool has_scheme_prefix(std::string_view value) {
  if (value.size() < scheme.size()) return false;
  return std::equal(scheme.begin(), scheme.end(), value.begin(),
                    [](char expected, char c) { return expected == core::ascii_lower(c); });
}

core::Error malformed(std::string_view why) {
  core::Error error =
      core::make_error(core::ErrorCode::unauthenticated,
                       "malformed Authorization header: expected \"Bearer <API token>\"");
  error.details.push_back({"Authorization", std::string(why), 0, 0});
  return error;
}

}  // namespace

bool has_bearer_scheme(std::string_view authorization) {
  return has_scheme_prefix(authorization) &&
         (authorization.size() == scheme.size() || authorization[scheme.size()] == ' ');
}

core::Result<std::string_view> bearer_token(std::string_view authorization) {
  if (!has_bearer_scheme(authorization)) {
    return malformed("the only scheme accepted is Bearer");
  }
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return malformed("the token is missing");
  if (token.size() > core::limits::api_token_length_max) return malformed("the token is too long");
  if (!std::all_of(token.begin(), token.end(), token68_character)) {
    return malformed("the token contains characters a token cannot have");
  }
  return token;
}

}  // namespace roost::api::http
