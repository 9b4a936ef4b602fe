#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/http/awaitable.hpp"
#include "api/http/pipeline.hpp"
#include "api/http/server_options.hpp"
#include "api/ws/event_hub.hpp"
#include "core/error.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace roost::api::ws {
class WebSocketSession;
}

namespace roost::api::http {

// One client connection: reads requests with header and body deadlines, hands each to
// the pipeline, writes the response, keeps the connection alive or upgrades it to a
// WebSocket. All of it runs on the connection's executor: a strand when there are several
// I/O threads, the io_context itself with one.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, const ServerOptions& options, Pipeline& pipeline,
              ws::EventHub& hub);
  ~HttpSession();

  // The coroutine owns the session through `self` until the connection is done.
  static Awaitable<void> run(std::shared_ptr<HttpSession> self);
  // Graceful shutdown: an idle connection closes now; one mid-request finishes that
  // request and answers it with Connection: close. Must run on the session's executor.
  void begin_shutdown();
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  enum class State { waiting, reading, handling, websocket };

  Awaitable<void> serve();
  Awaitable<bool> read_first_bytes(std::chrono::milliseconds timeout);
  Awaitable<void> reject_and_close(core::Error error);
  Awaitable<void> lingering_close();
  void arm_deadline(std::chrono::milliseconds timeout);
  void disarm_deadline();
  void watch_deadline();

  boost::asio::ip::tcp::socket socket_;
  const ServerOptions& options_;
  Pipeline& pipeline_;
  ws::EventHub& hub_;
  boost::beast::flat_buffer buffer_;
  // One timer per connection, not one per read: deadline_at_ is the current deadline
  // (max when none), the timer wakes at or before it and re-arms itself while the
  // deadline lies ahead. Setting a later deadline touches no timer.
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer::time_point deadline_at_ = boost::asio::steady_timer::time_point::max();
  bool deadline_watched_ = false;  // an async_wait on deadline_ is pending
  std::string remote_address_;
  State state_ = State::waiting;
  bool draining_ = false;
  bool timed_out_ = false;
  std::shared_ptr<ws::WebSocketSession> websocket_;
};

}  // namespace roost::api::http
