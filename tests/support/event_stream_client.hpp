#pragma once

// A test client of the event stream (/api/v1/events) over Beast: the handshake with the
// caller's headers, reading JSON messages (with a time limit), and waiting for the close.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace roost::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// A client of /api/v1/events; `headers` go with the handshake (Cookie, Origin...).
class WebSocketClient {
 public:
  WebSocketClient(unsigned short port, const std::string& target,
                  std::map<std::string, std::string> headers = {})
      : stream_(io_) {
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    stream_.next_layer().connect(endpoint);
    stream_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& r) {
      for (const auto& [name, value] : headers) r.set(name, value);
    }));
    host_ = "127.0.0.1:" + std::to_string(port);
    stream_.handshake(response_, host_, target, error_);
  }
  bool open() const { return !error_; }
  unsigned status() const { return response_.result_int(); }
  nlohmann::json read_json() {
    beast::flat_buffer buffer;
    stream_.read(buffer);
    return nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
  }
  // The next message within `limit`, else nullopt (the connection is then closed: a test
  // that waited in vain is done with it).
  std::optional<nlohmann::json> read_json_within(std::chrono::milliseconds limit) {
    asio::steady_timer give_up(io_, limit);
    bool timed_out = false;
    give_up.async_wait([&](beast::error_code error) {
      if (error) return;
      timed_out = true;
      beast::get_lowest_layer(stream_).close();
    });
    std::optional<nlohmann::json> message;
    beast::flat_buffer buffer;
    stream_.async_read(buffer, [&](beast::error_code error, std::size_t) {
      give_up.cancel();
      if (!error) message = nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
    });
    io_.run();
    io_.restart();
    return timed_out ? std::nullopt : message;
  }
  // Reads until the server closes: its close code; nullopt when `limit` passed first (the
  // client then closes normally, so the connection is done either way).
  std::optional<std::uint16_t> close_code_within(std::chrono::milliseconds limit) {
    asio::steady_timer give_up(io_, limit);
    bool timed_out = false;
    give_up.async_wait([&](beast::error_code error) {
      if (error) return;
      timed_out = true;
      // A close handshake of our own: the read below ends, the server saw nothing wrong.
      stream_.async_close(websocket::close_code::normal, [](beast::error_code) {});
    });
    std::optional<std::uint16_t> code;
    beast::flat_buffer buffer;
    std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code error,
                                                                      std::size_t) {
      if (!error) {
        buffer.consume(buffer.size());
        stream_.async_read(buffer, on_read);
        return;
      }
      if (error == websocket::error::closed) code = stream_.reason().code;
      give_up.cancel();
    };
    stream_.async_read(buffer, on_read);
    io_.run();
    io_.restart();
    return timed_out ? std::nullopt : code;
  }
  websocket::stream<asio::ip::tcp::socket>& stream() { return stream_; }
  asio::io_context& io() { return io_; }
  const std::string& host() const { return host_; }

 private:
  asio::io_context io_;
  websocket::stream<asio::ip::tcp::socket> stream_;
  websocket::response_type response_;
  beast::error_code error_;
  std::string host_;
};

}  // namespace roost::testing
