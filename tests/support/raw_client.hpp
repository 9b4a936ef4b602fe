#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

// A deliberately low-level HTTP client for scenario tests: it sends exactly the bytes it
// is given (malformed, partial, slow) and parses what comes back.
namespace roost::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower case
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string{} : found->second;
  }
};

class RawClient {
 public:
  explicit RawClient(unsigned short port);  // throws if it cannot connect
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(const std::string& bytes);
  // Reads one response; nullopt if the connection closed or nothing came in time.
  // For a response to HEAD pass head = true: it has a Content-Length but no body.
  std::optional<HttpResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head = false);
  // True when the server closed the connection (read returns 0 or a reset) in time.
  bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

// Can a TCP connection to 127.0.0.1:port be opened now?
bool can_connect(unsigned short port);

// One request on a fresh connection.
HttpResponse http_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& body = {},
                          const std::map<std::string, std::string>& headers = {});

}  // namespace roost::testing
