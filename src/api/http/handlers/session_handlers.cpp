#include "api/http/handlers/session_handlers.hpp"

#include <chrono>

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "api/http/session_cookie.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

nlohmann::json session_json(const services::SessionView& session) {
  return {{"id", session.public_id},
          {"created_at", core::format_utc_ms(session.created_at_ms)},
          {"last_seen_at", core::format_utc_ms(session.last_seen_at_ms)},
          {"expires_at", core::format_utc_ms(session.expires_at_ms)},
          {"user_agent", session.user_agent},
          {"ip", session.ip},
          {"current", session.current}};
}

nlohmann::json user_json(const services::Account& user) {
  return {{"id", user.id.value},
          {"email", user.email},
          {"display_name", user.display_name},
          {"created_at", core::format_utc_ms(user.created_at_ms)},
          {"two_factor_enabled", user.two_factor_enabled}};
}

// The ids of the caller: a route that requires authentication always has both.
core::UserId caller(const Request& request) { return core::UserId{*request.actor.user_id}; }
core::SessionId caller_session(const Request& request) {
  return core::SessionId{*request.actor.session_id};
}

}  // namespace

void SessionHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  // Managing one's sessions and password needs a session: an API token gets 403.
  RouteOptions session_only = route_options(AuthRequirement::session);
  RouteOptions session_only_json = route_options(AuthRequirement::session, BodyKind::json);
  router.add(
      Method::post, "/api/v1/sessions", [this](Request r) { return log_in(std::move(r)); },
      RouteOptions{BodyKind::json});
  router.add(
      Method::get, "/api/v1/sessions", [this](Request r) { return list(std::move(r)); },
      session_only);
  router.add(
      Method::get, "/api/v1/sessions/current", [this](Request r) { return current(std::move(r)); },
      session_only);
  router.add(
      Method::delete_, "/api/v1/sessions/current",
      [this](Request r) { return log_out(std::move(r)); }, session_only);
  router.add(
      Method::delete_, "/api/v1/sessions/{session_id}",
      [this](Request r) { return revoke(std::move(r)); }, session_only);
  router.add(
      Method::get, "/api/v1/me", [this](Request r) { return me(std::move(r)); }, signed_in);
  router.add(
      Method::put, "/api/v1/me/password",
      [this](Request r) { return change_password(std::move(r)); }, session_only_json);
}

Awaitable<Response> SessionHandlers::log_in(Request request) {
  JsonFields fields(request.json);
  services::LogIn log_in{
      fields.required_string("email"),
      fields.required_string("password"),
      std::string(request.header("user-agent").value_or("")),
      request.client_address,
      {fields.optional_string("totp_code"), fields.optional_string("recovery_code")}};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, log_in = std::move(log_in)] { return sessions_.log_in(log_in); };
  auto logged_in = co_await blocking_.run(std::move(work));
  if (!logged_in) co_return error_response(logged_in.error());
  auto response = json_response(201, {{"session", session_json(logged_in->session)},
                                      {"user", user_json(logged_in->user)},
                                      {"csrf_token", logged_in->csrf_token}});
  auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(core::limits::session_absolute_lifetime)
          .count();
  response.headers.push_back(
      {"set-cookie", session_set_cookie(logged_in->token, max_age, request.secure_transport)});
  response.headers.push_back({"cache-control", "no-store"});
  co_return response;
}

Awaitable<Response> SessionHandlers::current(Request request) {
  auto work = [this, user = caller(request), session = caller_session(request)] {
    return sessions_.current(user, session);
  };
  auto current = co_await blocking_.run(std::move(work));
  if (!current) co_return error_response(current.error());
  auto response = json_response(200, {{"session", session_json(current->session)},
                                      {"user", user_json(current->user)},
                                      {"csrf_token", current->csrf_token}});
  response.headers.push_back({"cache-control", "no-store"});
  co_return response;
}

Awaitable<Response> SessionHandlers::log_out(Request request) {
  auto work = [this, session = caller_session(request)] { return sessions_.log_out(session); };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  auto response = no_content();
  response.headers.push_back({"set-cookie", cleared_session_cookie(request.secure_transport)});
  co_return response;
}

Awaitable<Response> SessionHandlers::list(Request request) {
  auto work = [this, user = caller(request), session = caller_session(request)] {
    return sessions_.list(user, session);
  };
  auto sessions = co_await blocking_.run(std::move(work));
  if (!sessions) co_return error_response(sessions.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& session : *sessions) items.push_back(session_json(session));
  co_return json_response(200, {{"sessions", std::move(items)}});
}

Awaitable<Response> SessionHandlers::revoke(Request request) {
  auto work = [this, user = caller(request),
               public_id = std::string(request.path_parameter("session_id").value_or(""))] {
    return sessions_.revoke(user, public_id);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> SessionHandlers::me(Request request) {
  auto work = [this, user = caller(request)] { return sessions_.me(user); };
  auto account = co_await blocking_.run(std::move(work));
  if (!account) co_return error_response(account.error());
  co_return json_response(200, user_json(*account));
}

Awaitable<Response> SessionHandlers::change_password(Request request) {
  JsonFields fields(request.json);
  services::PasswordChange change{fields.required_string("current_password"),
                                  fields.required_string("new_password")};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, user = caller(request), session = caller_session(request),
               change = std::move(change)] {
    return sessions_.change_password(user, session, change);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
