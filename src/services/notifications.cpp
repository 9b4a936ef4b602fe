#include "services/notifications.hpp"

#include "core/limits.hpp"

namespace roost::services {
namespace {

// Routes that reach these use cases require a session; this is the backstop.
core::Result<core::UserId> signed_in_user(const Caller& caller) {
  if (!caller.actor.user_id) {
    return core::make_error(core::ErrorCode::unauthenticated, "sign in to read notifications");
  }
  return caller.user();
}

}  // namespace

NotificationView notification_view(const storage::NotificationRecord& record) {
  return {record.id,           record.org,           record.kind,
          record.payload_json, record.created_at_ms, record.read_at_ms};
}

nlohmann::json notification_json(const NotificationView& notification) {
  // The payload was written as a JSON object by Roost itself; anything else shows as {}.
  auto payload = nlohmann::json::parse(notification.payload_json, nullptr, false);
  if (!payload.is_object()) payload = nlohmann::json::object();
  nlohmann::json org = nullptr;
  if (notification.org) org = notification.org->value;
  nlohmann::json read_at = nullptr;
  if (notification.read_at_ms) read_at = core::format_utc_ms(*notification.read_at_ms);
  return {{"id", notification.id},
          {"org_id", std::move(org)},
          {"kind", notification.kind},
          {"payload", std::move(payload)},
          {"created_at", core::format_utc_ms(notification.created_at_ms)},
          {"read_at", std::move(read_at)}};
}

core::Result<NotificationPage> Notifications::list(const Caller& caller,
                                                   const NotificationPageRequest& page) {
  auto user = signed_in_user(caller);
  if (!user) return std::move(user).error();
  if (page.limit == 0 || page.limit > core::limits::notifications_page_size_max) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid limit");
    error.details.push_back(
        {"limit",
         "must be between 1 and " + std::to_string(core::limits::notifications_page_size_max), 0,
         0});
    return error;
  }
  // One more than asked tells whether there is a next page.
  auto records = notifications_.list(*user, {page.before, page.limit + 1, page.unread_only});
  if (!records) return std::move(records).error();
  auto unread = notifications_.unread_count(*user);
  if (!unread) return std::move(unread).error();
  NotificationPage result;
  result.unread_count = *unread;
  for (const auto& record : *records) {
    if (result.notifications.size() == page.limit) {
      result.next_before = result.notifications.back().id;
      break;
    }
    result.notifications.push_back(notification_view(record));
  }
  return result;
}

core::Result<void> Notifications::mark_read(const Caller& caller, std::int64_t id) {
  auto user = signed_in_user(caller);
  if (!user) return std::move(user).error();
  return notifications_.mark_read(*user, id, clock_.now_ms());
}

core::Result<std::int64_t> Notifications::mark_all_read(const Caller& caller) {
  auto user = signed_in_user(caller);
  if (!user) return std::move(user).error();
  return notifications_.mark_all_read(*user, clock_.now_ms());
}

core::Result<void> Notifications::notify(core::UserId user, std::optional<core::OrgId> org,
                                         std::string kind, std::string payload_json) {
  auto added =
      notifications_.add({user, org, std::move(kind), std::move(payload_json), clock_.now_ms()});
  if (!added) return std::move(added).error();
  return core::success();
}

}  // namespace roost::services
