#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"

namespace roost::services {

// An organization as one of its members sees it: with their role and the plan.
struct OrganizationView {
  core::OrgId id;
  std::string name;
  std::int64_t profile_limit = 0;
  std::int64_t seat_limit = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  domain::OrgRole role = domain::OrgRole::member;
  std::int64_t seats_used = 0;
  bool has_logo = false;
};

// The operator's change of an organization's plan, and what it found.
struct PlanSet {
  storage::OrganizationRecord organization;
  std::int64_t seats_used = 0;
};

// Creating, reading, renaming, deleting organizations and transferring their ownership.
// Every decision is the policy's (authz::decide) on the caller's membership as stored now;
// an organization the caller is not a member of is ErrorCode::not_found. Every change is
// audited in its own transaction. Blocking (database): call through the blocking executor.
class Organizations {
 public:
  Organizations(storage::OrganizationRepository& organizations, const core::Clock& clock)
      : organizations_(organizations), clock_(clock) {}

  // The caller becomes its owner; the plan gets the default limits.
  core::Result<OrganizationView> create(const Caller& caller, const std::string& name);
  core::Result<std::vector<OrganizationView>> list_mine(const Caller& caller);
  core::Result<OrganizationView> get(const Caller& caller, core::OrgId org);
  core::Result<OrganizationView> rename(const Caller& caller, core::OrgId org,
                                        const std::string& name);
  // `confirm_name` must be the organization's exact name (ErrorCode::invalid_request).
  core::Result<void> remove(const Caller& caller, core::OrgId org, const std::string& confirm_name);
  // `to` must be a member other than the caller; it becomes owner, the caller admin.
  core::Result<void> transfer_ownership(const Caller& caller, core::OrgId org, core::UserId to);

  // The instance operator (`roost admin`), not an API caller: no policy, an audit event
  // with no actor. `organization` is an id, or an exact name that only one organization
  // has (ErrorCode::conflict listing the ids when several do). Limits must be >= 0.
  core::Result<PlanSet> set_plan(const std::string& organization,
                                 const storage::PlanChange& change);

 private:
  storage::AuditEvent audit(const Caller& caller, std::string action, std::string target,
                            std::string details_json) const;
  core::Result<storage::OrganizationRecord> find_for_operator(const std::string& organization);

  storage::OrganizationRepository& organizations_;
  const core::Clock& clock_;
};

}  // namespace roost::services
