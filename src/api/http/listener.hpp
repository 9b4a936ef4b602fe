#pragma once

#include "api/http/awaitable.hpp"
#include "api/http/pipeline.hpp"
#include "api/http/server_options.hpp"
#include "api/http/session_registry.hpp"
#include "api/ws/event_hub.hpp"
#include "core/result.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace roost::api::http {

// Accepts connections and starts one HttpSession per connection (on its own strand when
// there are several I/O threads).
class Listener {
 public:
  Listener(boost::asio::io_context& io, const ServerOptions& options, Pipeline& pipeline,
           ws::EventHub& hub, SessionRegistry& sessions);

  // Binds and listens; returns the bound port (useful with port 0).
  core::Result<unsigned short> open();
  Awaitable<void> accept_loop();
  // Stops accepting: new connections are refused from here on. Call on the io_context.
  void close();

 private:
  boost::asio::io_context& io_;
  const ServerOptions& options_;
  Pipeline& pipeline_;
  ws::EventHub& hub_;
  SessionRegistry& sessions_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace roost::api::http
