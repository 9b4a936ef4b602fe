#include "services/live_event_fanout.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/log.hpp"

namespace roost::services {

void LiveEventFanout::publish(LiveEvent event) {
  nlohmann::json message{
      {"type", event.type}, {"audience", event.audience}, {"payload", event.payload}};
  if (!event.replayable) message["replayable"] = false;
  auto encoded = message.dump();
  auto sent = channel_.notify(encoded);
  if (sent) return;
  local_only_.fetch_add(1);
  core::log::warn("live_event_not_fanned_out",
                  {{"type", event.type}, {"reason", sent.error().message}});
  local_.publish(std::move(event));
}

void LiveEventFanout::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void LiveEventFanout::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void LiveEventFanout::run() {
  bool reported = false;
  while (!stopping_) {
    auto received = channel_.receive(core::limits::live_event_receive_wait);
    if (!received) {
      if (!reported) {
        core::log::warn("live_events_not_received", {{"reason", received.error().message}});
        reported = true;
      }
      std::this_thread::sleep_for(core::limits::live_event_reconnect_wait);
      continue;
    }
    reported = false;
    for (const auto& text : *received) {
      auto parsed = nlohmann::json::parse(text, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object() || !parsed["type"].is_string() ||
          !parsed["audience"].is_string() || !parsed["payload"].is_string()) {
        core::log::warn("live_event_malformed", {{"bytes", static_cast<long long>(text.size())}});
        continue;
      }
      received_.fetch_add(1);
      const auto replayable = parsed.find("replayable");
      local_.publish(LiveEvent{
          parsed["type"].get<std::string>(), parsed["audience"].get<std::string>(),
          parsed["payload"].get<std::string>(),
          replayable == parsed.end() || !replayable->is_boolean() || replayable->get<bool>()});
    }
  }
}

}  // namespace roost::services
