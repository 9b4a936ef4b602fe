#pragma once

#include <string>

#include "authz/policy.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/organization_repository.hpp"

// What every organization use case does first: load the caller's membership from the
// database (on every request: a removed member loses access at once) and ask the policy.
namespace roost::services {

// Who asks, and the request it came in (recorded in the audit log).
struct Caller {
  authz::Actor actor;
  std::string request_id;
  core::UserId user() const { return core::UserId{actor.user_id.value_or(0)}; }
};

inline constexpr std::string_view organization_kind = "organization";

// The audit event of a change the caller makes at `now_ms`; the repository that writes it
// fills in the organization, action, target and details.
inline storage::AuditEvent caller_audit(const Caller& caller, std::int64_t now_ms) {
  return storage::AuditEvent{{}, caller.user(), "", "", "{}", caller.request_id, now_ms};
}

// The resource `org` as the policy sees it for this caller.
inline core::Result<authz::Resource> organization_resource(
    storage::OrganizationRepository& repository, const Caller& caller, core::OrgId org) {
  authz::Resource resource{organization_kind, org, std::nullopt, std::nullopt};
  if (!caller.actor.user_id) return resource;
  auto membership = repository.find_membership(org, caller.user());
  if (!membership) return std::move(membership).error();
  if (membership->has_value()) {
    resource.actor_membership = authz::Membership{(*membership)->org, (*membership)->role};
  }
  return resource;
}

// Loads the caller's membership and requires `action` on the organization.
inline core::Result<authz::Resource> authorize(storage::OrganizationRepository& repository,
                                               const Caller& caller, core::OrgId org,
                                               authz::Action action) {
  auto resource = organization_resource(repository, caller, org);
  if (!resource) return resource;
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return resource;
}

}  // namespace roost::services
