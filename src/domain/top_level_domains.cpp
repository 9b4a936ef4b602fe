#include "domain/top_level_domains.hpp"

#include <string>
#include <unordered_set>

#include "core/ascii.hpp"
#include "domain/embedded_list.hpp"

namespace roost::domain {
namespace {

// Built once, on first use; the views point into the embedded text.
const std::unordered_set<std::string_view>& top_level_domains() {
  static const std::unordered_set<std::string_view> set =
      embedded_list_lines(top_level_domains_text());
  return set;
}

}  // namespace

bool is_top_level_domain(std::string_view label) {
  return top_level_domains().contains(core::ascii_lower(label));
}

bool has_known_top_level_domain(std::string_view domain) {
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  return is_top_level_domain(domain.substr(dot + 1));
}

std::size_t top_level_domain_count() { return top_level_domains().size(); }

}  // namespace roost::domain
