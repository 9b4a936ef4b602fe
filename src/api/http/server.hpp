#pragma once

#include <atomic>
#include <memory>

#include "api/http/listener.hpp"
#include "api/http/pipeline.hpp"
#include "api/http/server_options.hpp"
#include "api/http/session_registry.hpp"
#include "api/ws/event_hub.hpp"
#include "core/result.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace roost::api::http {

// The HTTP server's lifecycle: listen, run the I/O threads, and on SIGTERM/SIGINT (or
// stop()) shut down gracefully: stop accepting, let in-flight requests finish within the
// grace period, close idle connections and WebSockets (1001), then return from run().
class Server {
 public:
  Server(ServerOptions options, Pipeline& pipeline, ws::EventHub& hub);

  core::Result<unsigned short> listen();
  void run();
  void stop();  // thread-safe

 private:
  void begin_shutdown();
  Awaitable<void> drain();

  ServerOptions options_;
  boost::asio::io_context io_;
  SessionRegistry sessions_;
  Listener listener_;
  boost::asio::signal_set signals_;
  bool shutting_down_ = false;  // touched on the io_context only (signal and stop handlers)
};

}  // namespace roost::api::http
