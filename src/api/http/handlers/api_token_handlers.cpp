#include "api/http/handlers/api_token_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"

namespace roost::api::http {
namespace {

nlohmann::json token_json(const services::ApiTokenView& token) {
  return {{"id", token.id.value},
          {"name", token.name},
          {"prefix", token.prefix},
          {"org_id", token.org.value},
          {"created_at", core::format_utc_ms(token.created_at_ms)},
          {"expires_at", optional_time(token.expires_at_ms)},
          {"last_used_at", optional_time(token.last_used_at_ms)},
          {"expired", token.expired}};
}

}  // namespace

void ApiTokenHandlers::register_routes(Router& router) {
  RouteOptions session_only = route_options(AuthRequirement::session);
  RouteOptions session_only_json = route_options(AuthRequirement::session, BodyKind::json);
  router.add(
      Method::post, "/api/v1/me/tokens", [this](Request r) { return create(std::move(r)); },
      session_only_json);
  router.add(
      Method::get, "/api/v1/me/tokens", [this](Request r) { return list(std::move(r)); },
      session_only);
  router.add(
      Method::delete_, "/api/v1/me/tokens/{token_id}",
      [this](Request r) { return revoke(std::move(r)); }, session_only);
}

Awaitable<Response> ApiTokenHandlers::create(Request request) {
  JsonFields fields(request.json);
  services::NewApiTokenRequest token{fields.required_string("name"),
                                     core::OrgId{fields.required_integer("org_id")},
                                     fields.optional_integer("expires_in_days")};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), token = std::move(token)] {
    return tokens_.create(caller, token);
  };
  auto created = co_await blocking_.run(std::move(work));
  if (!created) co_return error_response(created.error());
  auto body = token_json(created->view);
  body["token"] = created->token;
  auto response = json_response(201, body);
  response.headers.push_back({"cache-control", "no-store"});
  co_return response;
}

Awaitable<Response> ApiTokenHandlers::list(Request request) {
  auto work = [this, caller = caller_of(request)] { return tokens_.list(caller); };
  auto tokens = co_await blocking_.run(std::move(work));
  if (!tokens) co_return error_response(tokens.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& token : *tokens) items.push_back(token_json(token));
  co_return json_response(200, {{"tokens", std::move(items)}});
}

Awaitable<Response> ApiTokenHandlers::revoke(Request request) {
  auto id = parse_id(request.path_parameter("token_id"));
  if (!id) {
    co_return error_response(core::make_error(core::ErrorCode::not_found, "no such API token"));
  }
  auto work = [this, caller = caller_of(request), token = core::ApiTokenId{*id}] {
    return tokens_.revoke(caller, token);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
