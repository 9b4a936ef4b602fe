#pragma once

#include <cstddef>
#include <string_view>

namespace roost::core {

// The length (1 to 4) of the valid UTF-8 sequence that starts at text[index], or 0 when none
// does: RFC 3629 allows no overlong forms, no surrogates (U+D800-U+DFFF) and nothing past
// U+10FFFF, and a sequence cut short by the end of `text` is invalid too. The project's one
// UTF-8 decoder: the counters, escapers and cutters are built on it, and utf8_valid's vector
// path is held to it by the tests.
std::size_t utf8_sequence_length(std::string_view text, std::size_t index);

// The number of code points of `text` when all of it is valid UTF-8 (as
// utf8_sequence_length decides), else SIZE_MAX. Runs of ASCII are taken eight bytes at a
// step (most text is ASCII).
inline constexpr std::size_t utf8_invalid = static_cast<std::size_t>(-1);
std::size_t utf8_code_points(std::string_view text);

// Whether all of `text` is valid UTF-8: the same decision as utf8_code_points, 32 bytes at
// a step on a CPU with AVX2 (what the firehose decoder checks a non-ASCII post with).
bool utf8_valid(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// UTF-8 character, so that cutting valid text leaves valid text (a JSON writer throws on
// half a character). A byte that starts no valid sequence counts as a character of its own.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace roost::core
