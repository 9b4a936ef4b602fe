#include "domain/account_rules.hpp"

#include <fmt/format.h>

#include "domain/common_passwords.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

}  // namespace

core::Result<void> check_password(std::string_view password) {
  auto length = count_code_points(password);
  if (!length) return invalid("password", "is not valid UTF-8");
  if (*length < password_length_min) {
    return invalid("password", fmt::format("must be at least {} characters", password_length_min));
  }
  if (*length > password_length_max) {
    return invalid("password", fmt::format("must be at most {} characters", password_length_max));
  }
  if (trim(password).empty()) return invalid("password", "must not be only spaces");
  if (is_common_password(password)) {
    return invalid("password",
                   "is one of the most common passwords, which attackers try first; choose "
                   "another");
  }
  return core::success();
}

core::Result<std::string> normalize_display_name(std::string_view display_name) {
  auto trimmed = trim(display_name);
  auto length = count_code_points(trimmed);
  if (!length) return invalid("display_name", "is not valid UTF-8");
  if (*length == 0) return invalid("display_name", "is empty");
  if (*length > display_name_length_max) {
    return invalid("display_name",
                   fmt::format("must be at most {} characters", display_name_length_max));
  }
  if (has_control_characters(trimmed)) {
    return invalid("display_name", "must not contain control characters");
  }
  return std::string(trimmed);
}

}  // namespace roost::domain
