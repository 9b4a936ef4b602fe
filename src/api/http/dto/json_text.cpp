#include "api/http/dto/json_text.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace roost::api::http {

void append_json_string(std::string& out, std::string_view text) {
  // Printable ASCII other than the quote and the backslash is written as it is; anything
  // else (escapes, UTF-8 to check) goes through nlohmann's serializer, the reference.
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out += nlohmann::json(std::string(text))
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  }
  out += '"';
  out += text;
  out += '"';
}

void append_json_integer(std::string& out, std::int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace roost::api::http
