#pragma once

#include <cstddef>
#include <string_view>

namespace roost::core {

// The length (1 to 4) of the valid UTF-8 sequence that starts at text[index], or 0 when none
// does: RFC 3629 allows no overlong forms, no surrogates (U+D800-U+DFFF) and nothing past
// U+10FFFF, and a sequence cut short by the end of `text` is invalid too. The project's one
// UTF-8 decoder: the validators, escapers and cutters are built on it.
std::size_t utf8_sequence_length(std::string_view text, std::size_t index);

}  // namespace roost::core
