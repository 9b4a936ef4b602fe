#include "services/audit_log.hpp"

namespace roost::services {

core::Result<AuditPage> AuditLog::page(const Caller& caller, core::OrgId org,
                                       const storage::AuditFilter& filter, std::size_t limit) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_audit_log);
  if (!resource) return std::move(resource).error();
  // One more than asked: whether it comes back says whether there is a next page.
  auto listed = audit_.list(org, filter, limit + 1);
  if (!listed) return std::move(listed).error();
  AuditPage page;
  if (listed->size() > limit) {
    listed->resize(limit);
    page.next_before_id = listed->back().record.id;
  }
  page.entries = std::move(*listed);
  return page;
}

core::Result<AuditLog::Export> AuditLog::export_all(const Caller& caller, core::OrgId org,
                                                    const storage::AuditFilter& filter,
                                                    std::size_t limit) {
  auto listed = page(caller, org, filter, limit);
  if (!listed) return std::move(listed).error();
  return Export{std::move(listed->entries), listed->next_before_id.has_value(), clock_.now_ms()};
}

}  // namespace roost::services
