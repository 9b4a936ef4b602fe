#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace roost::domain {

// The number of Unicode code points in `text`, or nullopt when it is not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF included).
std::optional<std::size_t> count_code_points(std::string_view text);

// `text` without leading and trailing ASCII white space.
std::string_view trim(std::string_view text);

// True when `text` holds a C0 control character or DEL (tab, CR and LF included).
bool has_control_characters(std::string_view text);

}  // namespace roost::domain
