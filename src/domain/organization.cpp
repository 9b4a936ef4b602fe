#include "domain/organization.hpp"

#include <fmt/format.h>

#include "domain/text.hpp"

namespace roost::domain {
namespace {

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

}  // namespace

std::string_view org_role_name(OrgRole role) {
  switch (role) {
    case OrgRole::member: return "member";
    case OrgRole::admin: return "admin";
    case OrgRole::owner: return "owner";
  }
  return "member";
}

std::optional<OrgRole> parse_org_role(std::string_view name) {
  for (auto role : {OrgRole::member, OrgRole::admin, OrgRole::owner}) {
    if (org_role_name(role) == name) return role;
  }
  return std::nullopt;
}

core::Result<std::string> normalize_org_name(std::string_view name, std::string field) {
  auto trimmed = trim(name);
  auto length = count_code_points(trimmed);
  if (!length) return invalid(std::move(field), "is not valid UTF-8");
  if (*length == 0) return invalid(std::move(field), "is empty");
  if (*length > org_name_length_max) {
    return invalid(std::move(field),
                   fmt::format("must be at most {} characters", org_name_length_max));
  }
  if (has_control_characters(trimmed)) {
    return invalid(std::move(field), "must not contain control characters");
  }
  return std::string(trimmed);
}

}  // namespace roost::domain
