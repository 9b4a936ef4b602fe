#include "api/http/handlers/two_factor_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"

namespace roost::api::http {
namespace {

core::UserId caller(const Request& request) { return core::UserId{*request.actor.user_id}; }
// Session-only routes: the pipeline refused every other credential.
core::SessionId caller_session(const Request& request) {
  return core::SessionId{*request.actor.session_id};
}

Response recovery_codes_response(const std::vector<std::string>& codes) {
  auto response = json_response(200, {{"recovery_codes", codes}});
  response.headers.push_back({"cache-control", "no-store"});
  return response;
}

}  // namespace

void TwoFactorHandlers::register_routes(Router& router) {
  RouteOptions session_only_json = route_options(AuthRequirement::session);
  session_only_json.body = BodyKind::json;
  router.add(
      Method::post, "/api/v1/me/totp", [this](Request r) { return start(std::move(r)); },
      session_only_json);
  router.add(
      Method::post, "/api/v1/me/totp/confirm", [this](Request r) { return confirm(std::move(r)); },
      session_only_json);
  router.add(
      Method::delete_, "/api/v1/me/totp", [this](Request r) { return disable(std::move(r)); },
      session_only_json);
  router.add(
      Method::post, "/api/v1/me/totp/recovery-codes",
      [this](Request r) { return regenerate(std::move(r)); }, session_only_json);
}

Awaitable<Response> TwoFactorHandlers::start(Request request) {
  JsonFields fields(request.json);
  auto password = fields.required_string("password");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, user = caller(request), password = std::move(password)] {
    return two_factor_.start(user, password);
  };
  auto started = co_await blocking_.run(std::move(work));
  if (!started) co_return error_response(started.error());
  auto response =
      json_response(201, {{"secret", started->secret}, {"otpauth_uri", started->otpauth_uri}});
  response.headers.push_back({"cache-control", "no-store"});
  co_return response;
}

Awaitable<Response> TwoFactorHandlers::confirm(Request request) {
  JsonFields fields(request.json);
  auto code = fields.required_string("code");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, user = caller(request), session = caller_session(request),
               code = std::move(code)] { return two_factor_.confirm(user, session, code); };
  auto codes = co_await blocking_.run(std::move(work));
  if (!codes) co_return error_response(codes.error());
  co_return recovery_codes_response(*codes);
}

Awaitable<Response> TwoFactorHandlers::disable(Request request) {
  JsonFields fields(request.json);
  auto password = fields.required_string("password");
  services::SecondFactorProof proof{fields.optional_string("code"),
                                    fields.optional_string("recovery_code")};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, user = caller(request), session = caller_session(request),
               password = std::move(password), proof = std::move(proof)] {
    return two_factor_.disable(user, session, password, proof);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> TwoFactorHandlers::regenerate(Request request) {
  JsonFields fields(request.json);
  auto password = fields.required_string("password");
  services::SecondFactorProof proof{fields.optional_string("code"),
                                    fields.optional_string("recovery_code")};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, user = caller(request), password = std::move(password),
               proof = std::move(proof)] {
    return two_factor_.regenerate_recovery_codes(user, password, proof);
  };
  auto codes = co_await blocking_.run(std::move(work));
  if (!codes) co_return error_response(codes.error());
  co_return recovery_codes_response(*codes);
}

}  // namespace roost::api::http
