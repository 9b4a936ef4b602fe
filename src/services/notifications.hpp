#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/org_access.hpp"
#include "storage/notification_repository.hpp"

namespace roost::services {

struct NotificationView {
  std::int64_t id = 0;
  std::optional<core::OrgId> org;
  std::string kind;
  std::string payload_json;  // a JSON object
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> read_at_ms;
};

NotificationView notification_view(const storage::NotificationRecord& record);
// A notification as the API lists it and the live `notification.created` event carries it.
nlohmann::json notification_json(const NotificationView& notification);

struct NotificationPageRequest {
  std::optional<std::int64_t> before;  // the cursor: the next_before of the previous page
  std::size_t limit = 50;
  bool unread_only = false;
};

struct NotificationPage {
  std::vector<NotificationView> notifications;
  std::optional<std::int64_t> next_before;  // set when there may be more
  std::int64_t unread_count = 0;
};

// The calling user's in-app notifications. They belong to the user, not to an organization:
// no role is involved, only whose they are. Another user's notification is
// ErrorCode::not_found. Blocking (the database): call through the blocking executor.
class Notifications {
 public:
  Notifications(storage::NotificationRepository& notifications, const core::Clock& clock)
      : notifications_(notifications), clock_(clock) {}

  // ErrorCode::invalid_request (detail limit) for a limit of 0 or above the maximum.
  core::Result<NotificationPage> list(const Caller& caller, const NotificationPageRequest& page);
  core::Result<void> mark_read(const Caller& caller, std::int64_t id);
  // Returns how many were unread.
  core::Result<std::int64_t> mark_all_read(const Caller& caller);
  // Tells `user` about an event of `org` (e.g. "post.rejected"); payload_json is an object.
  core::Result<void> notify(core::UserId user, std::optional<core::OrgId> org, std::string kind,
                            std::string payload_json);

 private:
  storage::NotificationRepository& notifications_;
  const core::Clock& clock_;
};

}  // namespace roost::services
