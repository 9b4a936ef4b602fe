#include "storage/audit_repository.hpp"

#include <fmt/format.h>

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

core::Result<std::vector<AuditEntry>> AuditRepository::list(core::OrgId org,
                                                            const AuditFilter& filter,
                                                            std::size_t limit) {
  // Only the filters given become conditions; each value is a bound parameter.
  std::string sql =
      "SELECT a.id, a.org_id, a.actor_user_id, a.action, a.target, a.details, a.request_id, "
      "a.created_at_ms, u.email, u.display_name FROM audit_events a "
      "LEFT JOIN users u ON u.id = a.actor_user_id WHERE a.org_id = $1";
  std::vector<Value> params{org.value};
  auto condition = [&](std::string_view format, Value value) {
    params.push_back(std::move(value));
    sql += fmt::format(fmt::runtime(format), params.size());
  };
  if (filter.actor) condition(" AND a.actor_user_id = ${}", filter.actor->value);
  if (filter.action && filter.action_is_prefix) {
    // substr, not LIKE: LIKE is case-insensitive on SQLite and treats _ and % specially.
    params.push_back(static_cast<std::int64_t>(filter.action->size()));
    sql += fmt::format(" AND substr(a.action, 1, ${}) = ${}", params.size(), params.size() + 1);
    params.push_back(*filter.action);
  } else if (filter.action) {
    condition(" AND a.action = ${}", *filter.action);
  }
  if (filter.since_ms) condition(" AND a.created_at_ms >= ${}", *filter.since_ms);
  if (filter.until_ms) condition(" AND a.created_at_ms < ${}", *filter.until_ms);
  if (filter.before_id) condition(" AND a.id < ${}", *filter.before_id);
  params.push_back(static_cast<std::int64_t>(limit));
  sql += fmt::format(" ORDER BY a.id DESC LIMIT ${}", params.size());

  std::vector<AuditEntry> entries;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(sql, params);
    if (!rows) return core::Result<void>(std::move(rows).error());
    entries.reserve(rows->rows.size());
    for (const auto& row : rows->rows) {
      std::optional<core::UserId> actor;
      if (auto id = row.optional_integer(2)) actor = core::UserId{*id};
      entries.push_back({{row.integer(0),
                          {core::OrgId{row.integer(1)}, actor, row.text(3), row.text(4),
                           row.text(5), row.text(6), row.integer(7)}},
                         row.optional_text(8),
                         row.optional_text(9)});
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return entries;
}

}  // namespace roost::storage
