#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

// What an organization's name and its members' roles are (PRODUCT.md §2).
namespace roost::domain {

inline constexpr std::size_t org_name_length_max = 100;

// A member's role in one organization, weakest first. Team roles and profile levels are
// separate scopes (a later slice), not more values here.
enum class OrgRole { member, admin, owner };

std::string_view org_role_name(OrgRole role);
std::optional<OrgRole> parse_org_role(std::string_view name);

// The name as stored (trimmed), or ErrorCode::invalid_request naming `field`.
core::Result<std::string> normalize_org_name(std::string_view name, std::string field = "name");

}  // namespace roost::domain
