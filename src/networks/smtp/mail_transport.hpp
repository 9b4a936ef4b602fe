#pragma once

#include "core/result.hpp"
#include "storage/mail_outbox_repository.hpp"

namespace roost::networks::smtp {

// Delivers one mail of the outbox to a mail server. Blocking: only the mail worker's thread
// calls it. ErrorCode::invalid_request when the server rejected the mail for good (an SMTP
// 5xx reply): retrying will not help. Any other error (ErrorCode::unavailable: the server
// does not answer, a timeout, a 4xx reply) is worth another attempt later.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual core::Result<void> send(const storage::OutboundMail& mail) = 0;
};

}  // namespace roost::networks::smtp
