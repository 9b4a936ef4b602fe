#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"

// The permission policy: one pure function, decide(actor, action, resource), through which
// every handler goes. It never reads the database: the service loads what the decision
// needs (the actor's membership in the resource's organization) into Resource first.
// Team roles and profile levels (PRODUCT.md §2) arrive as more optional fields of
// Resource (the actor's team role, profile level) and more actions.
namespace roost::authz {

struct Actor {
  std::optional<std::int64_t> user_id;  // empty: anonymous
  // The login session the request came with (cookie); empty for other credentials.
  std::optional<std::int64_t> session_id;
  bool operator_access = false;  // the instance operator (CLI on the host)
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

struct Resource {
  std::string_view kind = "instance";
  std::optional<core::OrgId> org;  // the organization the resource belongs to
  // The actor's membership in `org`, or empty when they have none. A membership of any
  // other organization is "none" here: a resource of another organization does not exist
  // for the actor.
  std::optional<Membership> actor_membership;
  std::optional<MemberTarget> member;
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

Decision decide(const Actor& actor, Action action, const Resource& resource);
// The decision as a Result: permission_denied "missing permission: ..." or not_found
// "no such <kind>" — the error a service returns.
core::Result<void> require(const Actor& actor, Action action, const Resource& resource);

std::string_view action_name(Action action);
// Every organization action and the role it needs (the table the tests enumerate).
std::span<const OrgRule> org_rules();

}  // namespace roost::authz
