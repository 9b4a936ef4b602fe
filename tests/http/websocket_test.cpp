// The WebSocket side of the real binary: upgrade, hello, ping/pong, close at shutdown.
#include <signal.h>

#include <utility>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"

namespace roost::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

class WebSocketClient {
 public:
  explicit WebSocketClient(unsigned short port) : stream_(io_) {
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    stream_.next_layer().connect(endpoint);
    stream_.handshake("127.0.0.1", "/api/v1/events");
  }
  nlohmann::json read_json() {
    beast::flat_buffer buffer;
    stream_.read(buffer);
    return nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
  }
  websocket::stream<asio::ip::tcp::socket>& stream() { return stream_; }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  websocket::stream<asio::ip::tcp::socket> stream_;
};

TEST(WebSocket, UpgradeGreetsTheClient) {
  RoostServer server;
  WebSocketClient client(server.port());
  auto hello = client.read_json();
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["last_event_id"], 0);
}

TEST(WebSocket, PingIsAnsweredWithPong) {
  RoostServer server;
  WebSocketClient client(server.port());
  client.read_json();
  auto& socket = client.stream().next_layer();
  asio::steady_timer give_up(client.io(), 5s);
  give_up.async_wait([&](beast::error_code error) {
    if (!error) socket.close();
  });
  bool pong = false;
  client.stream().control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind != websocket::frame_type::pong || payload != "are-you-there") return;
    pong = true;
    give_up.cancel();
    socket.close();  // a cancel would make Beast wait for the server's close handshake
  });
  client.stream().ping("are-you-there");
  // Control frames are delivered while a read is pending.
  beast::flat_buffer buffer;
  client.stream().async_read(buffer, [](beast::error_code, std::size_t) {});
  client.io().run();
  EXPECT_TRUE(pong);
}

TEST(WebSocket, PlainGetOnTheEventsRouteIsRefused) {
  RoostServer server;
  auto response = http_request(server.port(), "GET", "/api/v1/events");
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.json()["error"]["code"], "invalid_request");
}

TEST(WebSocket, ShutdownClosesWithGoingAway) {
  RoostServer server;
  WebSocketClient client(server.port());
  client.read_json();
  server.signal(SIGTERM);
  beast::flat_buffer buffer;
  beast::error_code error;
  client.stream().read(buffer, error);
  EXPECT_EQ(error, websocket::error::closed);
  EXPECT_EQ(client.stream().reason().code, websocket::close_code::going_away);
  auto exit_code = server.wait(10s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0);
}

}  // namespace
}  // namespace roost::testing
