#include "core/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace roost::core {
namespace {

constexpr std::size_t sequence_bytes_max = 4;
constexpr unsigned char continuation_mask = 0xC0;
constexpr unsigned char continuation_bits = 0x80;
constexpr unsigned char continuation_payload = 0x3F;
constexpr char32_t surrogate_first = 0xD800;
constexpr char32_t surrogate_last = 0xDFFF;
constexpr char32_t code_point_max = 0x10FFFF;
// The smallest code point each length may carry: less is an overlong form.
constexpr char32_t smallest_of_length[] = {0, 0, 0x80, 0x800, 0x10000};

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & continuation_mask) == continuation_bits;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t index) {
  if (index >= text.size()) return 0;
  const auto lead = static_cast<unsigned char>(text[index]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  char32_t code_point = 0;
  // C0 and C1 could only start overlong forms of ASCII; F5 and up, values past U+10FFFF.
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (length > text.size() - index) return 0;
  for (std::size_t next = 1; next < length; ++next) {
    const char continuation = text[index + next];
    if (!is_continuation(continuation)) return 0;
    code_point =
        (code_point << 6) | (static_cast<unsigned char>(continuation) & continuation_payload);
  }
  const bool surrogate = code_point >= surrogate_first && code_point <= surrogate_last;
  if (code_point < smallest_of_length[length] || surrogate || code_point > code_point_max) {
    return 0;
  }
  return length;
}

std::size_t utf8_code_points(std::string_view text) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  std::size_t count = 0;
  std::size_t index = 0;
  while (index < text.size()) {
    if (text.size() - index >= sizeof(std::uint64_t)) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + index, sizeof word);
      if ((word & high_bits) == 0) {
        index += sizeof word;
        count += sizeof word;
        continue;
      }
    }
    const std::size_t length = utf8_sequence_length(text, index);
    if (length == 0) return utf8_invalid;
    index += length;
    ++count;
  }
  return count;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  // Only the character holding the byte at the cut can straddle it, and that character
  // starts at most three bytes before, at the nearest byte that is no continuation byte.
  for (std::size_t back = 1; back < sequence_bytes_max && back <= max_bytes; ++back) {
    const std::size_t start = max_bytes - back;
    if (!is_continuation(text[start])) {
      const bool straddles = utf8_sequence_length(text, start) > back;
      return text.substr(0, straddles ? start : max_bytes);
    }
  }
  return text.substr(0, max_bytes);
}

}  // namespace roost::core
