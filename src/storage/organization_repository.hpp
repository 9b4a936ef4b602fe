#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct NewOrganization {
  std::string name;
  std::int64_t profile_limit = 0;
  std::int64_t seat_limit = 0;
  core::UserId owner;
  std::int64_t created_at_ms = 0;
};

struct OrganizationRecord {
  core::OrgId id;
  std::string name;
  std::int64_t profile_limit = 0;
  std::int64_t seat_limit = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct MembershipRecord {
  core::OrgId org;
  core::UserId user;
  domain::OrgRole role = domain::OrgRole::member;
  std::int64_t joined_at_ms = 0;
};

// What an organization uses of its plan, and whether it has a logo.
struct OrganizationUsage {
  std::int64_t seats_used = 0;
  bool has_logo = false;
};

// An organization as one of its members sees it in their list.
struct OrganizationOfUser {
  OrganizationRecord organization;
  domain::OrgRole role = domain::OrgRole::member;
  OrganizationUsage usage;
};

// A change of plan by the operator: an empty limit stays as it is.
struct PlanChange {
  std::optional<std::int64_t> profile_limit;
  std::optional<std::int64_t> seat_limit;
};

struct MemberRecord {
  core::UserId user;
  std::string email;
  std::string display_name;
  domain::OrgRole role = domain::OrgRole::member;
  std::int64_t joined_at_ms = 0;
};

struct MemberListing {
  std::int64_t revision = 0;
  std::vector<MemberRecord> members;
};

// Organizations and their memberships. Every change writes its audit event in the same
// transaction (`audit`: its org is filled in here). An organization always keeps at least
// one owner: a change that would leave none is ErrorCode::conflict, checked under a lock
// of the organization's row so that concurrent changes are serialized on both backends.
class OrganizationRepository {
 public:
  explicit OrganizationRepository(Database& database) : database_(database) {}

  // The organization and its owner's membership. An empty audit target becomes "org:<id>".
  core::Result<OrganizationRecord> create(const NewOrganization& organization, AuditEvent audit);
  core::Result<std::optional<OrganizationRecord>> find(core::OrgId id);
  core::Result<std::optional<MembershipRecord>> find_membership(core::OrgId org, core::UserId user);
  // Organizations named exactly `name`, by id, at most `limit` (the operator's CLI).
  core::Result<std::vector<OrganizationRecord>> find_by_name(const std::string& name,
                                                             std::size_t limit);
  // The seats the organization's plan counts: its members now. The one place that counts
  // seats, so that pending invitations can be added to it.
  core::Result<std::int64_t> count_seats_used(core::OrgId org, std::int64_t now_ms);
  // count_seats_used and whether a logo is stored, in one read.
  core::Result<OrganizationUsage> usage(core::OrgId org, std::int64_t now_ms);
  // ErrorCode::not_found when the organization is gone.
  core::Result<OrganizationRecord> set_plan(core::OrgId id, const PlanChange& change,
                                            std::int64_t now_ms, AuditEvent audit);
  // The user's organizations, by name then id, at most `limit`.
  core::Result<std::vector<OrganizationOfUser>> list_for_user(core::UserId user, std::size_t limit,
                                                              std::int64_t now_ms);
  // ErrorCode::not_found when the organization is gone.
  core::Result<OrganizationRecord> rename(core::OrgId id, const std::string& name,
                                          std::int64_t now_ms, AuditEvent audit);
  // Deletes the organization and its memberships; its audit events stay.
  core::Result<void> remove(core::OrgId id, AuditEvent audit);
  // `to` becomes owner and `from` admin. ErrorCode::not_found when either is not a member;
  // ErrorCode::conflict when `from` is no longer an owner.
  core::Result<void> transfer_ownership(core::OrgId id, core::UserId from, core::UserId to,
                                        AuditEvent audit);
  // Adds a member (invitations and the operator use it). An existing member, an unknown
  // user or organization is ErrorCode::conflict.
  core::Result<void> add_member(const MembershipRecord& membership, AuditEvent audit);
  // Members ordered by user id, after `after_user` (the cursor), at most `limit`.
  // The members after `after_user`, by user id, at most `limit`, with the revision of the
  // member list read before them (the list is at least that recent).
  core::Result<MemberListing> list_members(core::OrgId org, core::UserId after_user,
                                           std::size_t limit);
  // The revision of the organization's member list: it changes (database triggers) whenever
  // a member joins, leaves, changes role, name or email. std::nullopt: no such organization.
  core::Result<std::optional<std::int64_t>> members_revision(core::OrgId org);
  core::Result<std::optional<MemberRecord>> find_member(core::OrgId org, core::UserId user);
  // ErrorCode::not_found when not a member; ErrorCode::conflict for the last owner.
  core::Result<void> change_role(core::OrgId org, core::UserId user, domain::OrgRole role,
                                 AuditEvent audit);
  core::Result<void> remove_member(core::OrgId org, core::UserId user, AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
