#include "domain/team.hpp"

namespace roost::domain {

std::string_view team_role_name(TeamRole role) {
  switch (role) {
    case TeamRole::member: return "member";
    case TeamRole::team_admin: return "team_admin";
  }
  return "member";
}

std::optional<TeamRole> parse_team_role(std::string_view name) {
  for (auto role : {TeamRole::member, TeamRole::team_admin}) {
    if (team_role_name(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace roost::domain
