#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// An in-app notification for one user: `kind` names the event (e.g. "invitation.received"),
// `payload_json` is a JSON object with what the client shows and links to.
struct NotificationDraft {
  core::UserId user;
  std::optional<core::OrgId> org;
  std::string kind;
  std::string payload_json = "{}";
  std::int64_t created_at_ms = 0;
};

// Adds a notification inside the caller's transaction, so that it commits or rolls back
// with the change that caused it. Returns its id.
core::Result<std::int64_t> append_notification(Transaction& transaction,
                                               const NotificationDraft& draft);

}  // namespace roost::storage
