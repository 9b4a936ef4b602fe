#include "services/teams.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "domain/organization.hpp"

namespace roost::services {
namespace {

constexpr std::string_view team_kind = "team";

TeamView to_view(const storage::TeamRecord& record) {
  return TeamView{record.id, record.name, record.created_at_ms};
}

std::string team_target(core::TeamId team) { return "team:" + std::to_string(team.value); }
std::string user_target(core::UserId user) { return "user:" + std::to_string(user.value); }

core::Error team_gone() { return core::make_error(core::ErrorCode::not_found, "no such team"); }

// Team names follow the organization name rules (trimmed, 1..100 characters).
core::Result<std::string> normalize_team_name(const std::string& name) {
  return domain::normalize_org_name(name);
}

}  // namespace

storage::AuditEvent Teams::audit(const Caller& caller, std::string action, std::string target,
                                 std::string details_json) const {
  return storage::AuditEvent{{},
                             caller.user(),
                             std::move(action),
                             std::move(target),
                             std::move(details_json),
                             caller.request_id,
                             clock_.now_ms()};
}

core::Result<authz::Resource> Teams::authorize_on_team(const Caller& caller, core::OrgId org,
                                                       core::TeamId team, authz::Action action,
                                                       std::optional<core::UserId> member) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return resource;
  resource->kind = team_kind;
  // Only a member of the organization gets the team read: an outsider learns nothing.
  if (resource->actor_membership && resource->actor_membership->org == org) {
    auto found = teams_.find(team);
    if (!found) return std::move(found).error();
    if (found->has_value()) {
      auto role = teams_.find_role(team, caller.user());
      if (!role) return std::move(role).error();
      resource->team = authz::TeamTarget{team, (*found)->org, *role, member};
    }
  }
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return resource;
}

core::Result<TeamView> Teams::create(const Caller& caller, core::OrgId org,
                                     const std::string& name) {
  auto normalized = normalize_team_name(name);
  if (!normalized) return std::move(normalized).error();
  auto resource = authorize(organizations_, caller, org, authz::Action::create_team);
  if (!resource) return std::move(resource).error();
  auto created = teams_.create(
      org, *normalized, clock_.now_ms(),
      audit(caller, "team.created", "", nlohmann::json{{"name", *normalized}}.dump()));
  if (!created) return std::move(created).error();
  return to_view(*created);
}

core::Result<std::vector<TeamView>> Teams::list(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::list_teams);
  if (!resource) return std::move(resource).error();
  const bool sees_all =
      authz::decide(caller.actor, authz::Action::view_all_teams, *resource).allowed;
  auto listed =
      sees_all ? teams_.list_for_org(org, core::limits::teams_per_org_listed_max)
               : teams_.list_for_member(org, caller.user(), core::limits::teams_per_org_listed_max);
  if (!listed) return std::move(listed).error();
  std::vector<TeamView> views;
  views.reserve(listed->size());
  for (const auto& team : *listed) views.push_back(to_view(team));
  return views;
}

core::Result<TeamDetail> Teams::get(const Caller& caller, core::OrgId org, core::TeamId team) {
  auto resource = authorize_on_team(caller, org, team, authz::Action::view_team, std::nullopt);
  if (!resource) return std::move(resource).error();
  auto found = teams_.find(team);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return team_gone();
  auto members = teams_.list_members(team, core::limits::team_members_listed_max);
  if (!members) return std::move(members).error();
  TeamDetail detail{to_view(**found), {}};
  for (const auto& member : *members) {
    detail.members.push_back(
        {member.user, member.email, member.display_name, member.role, member.added_at_ms});
  }
  return detail;
}

core::Result<TeamView> Teams::rename(const Caller& caller, core::OrgId org, core::TeamId team,
                                     const std::string& name) {
  auto normalized = normalize_team_name(name);
  if (!normalized) return std::move(normalized).error();
  auto resource = authorize_on_team(caller, org, team, authz::Action::rename_team, std::nullopt);
  if (!resource) return std::move(resource).error();
  auto renamed = teams_.rename(
      team, *normalized,
      audit(caller, "team.renamed", team_target(team), nlohmann::json{{"to", *normalized}}.dump()));
  if (!renamed) return std::move(renamed).error();
  return to_view(*renamed);
}

core::Result<void> Teams::remove(const Caller& caller, core::OrgId org, core::TeamId team) {
  auto resource = authorize_on_team(caller, org, team, authz::Action::delete_team, std::nullopt);
  if (!resource) return std::move(resource).error();
  return teams_.remove(team, audit(caller, "team.deleted", team_target(team), "{}"));
}

core::Result<TeamMemberView> Teams::set_member(const Caller& caller, core::OrgId org,
                                               core::TeamId team, core::UserId user,
                                               domain::TeamRole role) {
  auto resource = authorize_on_team(caller, org, team, authz::Action::set_team_member, user);
  if (!resource) return std::move(resource).error();
  // The action and details are the repository's: it knows whether this added or changed.
  auto changed = teams_.set_member(team, user, role, clock_.now_ms(),
                                   audit(caller, "team.member_set", user_target(user), "{}"));
  if (!changed) return std::move(changed).error();
  auto member = teams_.find_member(team, user);
  if (!member) return std::move(member).error();
  if (!member->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no such member of this team");
  }
  const auto& found = **member;
  return TeamMemberView{found.user, found.email, found.display_name, found.role, found.added_at_ms};
}

core::Result<void> Teams::remove_member(const Caller& caller, core::OrgId org, core::TeamId team,
                                        core::UserId user) {
  auto resource = authorize_on_team(caller, org, team, authz::Action::remove_team_member, user);
  if (!resource) return std::move(resource).error();
  const bool leaving = user == caller.user();
  return teams_.remove_member(
      team, user,
      audit(caller, leaving ? "team.member_left" : "team.member_removed", user_target(user),
            nlohmann::json{{"team_id", team.value}}.dump()));
}

}  // namespace roost::services
