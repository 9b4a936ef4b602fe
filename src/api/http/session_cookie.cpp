#include "api/http/session_cookie.hpp"

#include <fmt/format.h>

namespace roost::api::http {
namespace {

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string with_attributes(std::string_view value, long long max_age_seconds, bool secure) {
  return fmt::format("{}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}", session_cookie_name,
                     value, max_age_seconds, secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    auto semicolon = cookie_header.find(';');
    auto pair = trim_spaces(cookie_header.substr(0, semicolon));
    cookie_header = semicolon == std::string_view::npos ? std::string_view{}
                                                        : cookie_header.substr(semicolon + 1);
    auto equals = pair.find('=');
    if (equals == std::string_view::npos || trim_spaces(pair.substr(0, equals)) != name) continue;
    auto value = trim_spaces(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (value.empty()) return std::nullopt;
    return std::string(value);
  }
  return std::nullopt;
}

std::string session_set_cookie(std::string_view token, long long max_age_seconds, bool secure) {
  return with_attributes(token, max_age_seconds, secure);
}

std::string cleared_session_cookie(bool secure) { return with_attributes("", 0, secure); }

}  // namespace roost::api::http
