#include "domain/common_passwords.hpp"

#include <string>
#include <unordered_set>

#include "core/ascii.hpp"
#include "domain/embedded_list.hpp"

namespace roost::domain {
namespace {

// Built once, on first use, from the embedded text (which lives for the whole process).
const std::unordered_set<std::string_view>& common_passwords() {
  static const std::unordered_set<std::string_view> set =
      embedded_list_lines(common_passwords_text());
  return set;
}

}  // namespace

bool is_common_password(std::string_view password) {
  return common_passwords().contains(core::ascii_lower(password));
}

std::size_t common_password_count() { return common_passwords().size(); }

}  // namespace roost::domain
