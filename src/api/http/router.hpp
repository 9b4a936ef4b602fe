#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/awaitable.hpp"
#include "api/http/message.hpp"

namespace roost::api::http {

using Handler = std::function<Awaitable<Response>(Request)>;

enum class BodyKind {
  none,  // the body is ignored
  json,  // the body must be JSON (Content-Type application/json); parsed into Request::json
  raw,   // the body is passed as is (uploads)
};

enum class AuthRequirement {
  none,      // anyone (health, sign-up, login)
  required,  // a valid session or API token; the pipeline answers 401 without one
  // A login session: the caller's own credentials (sessions, tokens, password, 2FA). An API
  // token is refused with 403 manage_credentials.
  session,
  // A login session: the user's affairs beyond any one organization (their notifications,
  // their invitations, creating an organization). An API token, made for one organization,
  // is refused with 403 act_as_user.
  user_session,
};

struct RouteOptions {
  BodyKind body = BodyKind::none;
  bool websocket = false;  // the route upgrades to a WebSocket (handled by api/ws)
  // Serves GET/HEAD of any path outside /api/ that no other route has (the web UI's files
  // and its client-side routes). Its pattern is only a label.
  bool fallback = false;
  // Resolved before the body is parsed: an anonymous request never costs a JSON parse.
  AuthRequirement auth = AuthRequirement::none;
  // The largest body this route takes, in place of the server's --max-body-bytes (0: that
  // limit). For uploads: the limit is applied once the headers say which route it is.
  std::size_t body_bytes_max = 0;
  // A browser navigation (not an API call): without a login, send the browser to the web
  // UI's login page, which comes back here once logged in, instead of answering 401.
  bool login_redirect = false;
};

// The options of a route that asks for `auth` and takes a body of kind `body`.
inline RouteOptions route_options(AuthRequirement auth, BodyKind body = BodyKind::none) {
  RouteOptions options;
  options.auth = auth;
  options.body = body;
  return options;
}

struct Route {
  std::size_t id = 0;  // 1..N in order of registration; 0 is "no route" (for metrics)
  Method method = Method::get;
  std::string pattern;  // e.g. "/api/v1/orgs/{org_id}" — also the metrics label
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;         // null when nothing matched
  bool path_exists = false;             // some route has this path with another method
  std::vector<Method> allowed_methods;  // for 405's Allow header
  std::vector<PathParameter> parameters;
};

// Path patterns are '/'-separated segments, each a literal or a `{parameter}`. A literal
// segment wins over a parameter at the same position, whatever the registration order.
class Router {
 public:
  void add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  RouteMatch match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }
  // The body limit of the route a request goes to, else `server_default`.
  std::size_t body_limit(Method method, std::string_view path, std::size_t server_default) const;
  // The largest body any route takes: the limit while the headers are read.
  std::size_t body_limit_max(std::size_t server_default) const;

 private:
  struct Segment {
    std::string text;
    bool parameter = false;
  };
  struct CompiledRoute {
    std::vector<Segment> segments;
    int literal_count = 0;
  };

  std::vector<Route> routes_;
  std::vector<CompiledRoute> compiled_;
};

}  // namespace roost::api::http
