#include "domain/text.hpp"

#include <algorithm>
#include <cctype>

#include "core/utf8.hpp"

namespace roost::domain {

std::optional<std::size_t> count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t index = 0; index < text.size(); ++count) {
    const std::size_t length = core::utf8_sequence_length(text, index);
    if (length == 0) return std::nullopt;
    index += length;
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
