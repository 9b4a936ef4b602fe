#include "storage/audit_repository.hpp"

namespace roost::storage {

core::Result<void> append_audit_event(Transaction& transaction, const AuditEvent& event) {
  Value actor = nullptr;
  if (event.actor) actor = event.actor->value;
  auto inserted = transaction.execute(
      "INSERT INTO audit_events (org_id, actor_user_id, action, target, details, request_id, "
      "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {event.org.value, actor, event.action, event.target, event.details_json, event.request_id,
       event.created_at_ms});
  if (!inserted) return std::move(inserted).error();
  return core::success();
}

core::Result<std::vector<AuditRecord>> AuditRepository::list_for_org(core::OrgId org,
                                                                     std::size_t limit) {
  std::vector<AuditRecord> records;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT id, org_id, actor_user_id, action, target, details, request_id, created_at_ms "
        "FROM audit_events WHERE org_id = $1 ORDER BY id LIMIT $2",
        {org.value, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      std::optional<core::UserId> actor;
      if (auto id = row.optional_integer(2)) actor = core::UserId{*id};
      records.push_back({row.integer(0),
                         {core::OrgId{row.integer(1)}, actor, row.text(3), row.text(4), row.text(5),
                          row.text(6), row.integer(7)}});
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return records;
}

}  // namespace roost::storage
