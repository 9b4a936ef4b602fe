#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "authz/policy.hpp"

// The request and response as handlers see them: plain values, no Beast types, so that
// handlers compile fast and can be tested without a socket.
namespace roost::api::ws {
struct EventGrant;
}

namespace roost::api::http {

enum class Method { get, head, post, put, patch, delete_, options, other };
std::string_view method_name(Method method);
Method parse_method(std::string_view name);

struct Header {
  std::string name;  // lower case
  std::string value;
};

struct PathParameter {
  std::string name;
  std::string value;
};

struct Request {
  Method method = Method::get;
  std::string target;  // as sent: path and query
  std::string path;    // the target before '?'
  std::string query;   // the target after '?', without it
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;
  std::string request_id;
  // Filled by the pipeline: the client's address (X-Forwarded-For's last hop when the
  // proxy is trusted, else the peer), whether it reached us over TLS, and who it is.
  std::string client_address;
  bool secure_transport = false;
  authz::Actor actor;
  std::vector<PathParameter> path_parameters;  // filled by the router
  nlohmann::json json;                         // the parsed body, for routes that take JSON

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> path_parameter(std::string_view name) const;
  std::optional<std::string> query_parameter(std::string_view name) const;
  // Every value of a repeated query parameter ("?profile=1&profile=2"), in order.
  std::vector<std::string> query_parameters(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<Header> headers;
  // Set by the WebSocket route that accepted the upgrade: what the client may receive.
  std::shared_ptr<ws::EventGrant> event_grant;
};

Response json_response(int status, const nlohmann::json& body);

}  // namespace roost::api::http
