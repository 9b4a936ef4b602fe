#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// One state change of an organization: who (actor), what (action, e.g. "org.renamed"),
// on what (target, e.g. "user:42"), with what (details, a JSON object), in which request.
struct AuditEvent {
  core::OrgId org;
  std::optional<core::UserId> actor;  // empty: the operator or the system
  std::string action;
  std::string target;
  std::string details_json = "{}";
  std::string request_id;
  std::int64_t created_at_ms = 0;
};

struct AuditRecord {
  std::int64_t id = 0;
  AuditEvent event;
};

// Appends an event inside the caller's transaction: the change and its record commit or
// roll back together. Repositories that change an organization call it.
core::Result<void> append_audit_event(Transaction& transaction, const AuditEvent& event);

// Which events of an organization to read. Every filter is optional; they combine.
struct AuditFilter {
  std::optional<core::UserId> actor;
  std::optional<std::string> action;      // exact, or a prefix when action_is_prefix
  bool action_is_prefix = false;          // "member." matches "member.removed"
  std::optional<std::int64_t> since_ms;   // created_at_ms >= since_ms
  std::optional<std::int64_t> until_ms;   // created_at_ms < until_ms
  std::optional<std::int64_t> before_id;  // the cursor: only events older than this id
};

// An event with its actor as the users table knows them now (empty once the user is gone).
struct AuditEntry {
  AuditRecord record;
  std::optional<std::string> actor_email;
  std::optional<std::string> actor_display_name;
};

// Reads the audit log.
class AuditRepository {
 public:
  explicit AuditRepository(Database& database) : database_(database) {}
  // The organization's events, oldest first, at most `limit`.
  core::Result<std::vector<AuditRecord>> list_for_org(core::OrgId org, std::size_t limit);
  // The organization's events that pass `filter`, newest first (by id), at most `limit`.
  core::Result<std::vector<AuditEntry>> list(core::OrgId org, const AuditFilter& filter,
                                             std::size_t limit);

 private:
  Database& database_;
};

}  // namespace roost::storage
