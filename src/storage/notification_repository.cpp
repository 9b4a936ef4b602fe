#include "storage/notification_repository.hpp"

#include <limits>

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

NotificationRecord to_notification(const Row& row) {
  NotificationRecord record{
      row.integer(0), core::UserId{row.integer(1)}, std::nullopt, row.text(3), row.text(4),
      row.integer(5), row.optional_integer(6)};
  if (auto org = row.optional_integer(2)) record.org = core::OrgId{*org};
  return record;
}

}  // namespace

core::Result<std::int64_t> append_notification(Transaction& transaction,
                                               const NotificationDraft& draft) {
  Value org = nullptr;
  if (draft.org) org = draft.org->value;
  auto row = transaction.query_one(
      "INSERT INTO notifications (user_id, org_id, kind, payload, created_at_ms) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {draft.user.value, org, draft.kind, draft.payload_json, draft.created_at_ms});
  if (!row) return std::move(row).error();
  if (!row->has_value()) {
    return core::make_error(core::ErrorCode::internal, "INSERT ... RETURNING returned no row");
  }
  return (*row)->integer(0);
}

core::Result<void> NotificationRepository::deliver(const std::vector<Notice>& notices) {
  if (notices.empty()) return core::success();
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    for (const auto& notice : notices) {
      auto notified = append_notification(transaction, notice.in_app);
      if (!notified) return core::Result<void>(std::move(notified).error());
      if (notice.mail) {
        auto queued = enqueue_mail(transaction, *notice.mail);
        if (!queued) return core::Result<void>(std::move(queued).error());
      }
    }
    return core::success();
  });
}

core::Result<std::vector<NotificationRecord>> NotificationRepository::list(
    core::UserId user, const NotificationQuery& query) {
  // One statement for every combination: no cursor is the largest id, and the unread
  // filter is a 0/1 parameter.
  std::vector<NotificationRecord> found;
  std::int64_t before = query.before_id.value_or(std::numeric_limits<std::int64_t>::max());
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT id, user_id, org_id, kind, payload, created_at_ms, read_at_ms "
        "FROM notifications WHERE user_id = $1 AND id < $2 "
        "AND ($3 = 0 OR read_at_ms IS NULL) ORDER BY id DESC LIMIT $4",
        {user.value, before, static_cast<std::int64_t>(query.unread_only ? 1 : 0),
         static_cast<std::int64_t>(query.limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) found.push_back(to_notification(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::int64_t> NotificationRepository::unread_count(core::UserId user) {
  // A read: it must not wait for SQLite's one writer connection.
  auto counted =
      query_optional(database_, TransactionMode::read_only,
                     "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at_ms IS NULL",
                     {user.value}, [](const Row& row) { return row.integer(0); });
  if (!counted) return std::move(counted).error();
  return counted->value_or(0);
}

core::Result<void> NotificationRepository::mark_read(core::UserId user, std::int64_t id,
                                                     std::int64_t now_ms) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto changed = transaction.execute(
        "UPDATE notifications SET read_at_ms = COALESCE(read_at_ms, $3) "
        "WHERE id = $1 AND user_id = $2",
        {id, user.value, now_ms});
    if (!changed) return core::Result<void>(std::move(changed).error());
    if (*changed == 0) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "no such notification"));
    }
    return core::success();
  });
}

core::Result<std::int64_t> NotificationRepository::mark_all_read(core::UserId user,
                                                                 std::int64_t now_ms) {
  return execute_statement(
      database_,
      "UPDATE notifications SET read_at_ms = $2 WHERE user_id = $1 AND read_at_ms IS NULL",
      {user.value, now_ms});
}

core::Result<std::int64_t> NotificationRepository::add(const NotificationDraft& draft) {
  std::int64_t id = 0;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto appended = append_notification(transaction, draft);
    if (!appended) return core::Result<void>(std::move(appended).error());
    id = *appended;
    return core::success();
  });
  if (!done) return std::move(done).error();
  return id;
}

core::Result<std::vector<NotificationRecord>> NotificationRepository::list_after(
    std::int64_t after_id, std::size_t limit) {
  std::vector<NotificationRecord> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT id, user_id, org_id, kind, payload, created_at_ms, read_at_ms "
        "FROM notifications WHERE id > $1 ORDER BY id LIMIT $2",
        {after_id, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) found.push_back(to_notification(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::int64_t> NotificationRepository::newest_id() {
  auto newest = query_optional(database_, TransactionMode::read_only,
                               "SELECT COALESCE(MAX(id), 0) FROM notifications", {},
                               [](const Row& row) { return row.integer(0); });
  if (!newest) return std::move(newest).error();
  return newest->value_or(0);
}

}  // namespace roost::storage
