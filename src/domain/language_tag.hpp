#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

// Language tags (BCP 47, RFC 5646), as a post's `langs` carries them.
namespace roost::domain {

// `tag` checked against RFC 5646's well-formed syntax (language, extlang, script, region,
// variants, extensions, private use, and the grandfathered tags) and written in the
// registry's case: language lower, script title, region upper ("EN-us" → "en-US",
// "zh-hant-tw" → "zh-Hant-TW"). Whether a subtag is registered is not checked: that list
// changes and Bluesky does not check it either; but the language itself must be 2 or 3
// letters (the grammar's 5-8 letters are reserved, and would let "english" through).
// invalid_request for anything else.
core::Result<std::string> normalize_language_tag(std::string_view tag);

}  // namespace roost::domain
