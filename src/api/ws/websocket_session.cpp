#include "api/ws/websocket_session.hpp"

#include <algorithm>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/log.hpp"

namespace roost::api::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// A client that cannot take its close frame within this time is cut off at the socket.
constexpr std::chrono::seconds close_handshake_timeout{5};

std::string encode(const Event& event) {
  std::string out = R"({"id":)" + std::to_string(event.id) + R"(,"type":)" +
                    nlohmann::json(event.type).dump() + R"(,"data":)" +
                    (event.payload.empty() ? std::string("{}") : event.payload) + "}";
  return out;
}

}  // namespace

WebSocketSession::WebSocketSession(asio::ip::tcp::socket socket, EventHub& hub,
                                   std::shared_ptr<EventGrant> grant,
                                   std::chrono::milliseconds recheck_interval,
                                   std::chrono::milliseconds presence_ttl)
    : stream_(std::move(socket)),
      hub_(hub),
      grant_(std::move(grant)),
      audiences_(std::make_shared<AudienceFilter>(grant_->audiences)),
      filter_([audiences = audiences_](const Event& event) {
        return audiences->allows(event.audience);
      }),
      recheck_interval_(recheck_interval),
      queue_(core::limits::websocket_send_queue_max),
      writer_wake_(stream_.get_executor()),
      close_deadline_(stream_.get_executor()),
      recheck_timer_(stream_.get_executor()),
      presence_ttl_(presence_ttl),
      presence_timer_(stream_.get_executor()),
      message_tokens_(core::limits::websocket_client_messages_burst),
      tokens_at_(std::chrono::steady_clock::now()) {}

Awaitable<void> WebSocketSession::run(UpgradeRequest upgrade_request) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = core::limits::websocket_pong_timeout;
  // Beast pings after half the idle time without traffic and drops a peer that is silent
  // for the whole idle time: ping/pong keep-alive with dead-peer detection.
  timeouts.idle_timeout = core::limits::websocket_ping_interval * 2;
  timeouts.keep_alive_pings = true;
  stream_.set_option(timeouts);
  stream_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "roost");
  }));
  stream_.read_message_max(core::limits::websocket_message_bytes_max);
  stream_.text(true);

  boost::system::error_code error;
  co_await stream_.async_accept(upgrade_request, asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return;

  auto self = shared_from_this();
  auto executor = stream_.get_executor();
  std::weak_ptr<WebSocketSession> weak = self;
  // The hello tells the newest event before the subscription: a client resumes from it after
  // a reconnect, and every later event reaches it live (none is both, none neither).
  std::uint64_t newest = 0;
  auto subscription = hub_.subscribe(
      filter_,
      [weak, executor](std::shared_ptr<const Event> event) {
        asio::post(executor, [weak, event] {
          if (auto session = weak.lock()) session->enqueue(encode(*event));
        });
      },
      &newest);
  enqueue(nlohmann::json{{"type", "hello"}, {"last_event_id", newest}}.dump());
  if (grant_->last_event_id) {
    for (const auto& event : hub_.replay(*grant_->last_event_id, filter_)) enqueue(encode(*event));
  }

  asio::co_spawn(executor, write_loop(self), asio::detached);
  if (grant_->recheck) asio::co_spawn(executor, recheck_loop(self), asio::detached);
  if (grant_->leave_presence) asio::co_spawn(executor, presence_loop(self), asio::detached);
  co_await read_loop();
  hub_.unsubscribe(subscription);
  finished_ = true;
  close_deadline_.cancel();
  recheck_timer_.cancel();
  presence_timer_.cancel();
  wake_writer();
  co_await leave_every_presence();
}

Awaitable<void> WebSocketSession::presence_loop(std::shared_ptr<WebSocketSession> self) {
  const auto period = std::max(self->presence_ttl_ / 4, std::chrono::milliseconds(50));
  for (;;) {
    boost::system::error_code error;
    self->presence_timer_.expires_after(period);
    co_await self->presence_timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error || self->finished_) co_return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<services::PresenceSeat> expired;
    for (auto it = self->presences_.begin(); it != self->presences_.end();) {
      if (now - it->second.refreshed < self->presence_ttl_) {
        ++it;
        continue;
      }
      expired.push_back(std::move(it->second.seat));
      it = self->presences_.erase(it);
    }
    for (auto& seat : expired) co_await self->grant_->leave_presence(std::move(seat));
  }
}

