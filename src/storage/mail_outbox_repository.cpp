#include "storage/mail_outbox_repository.hpp"

namespace roost::storage {

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

}  // namespace roost::storage
