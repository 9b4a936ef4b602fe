#include "api/http/handlers/org_logo_handlers.hpp"

#include "api/http/error_mapper.hpp"
#include "api/http/etag.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

std::string logo_url(core::OrgId org) {
  return "/api/v1/orgs/" + std::to_string(org.value) + "/logo";
}

// The headers of a logo response, 200 and 304 alike: members only, never sniffed as
// anything but the type we sniffed.
void add_logo_headers(Response& response, const std::string& etag) {
  response.headers.push_back({"etag", etag});
  response.headers.push_back({"cache-control", "private, no-cache"});
  response.headers.push_back({"x-content-type-options", "nosniff"});
}

}  // namespace

void OrgLogoHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions upload = route_options(AuthRequirement::required, BodyKind::raw);
  upload.body_bytes_max = core::limits::org_logo_bytes_max;
  router.add(
      Method::put, "/api/v1/orgs/{org_id}/logo", [this](Request r) { return put(std::move(r)); },
      upload);
  router.add(
      Method::get, "/api/v1/orgs/{org_id}/logo", [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::delete_, "/api/v1/orgs/{org_id}/logo",
      [this](Request r) { return remove(std::move(r)); }, signed_in);
}

Awaitable<Response> OrgLogoHandlers::put(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org, body = std::move(request.body)] {
    return logos_.put(caller, org, body);
  };
  auto stored = co_await blocking_.run(std::move(work));
  if (!stored) co_return error_response(stored.error());
  auto response = json_response(200, {{"logo_url", logo_url(*org)},
                                      {"media_type", stored->media_type},
                                      {"bytes", stored->bytes.bytes.size()},
                                      {"etag", stored->etag},
                                      {"updated_at", core::format_utc_ms(stored->updated_at_ms)}});
  response.headers.push_back({"etag", stored->etag});
  co_return response;
}

Awaitable<Response> OrgLogoHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] { return logos_.get(caller, org); };
  auto logo = co_await blocking_.run(std::move(work));
  if (!logo) co_return error_response(logo.error());
  Response response;
  add_logo_headers(response, logo->etag);
  if (if_none_match_matches(request.header("if-none-match"), logo->etag)) {
    response.status = 304;
    response.content_type = logo->media_type;
    co_return response;
  }
  response.status = 200;
  response.content_type = logo->media_type;
  response.body.assign(logo->bytes.bytes.begin(), logo->bytes.bytes.end());
  co_return response;
}

Awaitable<Response> OrgLogoHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] {
    return logos_.remove(caller, org);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
