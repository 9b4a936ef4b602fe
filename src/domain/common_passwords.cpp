#include "domain/common_passwords.hpp"

#include <string>
#include <unordered_set>

namespace roost::domain {
namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Built once, on first use, from the embedded text; the views point into that text, which
// lives for the whole process.
const std::unordered_set<std::string_view>& common_passwords() {
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> lines;
    std::string_view text = common_passwords_text();
    while (!text.empty()) {
      auto end = text.find('\n');
      auto line = text.substr(0, end);
      if (!line.empty()) lines.insert(line);
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
    return lines;
  }();
  return set;
}

}  // namespace

bool is_common_password(std::string_view password) {
  std::string lowered(password);
  for (char& c : lowered) c = lower_ascii(c);
  return common_passwords().contains(lowered);
}

std::size_t common_password_count() { return common_passwords().size(); }

}  // namespace roost::domain
