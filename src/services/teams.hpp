#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/team.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"
#include "storage/team_repository.hpp"

namespace roost::services {

struct TeamView {
  core::TeamId id;
  std::string name;
  std::int64_t created_at_ms = 0;
};

struct TeamMemberView {
  core::UserId user;
  std::string email;
  std::string display_name;
  domain::TeamRole role = domain::TeamRole::member;
  std::int64_t added_at_ms = 0;
};

struct TeamDetail {
  TeamView team;
  std::vector<TeamMemberView> members;
};

// The teams of an organization and their members. Each use case loads the caller's
// organization membership and, for one team, the team (which must belong to the
// organization in the path) and the caller's role in it; the policy decides.
// Blocking (database): call through the blocking executor.
class Teams {
 public:
  Teams(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
        const core::Clock& clock)
      : organizations_(organizations), teams_(teams), clock_(clock) {}

  core::Result<TeamView> create(const Caller& caller, core::OrgId org, const std::string& name);
  // Owners and admins get every team; members the teams they are in.
  core::Result<std::vector<TeamView>> list(const Caller& caller, core::OrgId org);
  core::Result<TeamDetail> get(const Caller& caller, core::OrgId org, core::TeamId team);
  core::Result<TeamView> rename(const Caller& caller, core::OrgId org, core::TeamId team,
                                const std::string& name);
  core::Result<void> remove(const Caller& caller, core::OrgId org, core::TeamId team);
  // Adds a member of the organization to the team, or changes their team role.
  core::Result<TeamMemberView> set_member(const Caller& caller, core::OrgId org, core::TeamId team,
                                          core::UserId user, domain::TeamRole role);
  // Removes a member from the team (or the caller leaves it).
  core::Result<void> remove_member(const Caller& caller, core::OrgId org, core::TeamId team,
                                   core::UserId user);

 private:
  // Loads what the policy needs about `team` and requires `action` on it.
  core::Result<authz::Resource> authorize_on_team(const Caller& caller, core::OrgId org,
                                                  core::TeamId team, authz::Action action,
                                                  std::optional<core::UserId> member);
  storage::AuditEvent audit(const Caller& caller, std::string action, std::string target,
                            std::string details_json) const;

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  const core::Clock& clock_;
};

}  // namespace roost::services
