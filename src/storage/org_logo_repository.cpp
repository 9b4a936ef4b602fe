#include "storage/org_logo_repository.hpp"

#include "storage/repository_support.hpp"

namespace roost::storage {

core::Result<void> OrgLogoRepository::put(const OrgLogo& logo, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto stored = transaction.execute(
        "INSERT INTO org_logos (org_id, media_type, bytes, etag, updated_at_ms) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET "
        "media_type = excluded.media_type, bytes = excluded.bytes, etag = excluded.etag, "
        "updated_at_ms = excluded.updated_at_ms",
        {logo.org.value, logo.media_type, logo.bytes, logo.etag, logo.updated_at_ms});
    if (!stored) return core::Result<void>(std::move(stored).error());
    audit.org = logo.org;
    return append_audit_event(transaction, audit);
  });
}

core::Result<std::optional<OrgLogo>> OrgLogoRepository::find(core::OrgId org) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT org_id, media_type, bytes, etag, updated_at_ms FROM org_logos WHERE org_id = $1",
      {org.value}, [](const Row& row) {
        return OrgLogo{core::OrgId{row.integer(0)}, row.text(1), row.blob(2), row.text(3),
                       row.integer(4)};
      });
}

core::Result<void> OrgLogoRepository::remove(core::OrgId org, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto removed = transaction.execute("DELETE FROM org_logos WHERE org_id = $1", {org.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    if (*removed == 0) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "this organization has no logo"));
    }
    audit.org = org;
    return append_audit_event(transaction, audit);
  });
}

}  // namespace roost::storage
