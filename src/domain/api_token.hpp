#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

// What a personal API token looks like and what its owner may choose about it.
namespace roost::domain {

// Every token starts with this, so that secret scanners (and people) recognise one.
inline constexpr std::string_view api_token_marker = "roost_pat_";

// "roost_pat_" followed by base64url characters only: the shape of every token we make. A
// value of any other shape is not looked up at all.
bool looks_like_api_token(std::string_view token);
// The non-secret start of a token that lists show: the marker and `chars` characters more.
std::string api_token_prefix(std::string_view token, std::size_t chars);
// The token's name as stored (trimmed), or an error naming what is wrong.
core::Result<std::string> normalize_api_token_name(std::string_view name);
// The lifetime asked for: 1 to api_token_expiry_days_max days, or an error naming
// expires_in_days.
core::Result<std::int64_t> check_api_token_expiry_days(std::int64_t days);

}  // namespace roost::domain
