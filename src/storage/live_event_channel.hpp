#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

// Live events between the roost processes that share one PostgreSQL database (LISTEN/NOTIFY
// on one channel): what one process publishes, every process — itself included — receives,
// in the order PostgreSQL delivers them. SQLite has one process and no channel.
namespace roost::storage {

class LiveEventChannel {
 public:
  virtual ~LiveEventChannel() = default;
  // Sends `payload` (at most core::limits::live_event_payload_bytes_max bytes, PostgreSQL's
  // NOTIFY limit: longer is ErrorCode::invalid_request). Thread-safe. A lost connection is
  // ErrorCode::unavailable; the next call connects again.
  virtual core::Result<void> notify(std::string_view payload) = 0;
  // Waits up to `timeout` for payloads and returns those that arrived (maybe none). Call
  // from one thread. A lost connection is ErrorCode::unavailable: the next call connects
  // and listens again (what was sent meanwhile is not received).
  virtual core::Result<std::vector<std::string>> receive(std::chrono::milliseconds timeout) = 0;
};

// Which PostgreSQL channel: the live events of the API (ADR 0026), or the publish
// dispatchers' wake-ups (a post became due in some process, ADR 0030). Each is its own
// LISTEN, so a listener of one never reads the other's traffic.
enum class ChannelTopic { live_events, publish_due };

// The channel of `url`'s database: nullptr for SQLite. Connects lazily: opening never fails
// for an unreachable server, receive() and notify() report it.
std::unique_ptr<LiveEventChannel> open_live_event_channel(
    const DatabaseUrl& url, ChannelTopic topic = ChannelTopic::live_events);

}  // namespace roost::storage
