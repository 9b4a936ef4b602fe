#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.hpp"

// User-perceived characters (extended grapheme clusters, UAX #29), counted by ICU: Bluesky
// limits a post to 300 of them, and an emoji ZWJ family or a flag is one, not seven or two.
namespace roost::domain {

// The number of grapheme clusters in `utf8`; invalid_request when it is not valid UTF-8
// (ICU would silently count each bad byte as U+FFFD, so the text is checked first).
core::Result<std::size_t> count_graphemes(std::string_view utf8);

}  // namespace roost::domain
