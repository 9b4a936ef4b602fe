#include "api/http/http_session.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "api/http/error_mapper.hpp"
#include "api/ws/websocket_session.hpp"
#include "core/ascii.hpp"
#include "core/limits.hpp"

namespace roost::api::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

// How long and how much a closing connection keeps reading what the client still sends,
// so that the kernel does not answer the unread bytes with a reset that destroys our
// error response before the client reads it.
constexpr std::chrono::milliseconds lingering_close_timeout{2'000};
constexpr std::size_t lingering_close_bytes_max = 1024 * 1024;

core::Error read_error(const error_code& error) {
  if (error == bhttp::error::body_limit) {
    return core::make_error(core::ErrorCode::payload_too_large, "the request body is too large");
  }
  if (error == bhttp::error::header_limit) {
    return core::make_error(core::ErrorCode::headers_too_large,
                            "the request line or headers are too large");
  }
  return core::make_error(core::ErrorCode::malformed_http,
                          "malformed HTTP request: " + error.message());
}

bool is_disconnect(const error_code& error) {
  return error == bhttp::error::end_of_stream || error == bhttp::error::partial_message ||
         error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::operation_aborted || error == asio::error::broken_pipe;
}

// The body limit of the route the request's method and path go to.
std::size_t body_limit_of(const Router& router, const bhttp::request_header<>& header,
                          std::size_t server_default) {
  std::string_view target = header.target();
  auto path = target.substr(0, target.find('?'));
  return router.body_limit(parse_method(header.method_string()), path, server_default);
}

Request make_request(bhttp::request<bhttp::string_body>& message, const std::string& remote) {
  Request request;
  request.method = parse_method(message.method_string());
  request.target = std::string(message.target());
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  request.headers.reserve(8);
  for (const auto& field : message) {
    request.headers.push_back({core::ascii_lower(field.name_string()), std::string(field.value())});
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  request.request_id = choose_request_id(request);
  return request;
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, const ServerOptions& options,
                         Pipeline& pipeline, ws::EventHub& hub)
    : socket_(std::move(socket)),
      options_(options),
      pipeline_(pipeline),
      hub_(hub),
      deadline_(socket_.get_executor()) {
  error_code error;
  auto endpoint = socket_.remote_endpoint(error);
  remote_address_ = error ? std::string("unknown") : endpoint.address().to_string();
  pipeline_.metrics().connection_opened();
}

HttpSession::~HttpSession() { pipeline_.metrics().connection_closed(); }

void HttpSession::arm_deadline(std::chrono::milliseconds timeout) {
  timed_out_ = false;
  deadline_at_ = asio::steady_timer::clock_type::now() + timeout;
  // A pending wake-up at or before the new deadline will find it and wait on; an earlier
  // deadline than the pending wake-up moves the timer.
  if (deadline_watched_ && deadline_.expiry() <= deadline_at_) return;
  deadline_.expires_at(deadline_at_);
  watch_deadline();
}

void HttpSession::disarm_deadline() { deadline_at_ = asio::steady_timer::time_point::max(); }

void HttpSession::watch_deadline() {
  deadline_watched_ = true;
  deadline_.async_wait([weak = weak_from_this()](error_code error) {
    auto self = weak.lock();
    if (!self) return;
    // Cancelled: the timer was moved to an earlier deadline, which has its own wait.
    if (error == asio::error::operation_aborted) return;
    self->deadline_watched_ = false;
    if (self->deadline_at_ == asio::steady_timer::time_point::max()) return;
    if (self->deadline_at_ > asio::steady_timer::clock_type::now()) {
      // The deadline was pushed back since this wake-up was set: wait for the new one.
      self->deadline_.expires_at(self->deadline_at_);
      self->watch_deadline();
      return;
    }
    self->deadline_at_ = asio::steady_timer::time_point::max();
    self->timed_out_ = true;
    error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void HttpSession::begin_shutdown() {
  draining_ = true;
  if (state_ == State::waiting) {
    error_code ignored;
    socket_.cancel(ignored);
  } else if (state_ == State::websocket && websocket_) {
    websocket_->close(beast::websocket::close_code::going_away);
  }
}

// Reads whatever the client sends first into the buffer (rather than waiting for
// readability, then reading): one speculative read, no extra trip through the reactor.
Awaitable<bool> HttpSession::read_first_bytes(std::chrono::milliseconds timeout) {
  error_code error;
  arm_deadline(timeout);
  auto space = buffer_.prepare(beast::read_size(buffer_, core::limits::request_header_bytes_max));
  std::size_t received =
      co_await socket_.async_read_some(space, asio::redirect_error(asio::use_awaitable, error));
  buffer_.commit(received);
  disarm_deadline();
  co_return !error && !timed_out_ && !draining_;
}

Awaitable<void> HttpSession::lingering_close() {
  error_code error;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, error);
  std::array<char, 16 * 1024> discard{};
  std::size_t discarded = 0;
  arm_deadline(lingering_close_timeout);
  while (!error && !timed_out_ && discarded < lingering_close_bytes_max) {
    discarded += co_await socket_.async_read_some(asio::buffer(discard),
                                                  asio::redirect_error(asio::use_awaitable, error));
  }
  disarm_deadline();
  socket_.close(error);
}

Awaitable<void> HttpSession::reject_and_close(core::Error error) {
  Response body = error_response(error);
  pipeline_.record_rejection(body.status, remote_address_, error.message);
  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(body.status), 11};
  response.set(bhttp::field::server, "roost");
  response.set(bhttp::field::content_type, body.content_type);
  response.keep_alive(false);
  response.body() = std::move(body.body);
  response.prepare_payload();
  error_code write_error;
  arm_deadline(core::limits::response_write_timeout);
  co_await bhttp::async_write(socket_, response,
                              asio::redirect_error(asio::use_awaitable, write_error));
  disarm_deadline();
  co_await lingering_close();
}

Awaitable<void> HttpSession::run(std::shared_ptr<HttpSession> self) { co_await self->serve(); }

Awaitable<void> HttpSession::serve() {
  bool first_request = true;
  for (;;) {
    if (buffer_.size() == 0) {
      state_ = State::waiting;
      if (draining_) break;
      auto timeout = first_request ? options_.header_timeout : options_.idle_timeout;
      if (!co_await read_first_bytes(timeout)) break;
    }
    first_request = false;
    state_ = State::reading;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(core::limits::request_header_bytes_max);
    // While the headers are read, the largest limit of any route (Beast checks a
    // Content-Length against it there); once they say which route it is, that route's.
    parser.body_limit(pipeline_.router().body_limit_max(options_.body_bytes_max));
    error_code error;
    arm_deadline(options_.header_timeout);
    co_await bhttp::async_read_header(socket_, buffer_, parser,
                                      asio::redirect_error(asio::use_awaitable, error));
    if (!error && !timed_out_ && !parser.is_done()) {
      auto route_limit = body_limit_of(pipeline_.router(), parser.get(), options_.body_bytes_max);
      if (parser.content_length() && *parser.content_length() > route_limit) {
        disarm_deadline();
        co_await reject_and_close(read_error(bhttp::error::body_limit));
        co_return;
      }
      parser.body_limit(route_limit);
      if (parser.get()[bhttp::field::expect] == "100-continue") {
        bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_,
                                                   parser.get().version()};
        co_await bhttp::async_write(socket_, proceed,
                                    asio::redirect_error(asio::use_awaitable, error));
      }
      arm_deadline(options_.body_timeout);
      co_await bhttp::async_read(socket_, buffer_, parser,
                                 asio::redirect_error(asio::use_awaitable, error));
    }
    disarm_deadline();
    if (timed_out_) {
      co_await reject_and_close(core::make_error(core::ErrorCode::request_timeout,
                                                 "the request was not received in time"));
      co_return;
    }
    if (error) {
      if (!is_disconnect(error)) co_await reject_and_close(read_error(error));
      co_return;
    }

    auto message = parser.release();
    bool websocket_upgrade = beast::websocket::is_upgrade(message);
    bool keep_alive = message.keep_alive();
    Request request = make_request(message, remote_address_);
    bool head = request.method == Method::head;
    RequestSummary summary{request.method, request.target, request.request_id, remote_address_};
    auto started = std::chrono::steady_clock::now();
    state_ = State::handling;
    DispatchOutcome outcome = co_await pipeline_.dispatch(std::move(request), websocket_upgrade);

    if (outcome.upgrade_websocket) {
      outcome.response.status = 101;
      pipeline_.finish(summary, outcome, started, 0);
      state_ = State::websocket;
      websocket_ = std::make_shared<ws::WebSocketSession>(
          std::move(socket_), hub_, std::move(outcome.response.event_grant),
          options_.events_recheck_interval, options_.presence_ttl);
      if (draining_) websocket_->close(beast::websocket::close_code::going_away);
      co_await websocket_->run(std::move(message));
      co_return;
    }

    auto& result = outcome.response;
    bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(result.status),
                                                 message.version()};
    response.set(bhttp::field::server, "roost");
    response.set(bhttp::field::content_type, result.content_type);
    response.set("X-Request-Id", summary.request_id);
    for (const auto& header : result.headers) response.set(header.name, header.value);
    bool keep = keep_alive && !draining_;
    response.keep_alive(keep);
    std::size_t body_bytes = result.body.size();
    if (head) {
      response.content_length(body_bytes);
    } else {
      response.body() = std::move(result.body);
      response.prepare_payload();
    }
    arm_deadline(core::limits::response_write_timeout);
    co_await bhttp::async_write(socket_, response,
                                asio::redirect_error(asio::use_awaitable, error));
    disarm_deadline();
    pipeline_.finish(summary, outcome, started, body_bytes);
    if (error || !keep) break;
  }
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

}  // namespace roost::api::http
