#include "authz/policy.hpp"

#include <array>

namespace roost::authz {
namespace {

using domain::OrgRole;

constexpr std::array<OrgRule, 16> organization_rules{{
    {Action::view_org, OrgRole::member, "view_org"},
    {Action::rename_org, OrgRole::admin, "rename_org (owner or admin)"},
    {Action::delete_org, OrgRole::owner, "delete_org (owner only)"},
    {Action::transfer_ownership, OrgRole::owner, "transfer_ownership (owner only)"},
    {Action::view_members, OrgRole::member, "view_members"},
    {Action::change_member_role, OrgRole::admin, "change_member_role (owner or admin)"},
    {Action::remove_member, OrgRole::admin, "remove_member (owner or admin)"},
    {Action::manage_org_logo, OrgRole::admin, "manage_org_logo (owner or admin)"},
    {Action::view_audit_log, OrgRole::admin, "view_audit_log (owner or admin)"},
    {Action::invite_member, OrgRole::admin, "invite_member (owner or admin)"},
    {Action::list_invitations, OrgRole::admin, "list_invitations (owner or admin)"},
    {Action::manage_invitation, OrgRole::admin, "manage_invitation (owner or admin)"},
    {Action::import_members, OrgRole::admin, "import_members (owner or admin)"},
    {Action::connect_profile, OrgRole::admin, "connect_profile (owner or admin)"},
    {Action::remove_profile, OrgRole::admin, "remove_profile (owner or admin)"},
    {Action::manage_inbox_rules, OrgRole::admin, "manage_inbox_rules (owner or admin)"},
}};

constexpr std::string_view answer_invitation_permission =
    "answer_invitation (this invitation is for another address)";

Decision decide_answer(const Actor& actor, const Resource& resource) {
  if (!actor.user_id || !resource.invitation) return Decision::not_found();
  if (resource.invitation->addressed_to_actor) return Decision::allow();
  if (resource.invitation->reached_by_link) {
    return Decision::deny(std::string(answer_invitation_permission));
  }
  return Decision::not_found();
}

using domain::TeamRole;

constexpr std::array<TeamRule, 12> team_action_rules{{
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
    {Action::manage_team_streams, OrgRole::admin, TeamRole::team_admin, true,
     "manage_team_streams (org owner or admin, or team_admin of the team)"},
    {Action::view_team_streams, OrgRole::admin, TeamRole::member, true,
     "view_team_streams (org owner or admin, or a member of the team)"},
    {Action::manage_templates, OrgRole::admin, TeamRole::team_admin, true,
     "manage_templates (org owner or admin, or team_admin of the team)"},
    {Action::use_templates, OrgRole::admin, TeamRole::member, true,
     "use_templates (org owner or admin, or a member of the team with publisher level on one of "
     "its profiles)"},
}};

// A team's streams are concealed from those outside the team: ids are guessable, and a
// stream's name and query are the team's business.
bool conceals_from_outsiders(Action action) {
  return action == Action::manage_team_streams || action == Action::view_team_streams;
}

using domain::ProfileLevel;

constexpr std::array<ProfileRule, 8> profile_action_rules{{
    {Action::list_profiles, std::nullopt, "list_profiles"},
    {Action::view_profile, ProfileLevel::viewer, "view_profile (viewer level on the profile)"},
    {Action::compose_post, ProfileLevel::limited, "compose_post (limited level on the profile)"},
    {Action::publish_post, ProfileLevel::publisher,
     "publish_post (publisher level on the profile)"},
    {Action::approve_post, ProfileLevel::publisher,
     "approve_post (publisher level on the profile)"},
    {Action::manage_profile, ProfileLevel::manager,
     "manage_profile (manager level on the profile)"},
    {Action::view_inbox, ProfileLevel::viewer, "view_inbox (viewer level on the item's profile)"},
    {Action::work_inbox, ProfileLevel::limited, "work_inbox (limited level on the item's profile)"},
}};

constexpr std::string_view set_grant_permission =
    "set_profile_grant (org owner or admin, manager of the profile, or team_admin of a team "
    "that has the profile, up to their own level)";
constexpr std::string_view remove_grant_permission =
    "remove_profile_grant (org owner or admin, manager of the profile, or team_admin of a team "
    "that has the profile)";

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

constexpr std::string_view act_as_user_permission =
    "act_as_user (needs a login session; an API token acts only inside the organization it was "
    "made for)";

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
    // Templates are for answering as a profile: a team member who cannot publish as any of
    // the team's profiles has no use for them.
    if (rule.action == Action::use_templates && !resource.team->actor_publishes) {
      return Decision::deny(std::string(rule.permission));
    }
    return Decision::allow();
  }
  if (conceals_from_outsiders(rule.action) && !resource.team->actor_role) {
    return Decision::not_found();
  }
  return Decision::deny(std::string(rule.permission));
}

