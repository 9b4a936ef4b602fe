#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/mail_outbox_repository.hpp"

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

// One person told of something: in-app, and by email too when `mail` is set.
struct Notice {
  NotificationDraft in_app;
  std::optional<OutboundMail> mail;
};

struct NotificationRecord {
  std::int64_t id = 0;
  core::UserId user;
  std::optional<core::OrgId> org;
  std::string kind;
  std::string payload_json;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> read_at_ms;
};

struct NotificationQuery {
  std::optional<std::int64_t> before_id;  // the cursor: only notifications older than this id
  std::size_t limit = 50;
  bool unread_only = false;
};

// A user's notifications. Every method takes the user: a notification of another user is
// never listed, and marking it read is ErrorCode::not_found, as if it did not exist.
class NotificationRepository {
 public:
  explicit NotificationRepository(Database& database) : database_(database) {}

  // Newest first (by id), at most query.limit.
  core::Result<std::vector<NotificationRecord>> list(core::UserId user,
                                                     const NotificationQuery& query);
  core::Result<std::int64_t> unread_count(core::UserId user);
  // Marking a read notification again keeps its first read time.
  core::Result<void> mark_read(core::UserId user, std::int64_t id, std::int64_t now_ms);
  // Returns how many were unread.
  core::Result<std::int64_t> mark_all_read(core::UserId user, std::int64_t now_ms);
  // Every notice (notification and queued mail) in one transaction, or none.
  core::Result<void> deliver(const std::vector<Notice>& notices);
  // A notification on its own, for a change that was committed already. Returns its id.
  core::Result<std::int64_t> add(const NotificationDraft& draft);

  // Every user's notifications with an id above `after_id`, oldest first, at most `limit`:
  // what the live pump (services::NotificationPump) publishes. Committed rows only.
  core::Result<std::vector<NotificationRecord>> list_after(std::int64_t after_id,
                                                           std::size_t limit);
  // The largest id there is (0 for none): where the pump starts.
  core::Result<std::int64_t> newest_id();

 private:
  Database& database_;
};

}  // namespace roost::storage
