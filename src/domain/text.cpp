#include "domain/text.hpp"

#include <algorithm>
#include <cctype>

namespace roost::domain {

std::optional<std::size_t> count_code_points(std::string_view text) {
  std::size_t count = 0;
  std::size_t index = 0;
  while (index < text.size()) {
    auto byte = static_cast<unsigned char>(text[index]);
    std::size_t length = 0;
    char32_t code_point = 0;
    if (byte < 0x80) {
      length = 1;
      code_point = byte;
    } else if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
      code_point = byte & 0x1F;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      code_point = byte & 0x0F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      code_point = byte & 0x07;
    } else {
      return std::nullopt;
    }
    if (index + length > text.size()) return std::nullopt;
    for (std::size_t next = 1; next < length; ++next) {
      auto continuation = static_cast<unsigned char>(text[index + next]);
      if ((continuation & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) return std::nullopt;
    index += length;
    ++count;
  }
  return count;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool has_control_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

}  // namespace roost::domain
