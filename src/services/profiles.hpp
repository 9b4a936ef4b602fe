#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/profile_level.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"

namespace roost::services {

// A profile with the caller's own level on it, and the teams that have it.
struct ProfileDetail {
  storage::LeveledProfile view;
  std::vector<storage::GrantRecord> grants;
};

// One requested grant: `team` gets `profile` at `level`.
struct GrantRequest {
  core::TeamId team;
  core::ProfileId profile;
  domain::ProfileLevel level = domain::ProfileLevel::viewer;
};

// The shared social profiles of an organization as its members see them, and which teams
// get them at which level (PRODUCT.md §2). Connecting profiles comes with the networks.
// Blocking (database): call through the blocking executor.
class Profiles {
 public:
  Profiles(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
           storage::ProfileRepository& profiles, const core::Clock& clock)
      : organizations_(organizations), teams_(teams), profiles_(profiles), clock_(clock) {}

  // Owners and admins: every profile (as managers). Members: the profiles their teams have,
  // each with their level on it.
  core::Result<std::vector<storage::LeveledProfile>> list(const Caller& caller, core::OrgId org);
  core::Result<ProfileDetail> get(const Caller& caller, core::OrgId org, core::ProfileId profile);
  // The profiles a team has, with the team's level (whoever may view the team).
  core::Result<std::vector<storage::LeveledProfile>> of_team(const Caller& caller, core::OrgId org,
                                                             core::TeamId team);
  // Every grant is authorized, then all are written in one transaction, or none.
  core::Result<void> set_grants(const Caller& caller, core::OrgId org,
                                const std::vector<GrantRequest>& grants);
  core::Result<void> remove_grant(const Caller& caller, core::OrgId org, core::TeamId team,
                                  core::ProfileId profile);

 private:
  // The policy's view of `profile` (and, for a grant action, of `team`) for this caller.
  core::Result<authz::Resource> profile_resource(const Caller& caller, core::OrgId org,
                                                 core::ProfileId profile,
                                                 std::optional<GrantRequest> grant);
  storage::AuditEvent audit(const Caller& caller) const;

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::ProfileRepository& profiles_;
  const core::Clock& clock_;
};

}  // namespace roost::services
