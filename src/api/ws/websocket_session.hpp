#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/awaitable.hpp"
#include "api/ws/bounded_queue.hpp"
#include "api/ws/event_grant.hpp"
#include "api/ws/event_hub.hpp"
#include "core/limits.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace roost::api::ws {

// One WebSocket client: events from the hub go through a bounded queue, one write in
// flight at a time; Beast's keep-alive pings detect dead peers; a client that falls
// behind is closed with 1013 (try again later), one at shutdown with 1001 (going away).
// The client receives the events whose audience its grant allows; every `recheck_interval`
// the grant is checked again, and a client whose credential or membership is gone is
// closed with 1008 (policy violation).
// Clients may send {"type":"presence","item_id":N,"state":"viewing"|"replying"|"left"}
// (ADR 0028): the grant's hooks check the item and tell its audience. A presence not
// refreshed within `presence_ttl`, and every presence when the socket closes, is told as
// "left". A message that is not valid JSON, of an unknown type, over the rate, or about an
// item the member may not see gets an error frame {"type":"error","error":{...}}.
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

  WebSocketSession(boost::asio::ip::tcp::socket socket, EventHub& hub,
                   std::shared_ptr<EventGrant> grant, std::chrono::milliseconds recheck_interval,
                   std::chrono::milliseconds presence_ttl = core::limits::presence_ttl_default);

  Awaitable<void> run(UpgradeRequest upgrade_request);
  // Must run on the session's executor.
  void close(boost::beast::websocket::close_code code);

 private:
  Awaitable<void> read_loop();
  static Awaitable<void> write_loop(std::shared_ptr<WebSocketSession> self);
  static Awaitable<void> recheck_loop(std::shared_ptr<WebSocketSession> self);
  static Awaitable<void> presence_loop(std::shared_ptr<WebSocketSession> self);
  Awaitable<void> handle_message(std::string text);
  Awaitable<void> handle_presence(core::InboxItemId item, services::PresenceState state);
  Awaitable<void> leave_every_presence();
  bool take_message_token();
  void send_error(std::string_view code, std::string_view message,
                  std::optional<core::InboxItemId> item = std::nullopt);
  void enqueue(std::string message);
  void wake_writer();

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> stream_;
  EventHub& hub_;
  std::shared_ptr<EventGrant> grant_;
  std::shared_ptr<AudienceFilter> audiences_;
  EventHub::Filter filter_;
  std::chrono::milliseconds recheck_interval_;
  BoundedQueue<std::string> queue_;
  boost::asio::steady_timer writer_wake_;
  boost::asio::steady_timer close_deadline_;
  boost::asio::steady_timer recheck_timer_;
  // The items this client said it is on, with when it last said so.
  struct TrackedPresence {
    services::PresenceSeat seat;
    std::chrono::steady_clock::time_point refreshed;
  };
  std::chrono::milliseconds presence_ttl_;
  std::map<std::int64_t, TrackedPresence> presences_;
  boost::asio::steady_timer presence_timer_;
  // The client's messages: a token bucket (core::limits::websocket_client_messages_*).
  double message_tokens_;
  std::chrono::steady_clock::time_point tokens_at_;
  std::optional<boost::beast::websocket::close_code> close_code_;
  bool finished_ = false;
};

}  // namespace roost::api::ws
