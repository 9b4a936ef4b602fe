#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"
#include "domain/profile_level.hpp"
#include "domain/team.hpp"

// The permission policy: one pure function, decide(actor, action, resource), through which
// every handler goes. It never reads the database: the service loads what the decision
// needs (the actor's membership in the resource's organization) into Resource first.
// Team roles are Resource::team (the actor's role in the target team); profile levels
// (PRODUCT.md §2) are Resource::profile (the actor's level on the target profile).
namespace roost::authz {

struct Actor {
  std::optional<std::int64_t> user_id;  // empty: anonymous
  // The login session the request came with (cookie); empty for other credentials.
  std::optional<std::int64_t> session_id;
  bool operator_access = false;  // the instance operator (CLI on the host)
  // A personal API token (Bearer) instead of a session: the token's id, and the one
  // organization it is restricted to. Every other organization is one the actor is not in.
  std::optional<std::int64_t> api_token_id{};
  std::optional<std::int64_t> api_token_org{};
  bool authenticated() const { return user_id.has_value(); }
};

enum class Action {
  // Instance
  read_health,       // /healthz, /readyz
  read_metrics,      // /metrics
  subscribe_events,  // the WebSocket event stream
  // Organization
  view_org,
  rename_org,
  delete_org,
  transfer_ownership,
  view_members,
  change_member_role,
  remove_member,
  manage_org_logo,  // upload or delete the organization's logo (anyone who sees it may read it)
  view_audit_log,
  // Teams of an organization
  create_team,
  list_teams,      // the teams the actor belongs to
  view_all_teams,  // every team of the organization (listing)
  view_team,
  rename_team,
  delete_team,
  set_team_member,  // add a member of the organization to a team, or change their team role
  remove_team_member,
  // Shared streams of a team (PRODUCT.md §2, §5; ADR 0024). A stream of a team the actor is
  // not in (and does not see as an org owner or admin) does not exist for them: 404.
  manage_team_streams,  // create, edit, pause, delete: org owner or admin, or team_admin
  view_team_streams,    // list, read items, put in a column: a member of the team
  // Shared social profiles of an organization (by the actor's level on the profile)
  list_profiles,         // the profiles the actor may see (every profile for owners and admins)
  view_profile,          // viewer: its streams, inbox and scheduled posts
  compose_post,          // limited: compose; the post goes to approval
  publish_post,          // publisher: publish and schedule directly
  approve_post,          // publisher: approve or reject others' posts
  manage_profile,        // manager: reconnect, settings (owner, confirmation step)
  set_profile_grant,     // give a profile to a team with a level, or change that level
  remove_profile_grant,  // take a profile away from a team
  connect_profile,       // org owner or admin: connect an account of a network (plan limit)
  remove_profile,        // org owner or admin: remove a profile (its scheduled posts end)
  // The team inbox (ADR 0025), by the actor's level on the item's profile
  view_inbox,  // viewer: list and read its items and their notes
  work_inbox,  // limited: assign, tag, prioritize, set the status, add notes
  // Routing rules of an organization: its owners and admins
  manage_inbox_rules,
  // Saved replies of a team: create, edit, delete (org owner or admin, or team_admin), and
  // use them (org owner or admin, or a member of the team with publisher level on one of the
  // team's profiles: TeamTarget::actor_publishes)
  manage_templates,
  use_templates,
  // Invitations of an organization (ADR 0010)
  invite_member,      // one invitation by email
  list_invitations,   // pending and answered invitations, with their status
  manage_invitation,  // revoke one, or regenerate its link
  import_members,     // bulk CSV import (dry run or apply)
  // The invitee's side: accept or decline an invitation addressed to them
  answer_invitation,
  // The caller's own credentials: sessions, API tokens, password, two-factor. Needs a login
  // session: an API token may not mint or revoke credentials.
  manage_credentials,
  // The user's affairs beyond one organization: their notifications and invitations, and
  // creating an organization. Needs a login session: an API token acts only inside the
  // organization it was made for.
  act_as_user,
};

// The actor's membership as the service loaded it for this request: the organization it
// is a membership of, and the role there.
struct Membership {
  core::OrgId org;
  domain::OrgRole role = domain::OrgRole::member;
};

// What a membership action is about: the member it changes.
struct MemberTarget {
  core::UserId user;
  domain::OrgRole current_role = domain::OrgRole::member;
  std::optional<domain::OrgRole> new_role;  // change_member_role only
};

// What a team action is about: the team (and the organization it really belongs to, which
// the policy compares with Resource::org), the actor's role in it, and for the team-member
// actions the user they target.
struct TeamTarget {
  core::TeamId team;
  core::OrgId org;
  std::optional<domain::TeamRole> actor_role;  // empty: the actor is not in the team
  std::optional<core::UserId> member;          // set_team_member / remove_team_member
  // use_templates: the actor's level on one of the profiles the team has is publisher or more.
  bool actor_publishes = false;
};

// What a profile action is about: the profile, the organization it really belongs to, and
// the actor's level on it as storage computed it (the highest over the actor's teams;
// empty: no team of theirs has it). Owners and admins count as manager whatever this says.
struct ProfileTarget {
  core::ProfileId profile;
  core::OrgId org;
  std::optional<domain::ProfileLevel> actor_level;
};

// What a grant action changes: the team that gets (or loses) the profile, the actor's role in
// that team, the level the team has now (empty: it does not have the profile), and the level
// asked for (set_profile_grant).
struct GrantTarget {
  core::TeamId team;
  core::OrgId org;  // the team's organization
  std::optional<domain::TeamRole> actor_team_role;
  std::optional<domain::ProfileLevel> current_level;
  std::optional<domain::ProfileLevel> new_level;
};

// What answer_invitation is about: whether the invitation is addressed to the actor's own
// email address, and whether the actor reached it through its link (the token) or by id.
// Someone else's invitation is a 403 through the link (its holder knows it exists) and a
// 404 by id (ids are guessable; their existence must not leak).
struct InvitationTarget {
  bool addressed_to_actor = false;
  bool reached_by_link = false;
};

struct Resource {
  std::string_view kind = "instance";
  std::optional<core::OrgId> org;  // the organization the resource belongs to
  // The actor's membership in `org`, or empty when they have none. A membership of any
  // other organization is "none" here: a resource of another organization does not exist
  // for the actor.
  std::optional<Membership> actor_membership;
  std::optional<MemberTarget> member;
  std::optional<TeamTarget> team;              // the team actions that are about one team
  std::optional<ProfileTarget> profile;        // the profile actions except list_profiles
  std::optional<GrantTarget> grant;            // set_profile_grant and remove_profile_grant
  std::optional<InvitationTarget> invitation;  // answer_invitation only
};

enum class Verdict {
  allow,
  deny,       // 403 permission_denied, naming the missing permission
  not_found,  // 404: the actor may not even know the resource exists
};

struct Decision {
  bool allowed = false;
  std::string missing_permission;  // what a denial lacks, named in the 403
  bool concealed = false;          // a denial that must look like "no such resource"
  Verdict verdict() const {
    return allowed ? Verdict::allow : concealed ? Verdict::not_found : Verdict::deny;
  }
  static Decision allow() { return {true, {}, false}; }
  static Decision deny(std::string permission) { return {false, std::move(permission), false}; }
  static Decision not_found() { return {false, {}, true}; }
};

// The least organization role an organization action needs. The member a membership
// action targets can change that: only an owner may grant or take the owner role, and any
// member may remove themselves (leave).
struct OrgRule {
  Action action;
  domain::OrgRole minimum_role;
  std::string_view permission;  // as named in a 403: "delete_org (owner only)"
};

// A team action: the organization role that suffices on its own, or else the team role in
// the target team that does (empty: no team role is enough). Anyone may take themselves
// out of a team (remove_team_member on oneself).
struct TeamRule {
  Action action;
  domain::OrgRole minimum_org_role;
  std::optional<domain::TeamRole> minimum_team_role;
  bool about_one_team;  // needs Resource::team (of this organization), else not_found
  std::string_view permission;
};

Decision decide(const Actor& actor, Action action, const Resource& resource);
// The decision as a Result: permission_denied "missing permission: ..." or not_found
// "no such <kind>" — the error a service returns.
core::Result<void> require(const Actor& actor, Action action, const Resource& resource);

std::string_view action_name(Action action);
// Every organization action and the role it needs (the table the tests enumerate).
std::span<const OrgRule> org_rules();
// Every team action and what it needs (the table the tests enumerate).
std::span<const TeamRule> team_rules();

// A profile action: the least level on the profile it needs (empty: being a member of the
// organization is enough — list_profiles). The grant actions have rules of their own
// (policy.cpp, decide_grant) and are not in this table.
struct ProfileRule {
  Action action;
  std::optional<domain::ProfileLevel> minimum_level;
  std::string_view permission;
};
std::span<const ProfileRule> profile_rules();
// The actor's effective level on the profile of `resource`: manager for owners and admins
// of its organization, else Resource::profile's actor_level. Empty when the actor cannot
// see the profile (another organization, or no team of theirs has it).
std::optional<domain::ProfileLevel> effective_level(const Actor& actor, const Resource& resource);
// Whether the actor is a manager of every profile of the resource's organization (its
// owners and admins): listings then show them every profile.
bool manages_every_profile(const Actor& actor, const Resource& resource);

}  // namespace roost::authz
