#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/team.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct TeamRecord {
  core::TeamId id;
  core::OrgId org;
  std::string name;
  std::int64_t created_at_ms = 0;
};

struct TeamMemberRecord {
  core::UserId user;
  std::string email;
  std::string display_name;
  domain::TeamRole role = domain::TeamRole::member;
  std::int64_t added_at_ms = 0;
};

// Whether set_member added the user to the team or changed their team role (and from what).
struct TeamMemberChange {
  bool added = false;
  std::optional<domain::TeamRole> previous_role;
};

// Teams of an organization and their members. Every change writes its audit event in the
// same transaction (`audit`: its org is filled in here) and locks the organization's row
// first, as membership changes do: a user is added to a team only while a member of the
// organization, and removing them from the organization removes them from its teams.
class TeamRepository {
 public:
  explicit TeamRepository(Database& database) : database_(database) {}

  // ErrorCode::conflict when the organization already has a team of that name;
  // ErrorCode::not_found when the organization is gone.
  core::Result<TeamRecord> create(core::OrgId org, const std::string& name,
                                  std::int64_t created_at_ms, AuditEvent audit);
  core::Result<std::optional<TeamRecord>> find(core::TeamId id);
  // The organization's teams by name then id, at most `limit`.
  core::Result<std::vector<TeamRecord>> list_for_org(core::OrgId org, std::size_t limit);
  // The organization's teams that `user` is in, by name then id, at most `limit`.
  core::Result<std::vector<TeamRecord>> list_for_member(core::OrgId org, core::UserId user,
                                                        std::size_t limit);
  core::Result<std::optional<domain::TeamRole>> find_role(core::TeamId team, core::UserId user);
  core::Result<std::optional<TeamMemberRecord>> find_member(core::TeamId team, core::UserId user);
  // The team's members by user id, at most `limit`.
  core::Result<std::vector<TeamMemberRecord>> list_members(core::TeamId team, std::size_t limit);
  // ErrorCode::not_found when the team is gone; ErrorCode::conflict for a taken name.
  core::Result<TeamRecord> rename(core::TeamId id, const std::string& name, AuditEvent audit);
  // Deletes the team and its memberships.
  core::Result<void> remove(core::TeamId id, AuditEvent audit);
  // Adds `user` with `role`, or changes their role; the audit event's action and details
  // are set here (team.member_added or team.member_role_changed, as it turns out).
  // ErrorCode::invalid_request (detail user_id) when the user is not a member of the team's
  // organization.
  core::Result<TeamMemberChange> set_member(core::TeamId team, core::UserId user,
                                            domain::TeamRole role, std::int64_t now_ms,
                                            AuditEvent audit);
  // ErrorCode::not_found when the user is not in the team.
  core::Result<void> remove_member(core::TeamId team, core::UserId user, AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