const ProfileRule* profile_rule_of(Action action) {
  for (const auto& rule : profile_action_rules) {
    if (rule.action == action) return &rule;
  }
  return nullptr;
}

Decision decide_profile(const Actor& actor, const ProfileRule& rule, const Resource& resource) {
  if (!sees_org(actor, resource)) return Decision::not_found();
  if (!rule.minimum_level) return Decision::allow();  // listing: storage filters what is seen
  auto level = effective_level(actor, resource);
  // A profile no team of theirs has does not exist for a plain member.
  if (!level) return Decision::not_found();
  if (at_least(*level, *rule.minimum_level)) return Decision::allow();
  return Decision::deny(std::string(rule.permission));
}

// Giving a profile to a team: owners, admins and the profile's managers choose any team and
// level; a team_admin manages the levels of the profiles their team already has, never above
// their own level on the profile (no one grants more than they have).
Decision decide_grant(const Actor& actor, Action action, const Resource& resource) {
  if (!sees_org(actor, resource)) return Decision::not_found();
  auto level = effective_level(actor, resource);
  if (!level) return Decision::not_found();
  if (!resource.grant || resource.grant->org != *resource.org) return Decision::not_found();
  if (*level == ProfileLevel::manager) return Decision::allow();
  const auto& grant = *resource.grant;
  const bool team_admin_of_holder =
      grant.actor_team_role == TeamRole::team_admin && grant.current_level.has_value();
  if (action == Action::remove_profile_grant) {
    if (team_admin_of_holder) return Decision::allow();
    return Decision::deny(std::string(remove_grant_permission));
  }
  if (team_admin_of_holder && grant.new_level && at_least(*level, *grant.new_level)) {
    return Decision::allow();
  }
  return Decision::deny(std::string(set_grant_permission));
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
    case Action::manage_org_logo: return "manage_org_logo";
    case Action::view_audit_log: return "view_audit_log";
    case Action::create_team: return "create_team";
    case Action::list_teams: return "list_teams";
    case Action::view_all_teams: return "view_all_teams";
    case Action::view_team: return "view_team";
    case Action::rename_team: return "rename_team";
    case Action::delete_team: return "delete_team";
    case Action::set_team_member: return "set_team_member";
    case Action::remove_team_member: return "remove_team_member";
    case Action::manage_team_streams: return "manage_team_streams";
    case Action::view_team_streams: return "view_team_streams";
    case Action::list_profiles: return "list_profiles";
    case Action::view_profile: return "view_profile";
    case Action::compose_post: return "compose_post";
    case Action::publish_post: return "publish_post";
    case Action::approve_post: return "approve_post";
    case Action::manage_profile: return "manage_profile";
    case Action::set_profile_grant: return "set_profile_grant";
    case Action::remove_profile_grant: return "remove_profile_grant";
    case Action::connect_profile: return "connect_profile";
    case Action::remove_profile: return "remove_profile";
    case Action::view_inbox: return "view_inbox";
    case Action::work_inbox: return "work_inbox";
    case Action::manage_inbox_rules: return "manage_inbox_rules";
    case Action::manage_templates: return "manage_templates";
    case Action::use_templates: return "use_templates";
    case Action::invite_member: return "invite_member";
    case Action::list_invitations: return "list_invitations";
    case Action::manage_invitation: return "manage_invitation";
    case Action::import_members: return "import_members";
    case Action::answer_invitation: return "answer_invitation";
    case Action::manage_credentials: return "manage_credentials";
    case Action::act_as_user: return "act_as_user";
  }
  return "unknown";
}

