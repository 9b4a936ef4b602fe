#pragma once

#include <string>
#include <string_view>

namespace roost::core {

// ASCII case folding for protocol text (handles, language tags, URL schemes, base32): only
// A-Z change, so the bytes of a UTF-8 sequence pass through untouched, whatever the locale.
constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace roost::core
