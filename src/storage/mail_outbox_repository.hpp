#pragma once

#include <cstdint>
#include <string>

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

}  // namespace roost::storage