std::span<const OrgRule> org_rules() { return organization_rules; }

std::span<const TeamRule> team_rules() { return team_action_rules; }

std::span<const ProfileRule> profile_rules() { return profile_action_rules; }

std::optional<domain::ProfileLevel> effective_level(const Actor& actor, const Resource& resource) {
  if (!sees_org(actor, resource)) return std::nullopt;
  // A profile of another organization, reached through this organization's path, does not
  // exist here, whatever the actor's role.
  if (!resource.profile || resource.profile->org != *resource.org) return std::nullopt;
  if (manages_every_profile(actor, resource)) return ProfileLevel::manager;
  return resource.profile->actor_level;
}

bool manages_every_profile(const Actor& actor, const Resource& resource) {
  return sees_org(actor, resource) && at_least(resource.actor_membership->role, OrgRole::admin);
}

Decision decide(const Actor& actor, Action action, const Resource& resource) {
  switch (action) {
    // Load balancers and Prometheus scrape these without credentials; they reveal no
    // tenant data (bind the listener to a private address to keep them private).
    case Action::read_health:
    case Action::read_metrics: return Decision::allow();
    // The event stream of one organization, for its members (an API token only in its own
    // organization); each event's audience then narrows it per subscriber
    // (services::EventAccess).
    case Action::subscribe_events:
      return sees_org(actor, resource) ? Decision::allow() : Decision::not_found();
    case Action::manage_credentials:
    case Action::act_as_user:
      if (!actor.authenticated()) return Decision::not_found();
      if (actor.api_token_id || !actor.session_id) {
        return Decision::deny(std::string(action == Action::act_as_user ? act_as_user_permission
                                                                        : credentials_permission));
      }
      return Decision::allow();
    case Action::view_org:
    case Action::rename_org:
    case Action::delete_org:
    case Action::transfer_ownership:
    case Action::view_members:
    case Action::change_member_role:
    case Action::remove_member:
    case Action::manage_org_logo:
    case Action::view_audit_log: break;
    case Action::invite_member:
    case Action::list_invitations:
    case Action::manage_invitation:
    case Action::import_members: break;
    case Action::connect_profile:
    case Action::remove_profile:
    case Action::manage_inbox_rules: break;
    case Action::answer_invitation: return decide_answer(actor, resource);
    case Action::create_team:
    case Action::list_teams:
    case Action::view_all_teams:
    case Action::view_team:
    case Action::rename_team:
    case Action::delete_team:
    case Action::set_team_member:
    case Action::remove_team_member:
    case Action::manage_team_streams:
    case Action::view_team_streams:
    case Action::manage_templates:
    case Action::use_templates: {
      const TeamRule* rule = team_rule_of(action);
      if (rule == nullptr) return Decision::not_found();
      return decide_team(actor, *rule, resource);
    }
    case Action::list_profiles:
    case Action::view_profile:
    case Action::compose_post:
    case Action::publish_post:
    case Action::approve_post:
    case Action::manage_profile:
    case Action::view_inbox:
    case Action::work_inbox: {
      const ProfileRule* rule = profile_rule_of(action);
      if (rule == nullptr) return Decision::not_found();
      return decide_profile(actor, *rule, resource);
    }
    case Action::set_profile_grant:
    case Action::remove_profile_grant: return decide_grant(actor, action, resource);
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
