#include "authz/policy.hpp"

#include <map>
#include <optional>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace roost::authz {
namespace {

using domain::OrgRole;

constexpr core::OrgId acme{1};
constexpr core::OrgId globex{2};
constexpr std::int64_t caller_id = 42;
constexpr core::UserId other_user{7};

Actor caller() { return Actor{caller_id, 1, false}; }

// The actor's membership as a service would load it: in the resource's organization
// ("same"), in another one ("other": it must count for nothing), or none.
enum class Where { same, other };
enum class Role { owner, admin, member, none };

std::optional<Membership> membership(Role role, Where where) {
  if (role == Role::none) return std::nullopt;
  OrgRole org_role = role == Role::owner   ? OrgRole::owner
                     : role == Role::admin ? OrgRole::admin
                                           : OrgRole::member;
  return Membership{where == Where::same ? acme : globex, org_role};
}

Resource org_resource(Role role, Where where, std::optional<MemberTarget> target = {}) {
  return Resource{"organization", acme, membership(role, where), target};
}

// The expected verdicts, written out here rather than derived from the policy's table:
// a test that recomputed the rule could not fail. The membership actions target another
// plain member (promoted to admin for change_member_role).
const std::map<Action, std::map<Role, Verdict>>& expected_in_same_org() {
  constexpr auto A = Verdict::allow;
  constexpr auto D = Verdict::deny;
  constexpr auto N = Verdict::not_found;
  static const std::map<Action, std::map<Role, Verdict>> table = {
      {Action::view_org, {{Role::owner, A}, {Role::admin, A}, {Role::member, A}, {Role::none, N}}},
      {Action::rename_org,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::delete_org,
       {{Role::owner, A}, {Role::admin, D}, {Role::member, D}, {Role::none, N}}},
      {Action::transfer_ownership,
       {{Role::owner, A}, {Role::admin, D}, {Role::member, D}, {Role::none, N}}},
      {Action::view_members,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, A}, {Role::none, N}}},
      {Action::change_member_role,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::remove_member,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::manage_org_logo,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::view_audit_log,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::invite_member,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::list_invitations,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::manage_invitation,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::import_members,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::connect_profile,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::remove_profile,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
      {Action::manage_inbox_rules,
       {{Role::owner, A}, {Role::admin, A}, {Role::member, D}, {Role::none, N}}},
  };
  return table;
}

std::optional<MemberTarget> plain_member_target(Action action) {
  if (action == Action::change_member_role) {
    return MemberTarget{other_user, OrgRole::member, OrgRole::admin};
  }
  if (action == Action::remove_member) return MemberTarget{other_user, OrgRole::member, {}};
  return std::nullopt;
}

const char* role_label(Role role) {
  switch (role) {
    case Role::owner: return "owner";
    case Role::admin: return "admin";
    case Role::member: return "member";
    case Role::none: return "none";
  }
  return "?";
}

// What every exhaustive case checks: decide() gives `expected`; require() agrees, as a 403
// that names the missing permission (which starts with the action's name), a 404 that says
// nothing more than "no such <kind>", or success.
void expect_verdict(Action action, const Resource& resource, Verdict expected) {
  auto decision = decide(caller(), action, resource);
  EXPECT_EQ(decision.verdict(), expected);
  auto required = require(caller(), action, resource);
  switch (expected) {
    case Verdict::allow: EXPECT_TRUE(required.ok()); break;
    case Verdict::deny:
      EXPECT_TRUE(decision.missing_permission.starts_with(action_name(action)))
          << decision.missing_permission;
      ASSERT_FALSE(required.ok());
      EXPECT_EQ(required.error().code, core::ErrorCode::permission_denied);
      EXPECT_EQ(required.error().message, "missing permission: " + decision.missing_permission);
      break;
    case Verdict::not_found:
      EXPECT_TRUE(decision.missing_permission.empty());  // nothing to learn from a 404
      ASSERT_FALSE(required.ok());
      EXPECT_EQ(required.error().code, core::ErrorCode::not_found);
      EXPECT_EQ(required.error().message, "no such " + std::string(resource.kind));
      break;
  }
}

