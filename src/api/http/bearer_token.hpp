#pragma once

#include <string_view>

#include "core/result.hpp"

namespace roost::api::http {

// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1: the scheme is
// case-insensitive, the token is token68 characters). Anything else — another scheme, no
// token, spaces or other characters inside it, an over-long value — is
// ErrorCode::unauthenticated with a message saying what is wrong: a client with a broken
// header should learn why, not just that it failed.
core::Result<std::string_view> bearer_token(std::string_view authorization);

// Whether the header's scheme is Bearer (case-insensitive), whatever follows.
bool has_bearer_scheme(std::string_view authorization);

}  // namespace roost::api::http
