#include "domain/embedded_list.hpp"

namespace roost::domain {

std::unordered_set<std::string_view> embedded_list_lines(std::string_view text) {
  std::unordered_set<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty()) lines.insert(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace roost::domain