TEST(Policy, HealthAndMetricsArePublic) {
  Actor anonymous;
  Actor user{42, false};
  for (auto action : {Action::read_health, Action::read_metrics}) {
    EXPECT_TRUE(decide(anonymous, action, {}).allowed) << action_name(action);
    EXPECT_TRUE(decide(user, action, {}).allowed) << action_name(action);
  }
}

TEST(Policy, ActionsHaveNames) {
  EXPECT_EQ(action_name(Action::subscribe_events), "subscribe_events");
  EXPECT_EQ(action_name(Action::transfer_ownership), "transfer_ownership");
}

TEST(Policy, TheTableCoversEveryOrganizationAction) {
  std::set<Action> in_policy;
  for (const auto& rule : org_rules()) in_policy.insert(rule.action);
  std::set<Action> in_test;
  for (const auto& [action, row] : expected_in_same_org()) in_test.insert(action);
  EXPECT_EQ(in_policy, in_test);
}

// Every organization action x organization role x same or other organization.
TEST(Policy, EveryOrgActionForEveryRoleInTheSameAndAnotherOrganization) {
  int cases = 0;
  for (const auto& rule : org_rules()) {
    for (auto role : {Role::owner, Role::admin, Role::member, Role::none}) {
      for (auto where : {Where::same, Where::other}) {
        ++cases;
        auto expected = where == Where::other ? Verdict::not_found
                                              : expected_in_same_org().at(rule.action).at(role);
        SCOPED_TRACE(std::string(action_name(rule.action)) + " as " + role_label(role) +
                     (where == Where::same ? " of this org" : " of another org"));
        expect_verdict(rule.action, org_resource(role, where, plain_member_target(rule.action)),
                       expected);
      }
    }
  }
  EXPECT_EQ(cases, 16 * 4 * 2);
}

TEST(Policy, DeleteAndTransferDenialsSayOwnerOnly) {
  auto decision = decide(caller(), Action::delete_org, org_resource(Role::admin, Where::same));
  EXPECT_EQ(decision.missing_permission, "delete_org (owner only)");
}

// The membership actions, by the member they target: only owners grant or take the owner
// role; anyone may remove themselves (leaving).
TEST(Policy, MembershipActionsByTarget) {
  constexpr auto A = Verdict::allow;
  constexpr auto D = Verdict::deny;
  struct Case {
    Action action;
    OrgRole target_role;
    std::optional<OrgRole> new_role;
    bool self;
    Verdict owner, admin, member;
  };
  const Case cases[] = {
      {Action::change_member_role, OrgRole::member, OrgRole::admin, false, A, A, D},
      {Action::change_member_role, OrgRole::admin, OrgRole::member, false, A, A, D},
      {Action::change_member_role, OrgRole::member, OrgRole::owner, false, A, D, D},
      {Action::change_member_role, OrgRole::owner, OrgRole::admin, false, A, D, D},
      {Action::change_member_role, OrgRole::owner, OrgRole::admin, true, A, D, D},
      {Action::change_member_role, OrgRole::admin, OrgRole::owner, true, A, D, D},
      {Action::change_member_role, OrgRole::member, OrgRole::admin, true, A, A, D},
      {Action::remove_member, OrgRole::member, {}, false, A, A, D},
      {Action::remove_member, OrgRole::admin, {}, false, A, A, D},
      {Action::remove_member, OrgRole::owner, {}, false, A, D, D},
      {Action::remove_member, OrgRole::member, {}, true, A, A, A},
      {Action::remove_member, OrgRole::owner, {}, true, A, A, A},
  };
  for (const auto& c : cases) {
    const std::pair<Role, Verdict> by_role[] = {
        {Role::owner, c.owner}, {Role::admin, c.admin}, {Role::member, c.member}};
    for (auto [role, expected] : by_role) {
      MemberTarget target{c.self ? core::UserId{caller_id} : other_user, c.target_role, c.new_role};
      SCOPED_TRACE(std::string(action_name(c.action)) + " as " + role_label(role) + " on " +
                   std::string(domain::org_role_name(c.target_role)) + (c.self ? " (self)" : ""));
      EXPECT_EQ(decide(caller(), c.action, org_resource(role, Where::same, target)).verdict(),
                expected);
      // Whatever the target, another organization's member sees nothing.
      EXPECT_EQ(decide(caller(), c.action, org_resource(role, Where::other, target)).verdict(),
                Verdict::not_found);
    }
  }
  auto denied =
      decide(caller(), Action::remove_member,
             org_resource(Role::admin, Where::same, MemberTarget{other_user, OrgRole::owner, {}}));
  EXPECT_EQ(denied.missing_permission, "manage_owners (owner only)");
}

