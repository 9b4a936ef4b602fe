#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/org_access.hpp"
#include "storage/audit_repository.hpp"
#include "storage/organization_repository.hpp"

namespace roost::services {

struct AuditPage {
  std::vector<storage::AuditEntry> entries;
  std::optional<std::int64_t> next_before_id;  // the cursor of the next page, if there is one
};

// An organization's audit log, for its owners and admins. Blocking (database): call
// through the blocking executor.
class AuditLog {
 public:
  AuditLog(storage::OrganizationRepository& organizations, storage::AuditRepository& audit,
           const core::Clock& clock)
      : organizations_(organizations), audit_(audit), clock_(clock) {}

  // One page, newest first: at most `limit` events that pass `filter` (its before_id is
  // the cursor).
  core::Result<AuditPage> page(const Caller& caller, core::OrgId org,
                               const storage::AuditFilter& filter, std::size_t limit);
  // Every event that passes `filter`, newest first, up to `limit`; `truncated` says more
  // matched.
  struct Export {
    std::vector<storage::AuditEntry> entries;
    bool truncated = false;
    std::int64_t exported_at_ms = 0;
  };
  core::Result<Export> export_all(const Caller& caller, core::OrgId org,
                                  const storage::AuditFilter& filter, std::size_t limit);

 private:
  storage::OrganizationRepository& organizations_;
  storage::AuditRepository& audit_;
  const core::Clock& clock_;
};

}  // namespace roost::services
