#pragma once

#include <cstddef>
#include <string_view>

namespace roost::core {

// The length (1 to 4) of the valid UTF-8 sequence that starts at text[index], or 0 when none
// does: RFC 3629 allows no overlong forms, no surrogates (U+D800-U+DFFF) and nothing past
// U+10FFFF, and a sequence cut short by the end of `text` is invalid too. The project's one
// UTF-8 decoder: the validators, escapers and cutters are built on it.
std::size_t utf8_sequence_length(std::string_view text, std::size_t index);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// UTF-8 character, so that cutting valid text leaves valid text (a JSON writer throws on
// half a character). A byte that starts no valid sequence counts as a character of its own.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace roost::core