// Teams. The org role decides first; a plain member's team role in the target team may
// then be enough. Written out for org role x team role (none, member, team_admin).
enum class InTeam { none, member, team_admin };

constexpr core::TeamId team_a{10};

std::optional<domain::TeamRole> team_role_of(InTeam in_team) {
  if (in_team == InTeam::none) return std::nullopt;
  return in_team == InTeam::member ? domain::TeamRole::member : domain::TeamRole::team_admin;
}

Resource team_resource(Role role, Where where, InTeam in_team, core::OrgId team_org = acme,
                       std::optional<core::UserId> member = other_user) {
  Resource resource = org_resource(role, where);
  resource.kind = "team";
  resource.team = TeamTarget{team_a, team_org, team_role_of(in_team), member};
  return resource;
}

const char* team_label(InTeam in_team) {
  switch (in_team) {
    case InTeam::none: return "not in the team";
    case InTeam::member: return "team member";
    case InTeam::team_admin: return "team_admin";
  }
  return "?";
}

// For a plain org member, by team role; owners and admins are allowed every team action,
// non-members of the org (and members of another org) get not_found.
const std::map<Action, std::map<InTeam, Verdict>>& expected_for_plain_member() {
  constexpr auto A = Verdict::allow;
  constexpr auto D = Verdict::deny;
  constexpr auto N = Verdict::not_found;
  static const std::map<Action, std::map<InTeam, Verdict>> table = {
      {Action::create_team, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, D}}},
      {Action::list_teams, {{InTeam::none, A}, {InTeam::member, A}, {InTeam::team_admin, A}}},
      {Action::view_all_teams, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, D}}},
      {Action::view_team, {{InTeam::none, D}, {InTeam::member, A}, {InTeam::team_admin, A}}},
      {Action::rename_team, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, A}}},
      {Action::delete_team, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, D}}},
      {Action::set_team_member, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, A}}},
      {Action::remove_team_member,
       {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, A}}},
      // A team's streams do not exist for a member outside the team (ADR 0024).
      {Action::manage_team_streams,
       {{InTeam::none, N}, {InTeam::member, D}, {InTeam::team_admin, A}}},
      {Action::view_team_streams,
       {{InTeam::none, N}, {InTeam::member, A}, {InTeam::team_admin, A}}},
      {Action::manage_templates, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, A}}},
      // team_resource() says the actor publishes as none of the team's profiles.
      {Action::use_templates, {{InTeam::none, D}, {InTeam::member, D}, {InTeam::team_admin, D}}},
  };
  return table;
}

TEST(Policy, TheTeamTableCoversEveryTeamAction) {
  std::set<Action> in_policy;
  for (const auto& rule : team_rules()) in_policy.insert(rule.action);
  std::set<Action> in_test;
  for (const auto& [action, row] : expected_for_plain_member()) in_test.insert(action);
  EXPECT_EQ(in_policy, in_test);
}

