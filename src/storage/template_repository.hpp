#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct TemplateRecord {
  core::TemplateId id;
  core::OrgId org;
  core::TeamId team;
  std::string name;
  std::string body;
  std::optional<core::UserId> created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// A change of a template: each field left empty stays as it is.
struct TemplateChange {
  std::optional<std::string> name;
  std::optional<std::string> body;
};

// Saved replies of a team (services/templates). Changes write their audit event in the same
// transaction.
class TemplateRepository {
 public:
  explicit TemplateRepository(Database& database) : database_(database) {}

  // ErrorCode::conflict when the team has a template of that name; ErrorCode::not_found
  // when the team is not the organization's. Audit: template.created.
  core::Result<TemplateRecord> create(core::OrgId org, core::TeamId team, const std::string& name,
                                      const std::string& body, core::UserId author,
                                      std::int64_t now_ms, AuditEvent audit);
  core::Result<std::optional<TemplateRecord>> find(core::OrgId org, core::TemplateId id);
  // By name, at most `limit`.
  core::Result<std::vector<TemplateRecord>> list_for_team(core::OrgId org, core::TeamId team,
                                                          std::size_t limit);
  // ErrorCode::not_found, ErrorCode::conflict (name). Audit: template.updated.
  core::Result<TemplateRecord> update(core::OrgId org, core::TemplateId id,
                                      const TemplateChange& change, std::int64_t now_ms,
                                      AuditEvent audit);
  // ErrorCode::not_found. Audit: template.deleted.
  core::Result<void> remove(core::OrgId org, core::TemplateId id, AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
