#include "storage/mail_outbox_repository.hpp"

#include <algorithm>

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

core::Error no_such_mail() {
  return core::make_error(core::ErrorCode::not_found, "no such pending mail");
}

core::Result<void> change_pending(Database& database, std::string_view sql,
                                  const std::vector<Value>& params) {
  auto changed = execute_statement(database, sql, params);
  if (!changed) return std::move(changed).error();
  if (*changed == 0) return no_such_mail();
  return core::success();
}

}  // namespace

core::Result<std::int64_t> enqueue_mail(Transaction& transaction, const OutboundMail& mail) {
  auto row = transaction.query_one(
      "INSERT INTO mail_outbox (to_address, subject, body_text, next_attempt_at_ms, "
      "created_at_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {mail.to_address, mail.subject, mail.body_text, mail.created_at_ms, mail.created_at_ms});
  if (!row) return std::move(row).error();
  if (!row->has_value()) {
    return core::make_error(core::ErrorCode::internal, "INSERT ... RETURNING returned no row");
  }
  return (*row)->integer(0);
}

core::Result<std::vector<ClaimedMail>> MailOutboxRepository::claim_due(std::int64_t now_ms,
                                                                       std::int64_t lease_ms,
                                                                       std::size_t max) {
  // The outer WHERE repeats the conditions of the subquery: on PostgreSQL a concurrent
  // claim of the same row makes this UPDATE wait for it, then re-check the row as it now is
  // (claimed_until_ms in the future) and skip it. On SQLite writers are serialized.
  std::vector<ClaimedMail> claimed;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "UPDATE mail_outbox SET claimed_until_ms = $2 "
        "WHERE status = 'pending' AND next_attempt_at_ms <= $1 AND claimed_until_ms <= $1 "
        "AND id IN (SELECT id FROM mail_outbox WHERE status = 'pending' "
        "AND next_attempt_at_ms <= $1 AND claimed_until_ms <= $1 "
        "ORDER BY next_attempt_at_ms, id LIMIT $3) "
        "RETURNING id, to_address, subject, body_text, created_at_ms, attempts",
        {now_ms, now_ms + lease_ms, static_cast<std::int64_t>(max)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      claimed.push_back({row.integer(0),
                         {row.text(1), row.text(2), row.text(3), row.integer(4)},
                         row.integer(5)});
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  // RETURNING gives no order; deliver the oldest first.
  std::sort(claimed.begin(), claimed.end(),
            [](const ClaimedMail& a, const ClaimedMail& b) { return a.id < b.id; });
  return claimed;
}

core::Result<void> MailOutboxRepository::mark_sent(std::int64_t id, std::int64_t now_ms) {
  return change_pending(database_,
                        "UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, "
                        "sent_at_ms = $2, claimed_until_ms = 0, last_error = '' "
                        "WHERE id = $1 AND status = 'pending'",
                        {id, now_ms});
}

core::Result<void> MailOutboxRepository::record_failed_attempt(std::int64_t id,
                                                               const std::string& error,
                                                               std::int64_t next_attempt_at_ms) {
  return change_pending(database_,
                        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, "
                        "next_attempt_at_ms = $3, claimed_until_ms = 0 "
                        "WHERE id = $1 AND status = 'pending'",
                        {id, error, next_attempt_at_ms});
}

core::Result<void> MailOutboxRepository::mark_failed(std::int64_t id, const std::string& error) {
  return change_pending(database_,
                        "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, "
                        "last_error = $2, claimed_until_ms = 0 "
                        "WHERE id = $1 AND status = 'pending'",
                        {id, error});
}

core::Result<MailOutboxCounts> MailOutboxRepository::counts() {
  MailOutboxCounts counts;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT status, COUNT(*) FROM mail_outbox GROUP BY status ORDER BY status");
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      const auto& status = row.text(0);
      if (status == "pending") counts.pending = row.integer(1);
      if (status == "sent") counts.sent = row.integer(1);
      if (status == "failed") counts.failed = row.integer(1);
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return counts;
}

}  // namespace roost::storage