Awaitable<void> WebSocketSession::leave_every_presence() {
  auto presences = std::move(presences_);
  presences_.clear();
  if (!grant_->leave_presence) co_return;
  for (auto& [item, tracked] : presences) {
    co_await grant_->leave_presence(std::move(tracked.seat));
  }
}

bool WebSocketSession::take_message_token() {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::duration<double> elapsed = now - tokens_at_;
  tokens_at_ = now;
  message_tokens_ = std::min(
      core::limits::websocket_client_messages_burst,
      message_tokens_ + elapsed.count() * core::limits::websocket_client_messages_per_second);
  if (message_tokens_ < 1.0) return false;
  message_tokens_ -= 1.0;
  return true;
}

void WebSocketSession::send_error(std::string_view code, std::string_view message,
                                  std::optional<core::InboxItemId> item) {
  nlohmann::json error{{"code", std::string(code)}, {"message", std::string(message)}};
  nlohmann::json frame{{"type", "error"}, {"error", std::move(error)}};
  if (item) frame["item_id"] = item->value;
  enqueue(frame.dump());
}

Awaitable<void> WebSocketSession::handle_message(std::string text) {
  if (!take_message_token()) {
    send_error(
        "rate_limited",
        "too many messages: at most " +
            std::to_string(static_cast<int>(core::limits::websocket_client_messages_per_second)) +
            " a second");
    co_return;
  }
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    send_error("invalid_message", "a message is a JSON object");
    co_return;
  }
  auto type = parsed.find("type");
  if (type == parsed.end() || !type->is_string()) {
    send_error("invalid_message", "a message has a string \"type\"");
    co_return;
  }
  if (type->get_ref<const std::string&>() != "presence") {
    send_error("unknown_type", "unknown message type (this server takes \"presence\")");
    co_return;
  }
  auto item = parsed.find("item_id");
  if (item == parsed.end() || !item->is_number_integer() || item->get<std::int64_t>() <= 0) {
    send_error("invalid_message", "item_id must be an inbox item id");
    co_return;
  }
  auto state_field = parsed.find("state");
  std::optional<services::PresenceState> state;
  if (state_field != parsed.end() && state_field->is_string()) {
    state = services::parse_presence_state(state_field->get_ref<const std::string&>());
  }
  const core::InboxItemId item_id{item->get<std::int64_t>()};
  if (!state) {
    send_error("invalid_message", "state must be viewing, replying or left", item_id);
    co_return;
  }
  co_await handle_presence(item_id, *state);
}

Awaitable<void> WebSocketSession::handle_presence(core::InboxItemId item,
                                                  services::PresenceState state) {
  if (!grant_->announce_presence || !grant_->leave_presence) {
    send_error("unsupported", "this stream takes no presence", item);
    co_return;
  }
  auto tracked = presences_.find(item.value);
  if (state == services::PresenceState::left) {
    // Nothing to tell for an item this client never said it was on.
    if (tracked == presences_.end()) co_return;
    auto seat = std::move(tracked->second.seat);
    presences_.erase(tracked);
    co_await grant_->leave_presence(std::move(seat));
    co_return;
  }
  if (tracked == presences_.end() &&
      presences_.size() >= core::limits::presence_items_per_socket_max) {
    send_error("too_many_items",
               "at most " + std::to_string(core::limits::presence_items_per_socket_max) +
                   " items at once: leave one first",
               item);
    co_return;
  }
  // Checked every time: a member who lost the item's profile meanwhile is refused.
  auto seat = co_await grant_->announce_presence(item, state);
  if (!seat && seat.error().code == core::ErrorCode::permission_denied) {
    // Seen, but not allowed in this state (a viewer's "replying", ADR 0032): what the member
    // announced before stands, and only they are told.
    send_error("permission_denied", seat.error().message, item);
    co_return;
  }
  if (!seat) {
    if (auto gone = presences_.find(item.value); gone != presences_.end()) {
      // No longer allowed: the others are told it left, as after a close.
      auto old = std::move(gone->second.seat);
      presences_.erase(gone);
      co_await grant_->leave_presence(std::move(old));
    }
    // An item the member may not see is one that does not exist (as over REST); a database
    // that did not answer is said as such, without its own words.
    const auto& error = seat.error();
    if (error.code == core::ErrorCode::not_found) {
      send_error("not_found", "no such inbox item", item);
    } else if (error.code == core::ErrorCode::invalid_request) {
      send_error("invalid_request", error.message, item);
    } else {
      core::log::warn("presence_not_told", {{"reason", error.message}});
      send_error("unavailable", "presence could not be told now: try again", item);
    }
    co_return;
  }
  if (finished_) {
    co_await grant_->leave_presence(std::move(*seat));
    co_return;
  }
  presences_[item.value] = TrackedPresence{std::move(*seat), std::chrono::steady_clock::now()};
}

