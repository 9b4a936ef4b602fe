#include "api/http/server.hpp"

#include <csignal>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/http/http_session.hpp"
#include "core/log.hpp"

namespace roost::api::http {

namespace asio = boost::asio;

namespace {
constexpr std::chrono::milliseconds drain_poll_interval{10};
}

Server::Server(ServerOptions options, Pipeline& pipeline, ws::EventHub& hub)
    : options_(std::move(options)),
      io_(options_.io_threads),
      listener_(io_, options_, pipeline, hub, sessions_),
      signals_(io_, SIGTERM, SIGINT) {}

core::Result<unsigned short> Server::listen() { return listener_.open(); }

void Server::run() {
  signals_.async_wait([this](boost::system::error_code error, int signal_number) {
    if (error) return;
    core::log::info("signal_received", {{"signal", signal_number}});
    begin_shutdown();
    // A second signal while draining stops at once.
    signals_.async_wait([this](boost::system::error_code second, int) {
      if (!second) io_.stop();
    });
  });
  asio::co_spawn(io_, listener_.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (int index = 1; index < options_.io_threads; ++index) {
    threads.emplace_back([this] { io_.run(); });
  }
  io_.run();
  for (auto& thread : threads) thread.join();
}

void Server::stop() {
  asio::post(io_, [this] { begin_shutdown(); });
}

void Server::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  core::log::info("shutdown_started", {{"connections", static_cast<long long>(sessions_.size())}});
  listener_.close();
  sessions_.for_each([](std::shared_ptr<HttpSession> session) {
    auto executor = session->executor();
    asio::post(executor, [session = std::move(session)] { session->begin_shutdown(); });
  });
  asio::co_spawn(io_, drain(), asio::detached);
}

Awaitable<void> Server::drain() {
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  asio::steady_timer timer(io_);
  while (sessions_.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(drain_poll_interval);
    co_await timer.async_wait(asio::use_awaitable);
  }
  core::log::info("shutdown_finished",
                  {{"connections_cut", static_cast<long long>(sessions_.size())}});
  signals_.cancel();
  io_.stop();
}

}  // namespace roost::api::http
