#include "authz/policy.hpp"

#include <array>

namespace roost::authz {
namespace {

using domain::OrgRole;

constexpr std::array<OrgRule, 7> organization_rules{{
    {Action::view_org, OrgRole::member, "view_org"},
    {Action::rename_org, OrgRole::admin, "rename_org (owner or admin)"},
    {Action::delete_org, OrgRole::owner, "delete_org (owner only)"},
    {Action::transfer_ownership, OrgRole::owner, "transfer_ownership (owner only)"},
    {Action::view_members, OrgRole::member, "view_members"},
    {Action::change_member_role, OrgRole::admin, "change_member_role (owner or admin)"},
    {Action::remove_member, OrgRole::admin, "remove_member (owner or admin)"},
}};

using domain::TeamRole;

constexpr std::array<TeamRule, 8> team_action_rules{{
    {Action::create_team, OrgRole::admin, std::nullopt, false, "create_team (org owner or admin)"},
    {Action::list_teams, OrgRole::member, std::nullopt, false, "list_teams"},
    {Action::view_all_teams, OrgRole::admin, std::nullopt, false,
     "view_all_teams (org owner or admin)"},
    {Action::view_team, OrgRole::admin, TeamRole::member, true,
     "view_team (org owner or admin, or a member of the team)"},
    {Action::rename_team, OrgRole::admin, TeamRole::team_admin, true,
     "rename_team (org owner or admin, or team_admin of the team)"},
    {Action::delete_team, OrgRole::admin, std::nullopt, true, "delete_team (org owner or admin)"},
    {Action::set_team_member, OrgRole::admin, TeamRole::team_admin, true,
     "set_team_member (org owner or admin, or team_admin of the team)"},
    {Action::remove_team_member, OrgRole::admin, TeamRole::team_admin, true,
     "remove_team_member (org owner or admin, or team_admin of the team)"},
}};

constexpr std::string_view owner_role_permission = "manage_owners (owner only)";

const OrgRule* rule_of(Action action) {
  for (const auto& rule : organization_rules) {
    if (rule.action == action) return &rule;
  }
  return nullptr;
}

const TeamRule* team_rule_of(Action action) {
  for (const auto& rule : team_action_rules) {
    if (rule.action == action) return &rule;
  }
  return nullptr;
}

template <class Role>
bool at_least(Role role, Role minimum) {
  return static_cast<int>(role) >= static_cast<int>(minimum);
}

// The organization part of every organization and team decision. Fail closed: no
// organization, no caller, or a membership of another organization all mean the caller
// cannot see this organization at all.
// An API token sees only the organization it was made for.
bool sees_org(const Actor& actor, const Resource& resource) {
  return resource.org && actor.user_id && resource.actor_membership &&
         resource.actor_membership->org == *resource.org &&
         (!actor.api_token_org || *actor.api_token_org == resource.org->value);
}

constexpr std::string_view credentials_permission =
    "manage_credentials (needs a login session; an API token cannot manage sessions, tokens, "
    "the password or two-factor authentication)";

Decision decide_team(const Actor& actor, const TeamRule& rule, const Resource& resource) {
  if (!sees_org(actor, resource)) return Decision::not_found();
  if (rule.about_one_team) {
    // A team of another organization, reached through this organization's path, does not
    // exist here.
    if (!resource.team || resource.team->org != *resource.org) return Decision::not_found();
    if (rule.action == Action::remove_team_member && resource.team->member &&
        resource.team->member->value == *actor.user_id) {
      return Decision::allow();  // leaving the team
    }
  }
  if (at_least(resource.actor_membership->role, rule.minimum_org_role)) return Decision::allow();
  if (rule.about_one_team && rule.minimum_team_role && resource.team->actor_role &&
      at_least(*resource.team->actor_role, *rule.minimum_team_role)) {
    return Decision::allow();
  }
  return Decision::deny(std::string(rule.permission));
}

// Granting or taking away the owner role is for owners only, whoever else may manage roles.
bool touches_owner_role(const MemberTarget& target) {
  return target.current_role == OrgRole::owner ||
         (target.new_role && *target.new_role == OrgRole::owner);
}

Decision decide_org(const Actor& actor, const OrgRule& rule, const Resource& resource) {
  if (!sees_org(actor, resource)) return Decision::not_found();
  const OrgRole role = resource.actor_membership->role;
  if (rule.action == Action::remove_member && resource.member &&
      resource.member->user.value == *actor.user_id) {
    return Decision::allow();  // leaving; the last owner is kept by storage (409)
  }
  if (!at_least(role, rule.minimum_role)) return Decision::deny(std::string(rule.permission));
  const bool manages_member =
      rule.action == Action::change_member_role || rule.action == Action::remove_member;
  if (manages_member && resource.member && touches_owner_role(*resource.member) &&
      role != OrgRole::owner) {
    return Decision::deny(std::string(owner_role_permission));
  }
  return Decision::allow();
}

}  // namespace

std::string_view action_name(Action action) {
  switch (action) {
    case Action::read_health: return "read_health";
    case Action::read_metrics: return "read_metrics";
    case Action::subscribe_events: return "subscribe_events";
    case Action::view_org: return "view_org";
    case Action::rename_org: return "rename_org";
    case Action::delete_org: return "delete_org";
    case Action::transfer_ownership: return "transfer_ownership";
    case Action::view_members: return "view_members";
    case Action::change_member_role: return "change_member_role";
    case Action::remove_member: return "remove_member";
    case Action::create_team: return "create_team";
    case Action::list_teams: return "list_teams";
    case Action::view_all_teams: return "view_all_teams";
    case Action::view_team: return "view_team";
    case Action::rename_team: return "rename_team";
    case Action::delete_team: return "delete_team";
    case Action::set_team_member: return "set_team_member";
    case Action::remove_team_member: return "remove_team_member";
    case Action::manage_credentials: return "manage_credentials";
  }
  return "unknown";
}

std::span<const OrgRule> org_rules() { return organization_rules; }

std::span<const TeamRule> team_rules() { return team_action_rules; }

Decision decide(const Actor& actor, Action action, const Resource& resource) {
  switch (action) {
    // Load balancers and Prometheus scrape these without credentials; they reveal no
    // tenant data (bind the listener to a private address to keep them private).
    case Action::read_health:
    case Action::read_metrics: return Decision::allow();
    // The event stream carries tenant events once they exist; the hub's per-event
    // audience filter is what scopes them, and it is applied per subscriber.
    case Action::subscribe_events: return Decision::allow();
    case Action::manage_credentials:
      if (!actor.authenticated()) return Decision::not_found();
      if (actor.api_token_id || !actor.session_id) {
        return Decision::deny(std::string(credentials_permission));
      }
      return Decision::allow();
    case Action::view_org:
    case Action::rename_org:
    case Action::delete_org:
    case Action::transfer_ownership:
    case Action::view_members:
    case Action::change_member_role:
    case Action::remove_member: break;
    case Action::create_team:
    case Action::list_teams:
    case Action::view_all_teams:
    case Action::view_team:
    case Action::rename_team:
    case Action::delete_team:
    case Action::set_team_member:
    case Action::remove_team_member: {
      const TeamRule* rule = team_rule_of(action);
      if (rule == nullptr) return Decision::not_found();
      return decide_team(actor, *rule, resource);
    }
  }
  const OrgRule* rule = rule_of(action);
  if (rule == nullptr) return Decision::not_found();
  return decide_org(actor, *rule, resource);
}

core::Result<void> require(const Actor& actor, Action action, const Resource& resource) {
  auto decision = decide(actor, action, resource);
  switch (decision.verdict()) {
    case Verdict::allow: return core::success();
    case Verdict::deny:
      return core::make_error(core::ErrorCode::permission_denied,
                              "missing permission: " + decision.missing_permission);
    case Verdict::not_found: break;
  }
  return core::make_error(
      core::ErrorCode::not_found,
      "no such " + std::string(resource.kind == "instance" ? "resource" : resource.kind));
}

}  // namespace roost::authz
