#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct OrgLogo {
  core::OrgId org;
  std::string media_type;  // image/png, image/jpeg or image/webp, as sniffed
  Blob bytes;
  std::string etag;  // a hash of the bytes
  std::int64_t updated_at_ms = 0;
};

// One logo per organization, replaced on upload. Every change writes its audit event in
// the same transaction (`audit`: its org is filled in here).
class OrgLogoRepository {
 public:
  explicit OrgLogoRepository(Database& database) : database_(database) {}

  // Stores or replaces the logo. An organization that is gone is ErrorCode::conflict.
  core::Result<void> put(const OrgLogo& logo, AuditEvent audit);
  core::Result<std::optional<OrgLogo>> find(core::OrgId org);
  // ErrorCode::not_found when the organization has no logo.
  core::Result<void> remove(core::OrgId org, AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
