#include "api/http/handlers/oauth_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view start_path = "/api/v1/orgs/{org_id}/profiles/oauth";
constexpr std::string_view callback_path = "/oauth/bluesky/callback";
constexpr std::string_view metadata_path = "/oauth/client-metadata.json";
constexpr int http_found = 302;

// The web UI's profiles page of the organization (its home without one), with the outcome
// in the query: ?oauth=connected&profile_id=3, or ?oauth_error=<code>.
Response redirect_to_profiles(const std::string& public_url, const services::OAuthResult& result) {
  std::string location =
      public_url + (result.org ? "/orgs/" + std::to_string(result.org->value) + "/profiles" : "/");
  if (result.error.empty()) {
    location += std::string("?oauth=") + (result.reconnected ? "reconnected" : "connected");
    if (result.profile) location += "&profile_id=" + std::to_string(result.profile->value);
  } else {
    location += "?oauth_error=" + result.error;
  }
  Response response;
  response.status = http_found;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "See " + location + "\n";
  response.headers.push_back({"location", location});
  response.headers.push_back({"cache-control", "no-store"});
  return response;
}

}  // namespace

void OAuthHandlers::register_routes(Router& router) {
  router.add(
      Method::post, std::string(start_path), [this](Request r) { return start(std::move(r)); },
      route_options(AuthRequirement::required, BodyKind::json));
  // A browser navigation from the authorization server: the login session's cookie
  // (SameSite=Lax goes with a top-level GET) says who comes back.
  // Without one (the session expired, or it was opened on another host name than the
  // loopback address the PDS sends the browser back to), the login page first (ADR 0031).
  auto callback_options = route_options(AuthRequirement::session);
  callback_options.login_redirect = true;
  router.add(
      Method::get, std::string(callback_path), [this](Request r) { return callback(std::move(r)); },
      callback_options);
  router.add(
      Method::get, std::string(metadata_path),
      [this](Request r) { return client_metadata(std::move(r)); },
      route_options(AuthRequirement::none));
}

Awaitable<Response> OAuthHandlers::start(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  services::OAuthStartRequest start;
  start.handle = fields.optional_string("handle");
  start.pds_url = fields.optional_string("pds_url");
  auto profile = fields.optional_integer("profile_id");
  if (auto problems = fields.error()) co_return error_response(*problems);
  if (profile) start.profile = core::ProfileId{*profile};
  auto work = [this, caller = caller_of(request), org = *org, start = std::move(start)] {
    return oauth_.start(caller, org, start);
  };
  auto url = co_await blocking_.run(std::move(work));
  if (!url) co_return error_response(url.error());
  co_return json_response(200, {{"authorize_url", *url}});
}

Awaitable<Response> OAuthHandlers::callback(Request request) {
  services::OAuthCallback answer;
  answer.code = request.query_parameter("code").value_or("");
  answer.state = request.query_parameter("state").value_or("");
  answer.iss = request.query_parameter("iss").value_or("");
  answer.error = request.query_parameter("error").value_or("");
  auto work = [this, caller = caller_of(request), answer = std::move(answer)] {
    return oauth_.finish(caller, answer);
  };
  auto result = co_await blocking_.run(std::move(work));
  co_return redirect_to_profiles(outbound_.public_url, result);
}

Awaitable<Response> OAuthHandlers::client_metadata(Request /*request*/) {
  co_return json_response(200, services::oauth_client_metadata(outbound_.public_url));
}

}  // namespace roost::api::http
