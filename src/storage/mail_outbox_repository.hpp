#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// One plain-text email to one recipient, as the outbox keeps it until it is delivered.
struct OutboundMail {
  std::string to_address;
  std::string subject;
  std::string body_text;
  std::int64_t created_at_ms = 0;
};

// Queues a mail inside the caller's transaction: it is sent only if that transaction
// commits, and a failed or slow SMTP server never fails the change. Returns its id.
core::Result<std::int64_t> enqueue_mail(Transaction& transaction, const OutboundMail& mail);

// A mail a worker has claimed: it owns the row until the lease ends.
struct ClaimedMail {
  std::int64_t id = 0;
  OutboundMail mail;
  std::int64_t attempts = 0;  // attempts made before this one
};

struct MailOutboxCounts {
  std::int64_t pending = 0;
  std::int64_t sent = 0;
  std::int64_t failed = 0;
};

// The mail worker's side of the outbox. A claim moves claimed_until_ms forward in one
// statement that re-checks it, so two workers (threads or processes on one database) never
// hold the same row; a worker that dies leaves its rows to the next one when the lease ends.
class MailOutboxRepository {
 public:
  explicit MailOutboxRepository(Database& database) : database_(database) {}

  // Pending mails due at `now_ms` and not claimed, oldest due first, at most `max`; each is
  // claimed until now_ms + lease_ms.
  core::Result<std::vector<ClaimedMail>> claim_due(std::int64_t now_ms, std::int64_t lease_ms,
                                                   std::size_t max);
  core::Result<void> mark_sent(std::int64_t id, std::int64_t now_ms);
  // Counts the attempt, keeps the mail pending and due again at next_attempt_at_ms.
  core::Result<void> record_failed_attempt(std::int64_t id, const std::string& error,
                                           std::int64_t next_attempt_at_ms);
  // Counts the attempt and gives up: the mail stays, as 'failed', for the operator.
  core::Result<void> mark_failed(std::int64_t id, const std::string& error);
  core::Result<MailOutboxCounts> counts();

 private:
  Database& database_;
};

}  // namespace roost::storage
