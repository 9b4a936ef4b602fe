#include "services/notification_pump.hpp"

#include "core/log.hpp"
#include "services/notifications.hpp"

namespace roost::services {

NotificationPump::NotificationPump(storage::NotificationRepository& notifications,
                                   LiveEvents& local, Options options)
    : notifications_(notifications),
      local_(local),
      options_(options),
      worker_(options.interval, [this] { return round(); }) {}

core::Result<std::size_t> NotificationPump::pump_once() {
  const auto now = std::chrono::steady_clock::now();
  if (!low_) {
    auto newest = notifications_.newest_id();
    if (!newest) return std::move(newest).error();
    low_ = *newest;
    return std::size_t{0};
  }
  auto rows = notifications_.list_after(*low_, options_.batch_max);
  if (!rows) return std::move(rows).error();
  std::size_t published = 0;
  for (const auto& row : *rows) {
    if (!published_ids_.emplace(row.id, now).second) continue;
    local_.publish(LiveEvent{"notification.created", "user:" + std::to_string(row.user.value),
                             notification_json(notification_view(row)).dump()});
    ++published;
  }
  // A full page of rows published already would hide newer ones until they settle: settle
  // the page now (a burst that large outweighs a late commit's event).
  const bool full_page = rows->size() == options_.batch_max && published == 0;
  while (!published_ids_.empty()) {
    auto oldest = published_ids_.begin();
    if (!full_page && now - oldest->second < options_.settle) break;
    low_ = oldest->first;
    published_ids_.erase(oldest);
  }
  published_.fetch_add(published);
  return published;
}

core::PeriodicWorker::Next NotificationPump::round() {
  auto pumped = pump_once();
  // One warning per outage, not one per round.
  if (!pumped && !reported_) {
    core::log::warn("notifications_not_pumped", {{"reason", pumped.error().message}});
  }
  reported_ = !pumped;
  return core::PeriodicWorker::Next::wait;
}

}  // namespace roost::services
