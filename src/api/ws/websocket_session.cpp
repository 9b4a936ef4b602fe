#include "api/ws/websocket_session.hpp"

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
                                   std::chrono::milliseconds recheck_interval)
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
      recheck_timer_(stream_.get_executor()) {}

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
  auto subscription = hub_.subscribe(filter_, [weak, executor](std::shared_ptr<const Event> event) {
    asio::post(executor, [weak, event] {
      if (auto session = weak.lock()) session->enqueue(encode(*event));
    });
  });
  enqueue(nlohmann::json{{"type", "hello"}, {"last_event_id", grant_->last_event_id.value_or(0)}}
              .dump());
  if (grant_->last_event_id) {
    for (const auto& event : hub_.replay(*grant_->last_event_id, filter_)) enqueue(encode(*event));
  }

  asio::co_spawn(executor, write_loop(self), asio::detached);
  if (grant_->recheck) asio::co_spawn(executor, recheck_loop(self), asio::detached);
  co_await read_loop();
  hub_.unsubscribe(subscription);
  finished_ = true;
  close_deadline_.cancel();
  recheck_timer_.cancel();
  wake_writer();
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
    // Clients have nothing to say yet; later (presence) messages are handled here.
    buffer.consume(buffer.size());
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