Awaitable<void> WebSocketSession::recheck_loop(std::shared_ptr<WebSocketSession> self) {
  for (;;) {
    boost::system::error_code error;
    self->recheck_timer_.expires_after(self->recheck_interval_);
    co_await self->recheck_timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error || self->finished_ || self->close_code_) co_return;
    auto audiences = co_await self->grant_->recheck();
    if (self->finished_ || self->close_code_) co_return;
    if (audiences) {
      self->audiences_->replace(*audiences);
      continue;
    }
    // A database that does not answer keeps the last audiences; a credential or membership
    // that is gone ends the stream.
    if (audiences.error().code == core::ErrorCode::unavailable) continue;
    core::log::info("websocket_grant_revoked", {{"reason", audiences.error().message}});
    self->close(websocket::close_code::policy_error);
    co_return;
  }
}

Awaitable<void> WebSocketSession::read_loop() {
  beast::flat_buffer buffer;
  for (;;) {
    boost::system::error_code error;
    co_await stream_.async_read(buffer, asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return;  // closed by either side, timed out, or too large a message
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    co_await handle_message(std::move(text));
  }
}

Awaitable<void> WebSocketSession::write_loop(std::shared_ptr<WebSocketSession> self) {
  for (;;) {
    boost::system::error_code error;
    if (auto message = self->queue_.pop()) {
      co_await self->stream_.async_write(asio::buffer(*message),
                                         asio::redirect_error(asio::use_awaitable, error));
      if (error) co_return;
      continue;
    }
    if (self->close_code_) {
      co_await self->stream_.async_close(*self->close_code_,
                                         asio::redirect_error(asio::use_awaitable, error));
      co_return;
    }
    if (self->finished_) co_return;
    self->writer_wake_.expires_at(asio::steady_timer::time_point::max());
    co_await self->writer_wake_.async_wait(asio::redirect_error(asio::use_awaitable, error));
  }
}

void WebSocketSession::enqueue(std::string message) {
  if (close_code_ || finished_) return;
  if (!queue_.push(std::move(message))) {
    core::log::warn("websocket_slow_consumer_dropped",
                    {{"queue_max", static_cast<long long>(queue_.capacity())}});
    close(websocket::close_code::try_again_later);
    return;
  }
  wake_writer();
}

void WebSocketSession::close(websocket::close_code code) {
  if (close_code_ || finished_) return;
  close_code_ = code;
  while (queue_.pop()) {
  }
  wake_writer();
  // If the peer does not even drain the write in flight, the close frame cannot go out:
  // cut the connection after a short grace.
  close_deadline_.expires_after(close_handshake_timeout);
  close_deadline_.async_wait([self = shared_from_this()](boost::system::error_code error) {
    if (error) return;
    boost::system::error_code ignored;
    beast::get_lowest_layer(self->stream_).close(ignored);
  });
}

void WebSocketSession::wake_writer() { writer_wake_.cancel(); }

}  // namespace roost::api::ws
