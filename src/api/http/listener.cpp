#include "api/http/listener.hpp"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/http/http_session.hpp"
#include "core/log.hpp"

namespace roost::api::http {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, const ServerOptions& options, Pipeline& pipeline,
                   ws::EventHub& hub, SessionRegistry& sessions)
    : io_(io),
      options_(options),
      pipeline_(pipeline),
      hub_(hub),
      sessions_(sessions),
      acceptor_(io) {}

core::Result<unsigned short> Listener::open() {
  boost::system::error_code error;
  auto address = asio::ip::make_address(options_.address, error);
  if (error) {
    return core::make_error(
        core::ErrorCode::configuration_error,
        fmt::format("listen address '{}' is not an IP address", options_.address));
  }
  tcp::endpoint endpoint{address, options_.port};
  auto fail = [&](std::string_view step) {
    return core::make_error(core::ErrorCode::configuration_error,
                            fmt::format("cannot listen on {}:{} ({}: {})", options_.address,
                                        options_.port, step, error.message()));
  };
  acceptor_.open(endpoint.protocol(), error);
  if (error) return fail("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  acceptor_.bind(endpoint, error);
  if (error) return fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) return fail("listen");
  return acceptor_.local_endpoint().port();
}

Awaitable<void> Listener::accept_loop() {
  for (;;) {
    boost::system::error_code error;
    tcp::socket socket(io_);
    if (options_.io_threads > 1) {
      socket = co_await acceptor_.async_accept(asio::make_strand(io_),
                                               asio::redirect_error(asio::use_awaitable, error));
    } else {
      // One I/O thread runs every handler in turn: a strand would protect nothing, and
      // (an executor too big for any_io_executor's inline storage) it costs a dozen heap
      // allocations per request.
      socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, error));
    }
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (error) {
      // EMFILE and friends: keep serving the connections we have, retry the accept.
      core::log::warn("accept_failed", {{"error", error.message()}});
      continue;
    }
    socket.set_option(tcp::no_delay(true), error);
    auto session = std::make_shared<HttpSession>(std::move(socket), options_, pipeline_, hub_);
    sessions_.add(session);
    auto executor = session->executor();
    asio::co_spawn(executor, HttpSession::run(session),
                   [this, raw = session.get()](std::exception_ptr exception) {
                     sessions_.remove(raw);
                     if (!exception) return;
                     try {
                       std::rethrow_exception(exception);
                     } catch (const std::exception& what) {
                       core::log::error("session_exception", {{"what", what.what()}});
                     }
                   });
  }
}

void Listener::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace roost::api::http
