#include "services/notification_pump.hpp"

#include "core/log.hpp"
#include "services/notifications.hpp"

namespace roost::services {

NotificationPump::NotificationPump(storage::NotificationRepository& notifications,
                                   LiveEvents& local, Options options)
    : notifications_(notifications), local_(local), options_(options) {}

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

void NotificationPump::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void NotificationPump::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NotificationPump::run() {
  bool reported = false;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto pumped = pump_once();
    if (!pumped && !reported) {
      core::log::warn("notifications_not_pumped", {{"reason", pumped.error().message}});
    }
    reported = !pumped;
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace roost::services
