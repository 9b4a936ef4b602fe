#pragma once

#include <optional>
#include <string_view>

// A member's role in one team (PRODUCT.md §2): a scope of its own, beside the
// organization role, not more values of it.
namespace roost::domain {

// Weakest first.
enum class TeamRole { member, team_admin };

std::string_view team_role_name(TeamRole role);
std::optional<TeamRole> parse_team_role(std::string_view name);

}  // namespace roost::domain