// Every team action x org role x team role x same or other organization.
TEST(Policy, EveryTeamActionForEveryOrgRoleAndTeamRole) {
  int cases = 0;
  for (const auto& rule : team_rules()) {
    for (auto role : {Role::owner, Role::admin, Role::member, Role::none}) {
      for (auto in_team : {InTeam::none, InTeam::member, InTeam::team_admin}) {
        for (auto where : {Where::same, Where::other}) {
          ++cases;
          SCOPED_TRACE(std::string(action_name(rule.action)) + " as " + role_label(role) + ", " +
                       team_label(in_team) +
                       (where == Where::same ? " of this org" : " of another org"));
          Verdict expected = Verdict::not_found;
          if (where == Where::same && role != Role::none) {
            expected = role == Role::member
                           ? expected_for_plain_member().at(rule.action).at(in_team)
                           : Verdict::allow;
          }
          expect_verdict(rule.action, team_resource(role, where, in_team), expected);
        }
      }
    }
  }
  EXPECT_EQ(cases, 12 * 4 * 3 * 2);
}

// Templates are used by members of their team who publish as one of its profiles; org
// owners and admins use every team's; a publisher outside the team does not.
TEST(Policy, TemplatesAreUsedByTheTeamsPublishersOwnersAndAdmins) {
  constexpr auto A = Verdict::allow;
  constexpr auto D = Verdict::deny;
  const std::map<InTeam, Verdict> plain_member_publishing = {
      {InTeam::none, D}, {InTeam::member, A}, {InTeam::team_admin, A}};
  for (auto role : {Role::owner, Role::admin, Role::member}) {
    for (auto in_team : {InTeam::none, InTeam::member, InTeam::team_admin}) {
      for (bool publishes : {false, true}) {
        SCOPED_TRACE(std::string(role_label(role)) + ", " + team_label(in_team) +
                     (publishes ? ", publisher" : ", not a publisher"));
        auto resource = team_resource(role, Where::same, in_team);
        resource.team->actor_publishes = publishes;
        Verdict expected = A;
        if (role == Role::member) expected = publishes ? plain_member_publishing.at(in_team) : D;
        expect_verdict(Action::use_templates, resource, expected);
        // Publishing changes nothing about who manages them.
        expect_verdict(Action::manage_templates, resource,
                       role != Role::member || in_team == InTeam::team_admin ? A : D);
      }
    }
  }
  auto elsewhere = team_resource(Role::member, Where::other, InTeam::member);
  elsewhere.team->actor_publishes = true;
  EXPECT_EQ(decide(caller(), Action::use_templates, elsewhere).verdict(), Verdict::not_found);
}

TEST(Policy, ATeamOfAnotherOrganizationIsNotFoundEvenForOwners) {
  for (const auto& rule : team_rules()) {
    if (!rule.about_one_team) continue;
    for (auto in_team : {InTeam::none, InTeam::member, InTeam::team_admin}) {
      SCOPED_TRACE(std::string(action_name(rule.action)) + ", " + team_label(in_team));
      EXPECT_EQ(
          decide(caller(), rule.action, team_resource(Role::owner, Where::same, in_team, globex))
              .verdict(),
          Verdict::not_found);
    }
    Resource without_team = org_resource(Role::owner, Where::same);
    EXPECT_EQ(decide(caller(), rule.action, without_team).verdict(), Verdict::not_found);
  }
}

TEST(Policy, AnyOrgMemberMayLeaveATeamButOutsidersStillSeeNothing) {
  auto self = core::UserId{caller_id};
  EXPECT_EQ(decide(caller(), Action::remove_team_member,
                   team_resource(Role::member, Where::same, InTeam::member, acme, self))
                .verdict(),
            Verdict::allow);
  EXPECT_EQ(decide(caller(), Action::remove_team_member,
                   team_resource(Role::none, Where::same, InTeam::member, acme, self))
                .verdict(),
            Verdict::not_found);
  EXPECT_EQ(decide(caller(), Action::remove_team_member,
                   team_resource(Role::member, Where::other, InTeam::member, acme, self))
                .verdict(),
            Verdict::not_found);
}

