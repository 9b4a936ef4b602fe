#include "domain/text.hpp"

#include <algorithm>
#include <cctype>

#include "core/utf8.hpp"

namespace roost::domain {

std::optional<std::size_t> count_code_points(std::string_view text) {
  const std::size_t count = core::utf8_code_points(text);
  if (count == core::utf8_invalid) return std::nullopt;
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
