#pragma once

#include <optional>
#include <string>
#include <string_view>

// The session cookie: its name, how it is set and cleared, and how it is found in a
// request's Cookie header.
namespace roost::api::http {

inline constexpr std::string_view session_cookie_name = "roost_session";

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present and not empty.
std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name);

// Set-Cookie for a new session: HttpOnly (scripts cannot read it), SameSite=Lax (other
// sites' forms do not send it), Path=/, Max-Age, and Secure when the client came over TLS.
std::string session_set_cookie(std::string_view token, long long max_age_seconds, bool secure);
// Set-Cookie that makes the browser drop the session cookie (Max-Age=0).
std::string cleared_session_cookie(bool secure);

}  // namespace roost::api::http