TEST(Policy, AStreamDenialToATeamMemberNamesTheTeamAdminAlternative) {
  auto decision = decide(caller(), Action::manage_team_streams,
                         team_resource(Role::member, Where::same, InTeam::member));
  EXPECT_EQ(decision.verdict(), Verdict::deny);
  EXPECT_EQ(decision.missing_permission,
            "manage_team_streams (org owner or admin, or team_admin of the team)");
  EXPECT_EQ(action_name(Action::view_team_streams), "view_team_streams");
}

TEST(Policy, ATeamAdminDenialNamesTheTeamAdminAlternative) {
  auto decision = decide(caller(), Action::rename_team,
                         team_resource(Role::member, Where::same, InTeam::member));
  EXPECT_EQ(decision.missing_permission,
            "rename_team (org owner or admin, or team_admin of the team)");
  auto create = decide(caller(), Action::create_team, org_resource(Role::member, Where::same));
  EXPECT_EQ(create.missing_permission, "create_team (org owner or admin)");
}

// Profiles. Owners and admins are managers of every profile; a plain member has the level
// their teams grant (none, viewer, limited, publisher, manager). Written out for a plain
// member by level, not derived from the policy's table.
using domain::ProfileLevel;
enum class Level { none, viewer, limited, publisher, manager };

constexpr core::ProfileId profile_p{100};

std::optional<ProfileLevel> level_of(Level level) {
  switch (level) {
    case Level::none: return std::nullopt;
    case Level::viewer: return ProfileLevel::viewer;
    case Level::limited: return ProfileLevel::limited;
    case Level::publisher: return ProfileLevel::publisher;
    case Level::manager: return ProfileLevel::manager;
  }
  return std::nullopt;
}

const char* level_label(Level level) {
  switch (level) {
    case Level::none: return "no level";
    case Level::viewer: return "viewer";
    case Level::limited: return "limited";
    case Level::publisher: return "publisher";
    case Level::manager: return "manager";
  }
  return "?";
}

constexpr Level all_levels[] = {Level::none, Level::viewer, Level::limited, Level::publisher,
                                Level::manager};

// The grant actions' scenario: the target team has the profile at viewer level, and
// set_profile_grant asks for limited.
Resource profile_resource(Role role, Where where, InTeam in_team, Level level,
                          core::OrgId profile_org = acme) {
  Resource resource = org_resource(role, where);
  resource.kind = "profile";
  resource.profile = ProfileTarget{profile_p, profile_org, level_of(level)};
  resource.grant =
      GrantTarget{team_a, acme, team_role_of(in_team), ProfileLevel::viewer, ProfileLevel::limited};
  return resource;
}

// For a plain member of the organization: by level (N = the profile is concealed).
const std::map<Action, std::map<Level, Verdict>>& expected_profile_for_plain_member() {
  constexpr auto A = Verdict::allow;
  constexpr auto D = Verdict::deny;
  constexpr auto N = Verdict::not_found;
  static const std::map<Action, std::map<Level, Verdict>> table = {
      {Action::list_profiles,
       {{Level::none, A},
        {Level::viewer, A},
        {Level::limited, A},
        {Level::publisher, A},
        {Level::manager, A}}},
      {Action::view_profile,
       {{Level::none, N},
        {Level::viewer, A},
        {Level::limited, A},
        {Level::publisher, A},
        {Level::manager, A}}},
      {Action::compose_post,
       {{Level::none, N},
        {Level::viewer, D},
        {Level::limited, A},
        {Level::publisher, A},
        {Level::manager, A}}},
      {Action::publish_post,
       {{Level::none, N},
        {Level::viewer, D},
        {Level::limited, D},
        {Level::publisher, A},
        {Level::manager, A}}},
      {Action::approve_post,
       {{Level::none, N},
        {Level::viewer, D},
        {Level::limited, D},
        {Level::publisher, A},
        {Level::manager, A}}},
      {Action::manage_profile,
       {{Level::none, N},
        {Level::viewer, D},
        {Level::limited, D},
        {Level::publisher, D},
        {Level::manager, A}}},
      {Action::view_inbox,
       {{Level::none, N},
        {Level::viewer, A},
        {Level::limited, A},
        {Level::publisher, A},
        {Level::manager, A}}},
      {Action::work_inbox,
       {{Level::none, N},
        {Level::viewer, D},
        {Level::limited, A},
        {Level::publisher, A},
        {Level::manager, A}}},
  };
  return table;
}

