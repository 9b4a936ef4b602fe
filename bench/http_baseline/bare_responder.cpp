// bench_bare_responder: the "limit of the stack" for bench/http_baseline/run.sh.
//
// A minimal HTTP/1.1 server on the same Boost.Beast/Asio as roost, built with the same
// flags: one io thread, one coroutine per connection (no strand: there is one thread),
// a flat_buffer reused across the requests of a connection, a new request parser per
// request (with roost's header and body limits), keep-alive, and a response built and
// serialized per request like any real server does: status 200, Server, Content-Type
// application/json, Content-Length and the constant body {"status":"ok"}.
//
// What it leaves out, compared with roost: routing, the request/response model, request
// ids, JSON encoding, metrics, the access log, the per-request deadlines and the
// connection registry. The difference between the two is what those cost.
//
//   bench_bare_responder [--port N] [--body-file PATH]   (port 0: any free; loopback only)
//
// Prints `listening on http://127.0.0.1:PORT` once ready; stops on SIGINT/SIGTERM.

// Boost 1.74's asio needs <utility> before its awaitable header with g++ 12.
#include <utility>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fstream>
#include <iterator>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

// The same limits as roost (src/core/limits.hpp), so that the parser does the same checks.
constexpr std::size_t header_bytes_max = 16 * 1024;
constexpr std::size_t body_bytes_max = 1 * 1024 * 1024;
constexpr std::string_view default_body = R"({"status":"ok"})";
// What every response carries: default_body, or the file given with --body-file (the
// identity benchmark serves a member list of the same bytes as roost's, so that the two
// compare the work around the payload, not the payload's size).
std::string response_body(default_body);

asio::awaitable<void> serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  for (;;) {
    error_code error;
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_bytes_max);
    parser.body_limit(body_bytes_max);
    co_await http::async_read(socket, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, error));
    if (error) break;  // end of stream, reset or a malformed request: just close

    const auto& request = parser.get();
    bool keep_alive = request.keep_alive();
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::server, "bare");
    response.set(http::field::content_type, "application/json");
    response.keep_alive(keep_alive);
    if (request.method() == http::verb::head) {
      response.content_length(response_body.size());
    } else {
      response.body() = response_body;
      response.prepare_payload();
    }
    co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, error));
    if (error || !keep_alive) break;
  }
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
  for (;;) {
    error_code error;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (error) continue;  // EMFILE and friends: keep the connections we have
    socket.set_option(tcp::no_delay(true), error);  // as roost's listener does
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
  }
}

int usage() {
  std::cerr << "usage: bench_bare_responder [--port N] [--body-file PATH]\n"
               "  N in 0..65535 (0: any free port); PATH: the body of every response\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long port = 0;
  for (int index = 1; index < argc; ++index) {
    std::string_view argument = argv[index];
    std::string value;
    if (argument == "--body-file" && index + 1 < argc) {
      std::ifstream file(argv[++index], std::ios::binary);
      if (!file) return usage();
      response_body.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
      continue;
    }
    if (argument == "--port" && index + 1 < argc) {
      value = argv[++index];
    } else if (argument.starts_with("--port=")) {
      value = std::string(argument.substr(7));
    } else {
      return usage();
    }
    char* end = nullptr;
    port = std::strtoul(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || port > 65535) return usage();
  }

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
  error_code error;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    std::cerr << "bench_bare_responder: cannot listen on 127.0.0.1:" << port << ": "
              << error.message() << "\n";
    return 1;
  }

  asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&io](error_code, int) { io.stop(); });
  asio::co_spawn(io, accept_loop(acceptor), asio::detached);

  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  io.run();
  return 0;
}
