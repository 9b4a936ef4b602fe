#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"

namespace roost::services {

struct MemberView {
  core::UserId user;
  std::string email;
  std::string display_name;
  domain::OrgRole role = domain::OrgRole::member;
  std::int64_t joined_at_ms = 0;
};

struct MemberPage {
  std::int64_t revision = 0;  // of the member list, read before the members (see list_revision)
  std::vector<MemberView> members;
  std::optional<core::UserId> next_after;  // the cursor of the next page, if there is one
};

// The members of an organization: listing them, changing their role, removing them (or
// leaving). The policy decides; the repository keeps at least one owner (conflict).
// Blocking (database): call through the blocking executor.
class Members {
 public:
  Members(storage::OrganizationRepository& organizations, const core::Clock& clock)
      : organizations_(organizations), clock_(clock) {}

  // Members after the user id `after` (0: from the start), at most `limit` (1..max).
  core::Result<MemberPage> list(const Caller& caller, core::OrgId org, core::UserId after,
                                std::size_t limit);
  // What list() checks, then only the member list's revision: it changes whenever a member
  // joins, leaves, changes role, name or email, so a page rendered at this revision (or a
  // later one) is still what list() would return.
  core::Result<std::int64_t> list_revision(const Caller& caller, core::OrgId org);
  core::Result<MemberView> change_role(const Caller& caller, core::OrgId org, core::UserId user,
                                       domain::OrgRole role);
  core::Result<void> remove(const Caller& caller, core::OrgId org, core::UserId user);

 private:
  // Authorizes `action` on the member `user` of `org` (whose membership it returns).
  core::Result<storage::MembershipRecord> authorize_on_member(
      const Caller& caller, core::OrgId org, core::UserId user, authz::Action action,
      std::optional<domain::OrgRole> new_role);
  storage::AuditEvent audit(const Caller& caller, std::string action, core::UserId target,
                            std::string details_json) const;

  storage::OrganizationRepository& organizations_;
  const core::Clock& clock_;
};

}  // namespace roost::services
