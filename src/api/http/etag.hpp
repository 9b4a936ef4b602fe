#pragma once

#include <optional>
#include <string_view>

namespace roost::api::http {

// Does an If-None-Match header name this ETag? ("*", or a list that holds it, weak or
// strong: RFC 9110 compares weakly for If-None-Match.)
bool if_none_match_matches(std::optional<std::string_view> if_none_match, std::string_view etag);

}  // namespace roost::api::http