// The grant actions for a plain member, by team role in the target team and level on the
// profile (the team has the profile at viewer; the new level asked is limited).
Verdict expected_grant_for_plain_member(Action action, InTeam in_team, Level level) {
  if (level == Level::none) return Verdict::not_found;
  if (level == Level::manager) return Verdict::allow;
  if (in_team != InTeam::team_admin) return Verdict::deny;
  if (action == Action::remove_profile_grant) return Verdict::allow;
  // set: limited asked, allowed only up to the actor's own level
  return level == Level::viewer ? Verdict::deny : Verdict::allow;
}

TEST(Policy, TheProfileTableCoversEveryProfileAction) {
  std::set<Action> in_policy;
  for (const auto& rule : profile_rules()) in_policy.insert(rule.action);
  std::set<Action> in_test;
  for (const auto& [action, row] : expected_profile_for_plain_member()) in_test.insert(action);
  EXPECT_EQ(in_policy, in_test);
}

// Every profile action (the table's and the two grant actions) x org role x team role x
// profile level x same or other organization.
TEST(Policy, EveryProfileActionForEveryOrgRoleTeamRoleAndLevel) {
  std::vector<Action> actions;
  for (const auto& rule : profile_rules()) actions.push_back(rule.action);
  actions.push_back(Action::set_profile_grant);
  actions.push_back(Action::remove_profile_grant);
  int cases = 0;
  for (auto action : actions) {
    for (auto role : {Role::owner, Role::admin, Role::member, Role::none}) {
      for (auto in_team : {InTeam::none, InTeam::member, InTeam::team_admin}) {
        for (auto level : all_levels) {
          for (auto where : {Where::same, Where::other}) {
            ++cases;
            SCOPED_TRACE(std::string(action_name(action)) + " as " + role_label(role) + ", " +
                         team_label(in_team) + ", " + level_label(level) +
                         (where == Where::same ? " of this org" : " of another org"));
            Verdict expected = Verdict::not_found;
            const bool grant_action =
                action == Action::set_profile_grant || action == Action::remove_profile_grant;
            if (where == Where::same && role != Role::none) {
              if (role != Role::member) {
                expected = Verdict::allow;
              } else if (grant_action) {
                expected = expected_grant_for_plain_member(action, in_team, level);
              } else {
                expected = expected_profile_for_plain_member().at(action).at(level);
              }
            }
            expect_verdict(action, profile_resource(role, where, in_team, level), expected);
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 10 * 4 * 3 * 5 * 2);
}

TEST(Policy, AProfileOfAnotherOrganizationIsNotFoundEvenForOwners) {
  for (const auto& rule : profile_rules()) {
    if (!rule.minimum_level) continue;
    EXPECT_EQ(
        decide(caller(), rule.action,
               profile_resource(Role::owner, Where::same, InTeam::none, Level::manager, globex))
            .verdict(),
        Verdict::not_found)
        << action_name(rule.action);
  }
  // A team of another organization, given a profile of this one.
  auto resource = profile_resource(Role::owner, Where::same, InTeam::team_admin, Level::manager);
  resource.grant->org = globex;
  EXPECT_EQ(decide(caller(), Action::set_profile_grant, resource).verdict(), Verdict::not_found);
}

TEST(Policy, ATeamAdminGrantsOnlyWhatTheirTeamHasUpToTheirOwnLevel) {
  auto resource = profile_resource(Role::member, Where::same, InTeam::team_admin, Level::publisher);
  resource.grant->new_level = ProfileLevel::publisher;
  EXPECT_TRUE(decide(caller(), Action::set_profile_grant, resource).allowed);
  resource.grant->new_level = ProfileLevel::manager;  // above their own level
  auto above = decide(caller(), Action::set_profile_grant, resource);
  EXPECT_EQ(above.verdict(), Verdict::deny);
  EXPECT_TRUE(above.missing_permission.find("up to their own level") != std::string::npos);
  resource.grant->new_level = ProfileLevel::viewer;
  resource.grant->current_level.reset();  // the team does not have the profile yet
  EXPECT_EQ(decide(caller(), Action::set_profile_grant, resource).verdict(), Verdict::deny);
  EXPECT_EQ(decide(caller(), Action::remove_profile_grant, resource).verdict(), Verdict::deny);
}

TEST(Policy, OwnersAndAdminsManageEveryProfileOfTheirOrganizationOnly) {
  EXPECT_TRUE(manages_every_profile(caller(), org_resource(Role::owner, Where::same)));
  EXPECT_TRUE(manages_every_profile(caller(), org_resource(Role::admin, Where::same)));
  EXPECT_FALSE(manages_every_profile(caller(), org_resource(Role::member, Where::same)));
  EXPECT_FALSE(manages_every_profile(caller(), org_resource(Role::owner, Where::other)));
  EXPECT_FALSE(manages_every_profile(Actor{}, org_resource(Role::owner, Where::same)));
}

TEST(Policy, ProfileLevelNamesRoundTrip) {
  for (auto level : {ProfileLevel::viewer, ProfileLevel::limited, ProfileLevel::publisher,
                     ProfileLevel::manager}) {
    EXPECT_EQ(domain::parse_profile_level(domain::profile_level_name(level)), level);
  }
  EXPECT_EQ(domain::parse_profile_level("admin"), std::nullopt);
  EXPECT_EQ(domain::stronger(ProfileLevel::viewer, ProfileLevel::publisher),
            ProfileLevel::publisher);
  EXPECT_EQ(domain::stronger(std::nullopt, ProfileLevel::limited), ProfileLevel::limited);
  EXPECT_EQ(domain::stronger(std::nullopt, std::nullopt), std::nullopt);
}

TEST(Policy, FailsClosedWithoutACallerOrAnOrganization) {
  Resource no_org{"organization", std::nullopt, Membership{acme, OrgRole::owner}, std::nullopt};
  EXPECT_EQ(decide(caller(), Action::view_org, no_org).verdict(), Verdict::not_found);
  EXPECT_EQ(decide(Actor{}, Action::view_org, org_resource(Role::owner, Where::same)).verdict(),
            Verdict::not_found);
}

// Answering an invitation: only its addressee; someone else gets 403 through the link
// (which they hold) and 404 by id; no caller or no invitation is 404.
TEST(Policy, OnlyTheAddresseeAnswersAnInvitation) {
  constexpr auto A = Verdict::allow;
  constexpr auto D = Verdict::deny;
  constexpr auto N = Verdict::not_found;
  struct Case {
    bool addressed_to_actor;
    bool reached_by_link;
    Verdict expected;
  };
  for (const auto& c :
       {Case{true, true, A}, Case{true, false, A}, Case{false, true, D}, Case{false, false, N}}) {
    Resource resource{"invitation"};
    resource.invitation = InvitationTarget{c.addressed_to_actor, c.reached_by_link};
    EXPECT_EQ(decide(caller(), Action::answer_invitation, resource).verdict(), c.expected);
    EXPECT_EQ(decide(Actor{}, Action::answer_invitation, resource).verdict(), N);
  }
  Resource by_link{"invitation"};
  by_link.invitation = InvitationTarget{false, true};
  auto denied = require(caller(), Action::answer_invitation, by_link);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().message,
            "missing permission: answer_invitation (this invitation is for another address)");
  EXPECT_EQ(decide(caller(), Action::answer_invitation, Resource{}).verdict(), N);
}

// An actor authenticated by an API token made for `org`: no session.
Actor token_actor(core::OrgId org) {
  Actor actor{caller_id, std::nullopt, false};
  actor.api_token_id = 5;
  actor.api_token_org = org.value;
  return actor;
}

TEST(Policy, AnApiTokenSeesOnlyItsOrganization) {
  // In its own organization, the token is its owner with the owner's role.
  for (const auto& rule : org_rules()) {
    auto target = rule.action == Action::change_member_role || rule.action == Action::remove_member
                      ? std::optional<MemberTarget>(MemberTarget{other_user, OrgRole::member, {}})
                      : std::nullopt;
    EXPECT_EQ(decide(token_actor(acme), rule.action, org_resource(Role::owner, Where::same, target))
                  .verdict(),
              Verdict::allow)
        << action_name(rule.action);
    // The owner of acme, with a token made for globex, does not see acme at all.
    EXPECT_EQ(
        decide(token_actor(globex), rule.action, org_resource(Role::owner, Where::same, target))
            .verdict(),
        Verdict::not_found)
        << action_name(rule.action);
  }
  for (const auto& rule : team_rules()) {
    EXPECT_EQ(decide(token_actor(globex), rule.action,
                     team_resource(Role::owner, Where::same, InTeam::team_admin))
                  .verdict(),
              Verdict::not_found)
        << action_name(rule.action);
  }
}

TEST(Policy, ManagingCredentialsNeedsALoginSession) {
  EXPECT_EQ(decide(caller(), Action::manage_credentials, {}).verdict(), Verdict::allow);
  auto by_token = decide(token_actor(acme), Action::manage_credentials, {});
  EXPECT_EQ(by_token.verdict(), Verdict::deny);
  EXPECT_NE(by_token.missing_permission.find("manage_credentials"), std::string::npos);
  EXPECT_NE(by_token.missing_permission.find("API token"), std::string::npos);
  EXPECT_EQ(decide(Actor{}, Action::manage_credentials, {}).verdict(), Verdict::not_found);
  EXPECT_EQ(action_name(Action::manage_credentials), "manage_credentials");
}

TEST(Policy, ActingAsTheUserBeyondOneOrganizationNeedsALoginSession) {
  EXPECT_EQ(decide(caller(), Action::act_as_user, {}).verdict(), Verdict::allow);
  auto by_token = decide(token_actor(acme), Action::act_as_user, {});
  EXPECT_EQ(by_token.verdict(), Verdict::deny);
  EXPECT_TRUE(by_token.missing_permission.starts_with("act_as_user"));
  EXPECT_NE(by_token.missing_permission.find("the organization it was made for"),
            std::string::npos);
  EXPECT_EQ(decide(Actor{}, Action::act_as_user, {}).verdict(), Verdict::not_found);
}

TEST(Policy, TheEventStreamIsForMembersOfTheOrganizationOnly) {
  for (auto role : {Role::owner, Role::admin, Role::member}) {
    expect_verdict(Action::subscribe_events, org_resource(role, Where::same), Verdict::allow);
    expect_verdict(Action::subscribe_events, org_resource(role, Where::other), Verdict::not_found);
  }
  expect_verdict(Action::subscribe_events, org_resource(Role::none, Where::same),
                 Verdict::not_found);
  EXPECT_EQ(
      decide(Actor{}, Action::subscribe_events, org_resource(Role::owner, Where::same)).verdict(),
      Verdict::not_found);
  EXPECT_EQ(
      decide(token_actor(globex), Action::subscribe_events, org_resource(Role::owner, Where::same))
          .verdict(),
      Verdict::not_found);
}

}  // namespace
}  // namespace roost::authz
