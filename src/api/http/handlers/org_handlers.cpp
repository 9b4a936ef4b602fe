#include "api/http/handlers/org_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"

namespace roost::api::http {
namespace {

nlohmann::json organization_json(const services::OrganizationView& organization) {
  return {
      {"id", organization.id.value},
      {"name", organization.name},
      {"role", domain::org_role_name(organization.role)},
      {"plan",
       {{"profile_limit", organization.profile_limit}, {"seat_limit", organization.seat_limit}}},
      {"usage", {{"seats_used", organization.seats_used}}},
      {"logo_url",
       organization.has_logo
           ? nlohmann::json("/api/v1/orgs/" + std::to_string(organization.id.value) + "/logo")
           : nlohmann::json(nullptr)},
      {"created_at", core::format_utc_ms(organization.created_at_ms)},
      {"updated_at", core::format_utc_ms(organization.updated_at_ms)}};
}

}  // namespace

void OrgHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  // Creating an organization is the user's act, not one organization's: no API token.
  RouteOptions user_json = signed_in_json;
  user_json.auth = AuthRequirement::user_session;
  router.add(
      Method::post, "/api/v1/orgs", [this](Request r) { return create(std::move(r)); }, user_json);
  router.add(
      Method::get, "/api/v1/orgs", [this](Request r) { return list(std::move(r)); }, signed_in);
  router.add(
      Method::get, "/api/v1/orgs/{org_id}", [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::patch, "/api/v1/orgs/{org_id}", [this](Request r) { return rename(std::move(r)); },
      signed_in_json);
  router.add(
      Method::delete_, "/api/v1/orgs/{org_id}", [this](Request r) { return remove(std::move(r)); },
      signed_in_json);
  router.add(
      Method::post, "/api/v1/orgs/{org_id}/transfer-ownership",
      [this](Request r) { return transfer_ownership(std::move(r)); }, signed_in_json);
}

Awaitable<Response> OrgHandlers::create(Request request) {
  JsonFields fields(request.json);
  auto name = fields.required_string("name");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), name = std::move(name)] {
    return organizations_.create(caller, name);
  };
  auto created = co_await blocking_.run(std::move(work));
  if (!created) co_return error_response(created.error());
  auto response = json_response(201, organization_json(*created));
  response.headers.push_back({"location", "/api/v1/orgs/" + std::to_string(created->id.value)});
  co_return response;
}

Awaitable<Response> OrgHandlers::list(Request request) {
  auto work = [this, caller = caller_of(request)] { return organizations_.list_mine(caller); };
  auto organizations = co_await blocking_.run(std::move(work));
  if (!organizations) co_return error_response(organizations.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& organization : *organizations) items.push_back(organization_json(organization));
  co_return json_response(200, {{"organizations", std::move(items)}});
}

Awaitable<Response> OrgHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] {
    return organizations_.get(caller, org);
  };
  auto organization = co_await blocking_.run(std::move(work));
  if (!organization) co_return error_response(organization.error());
  co_return json_response(200, organization_json(*organization));
}

Awaitable<Response> OrgHandlers::rename(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  auto name = fields.required_string("name");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, name = std::move(name)] {
    return organizations_.rename(caller, org, name);
  };
  auto renamed = co_await blocking_.run(std::move(work));
  if (!renamed) co_return error_response(renamed.error());
  co_return json_response(200, organization_json(*renamed));
}

Awaitable<Response> OrgHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  auto confirm_name = fields.required_string("confirm_name");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org,
               confirm_name = std::move(confirm_name)] {
    return organizations_.remove(caller, org, confirm_name);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> OrgHandlers::transfer_ownership(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  auto user_id = fields.required_integer("user_id");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, to = core::UserId{user_id}] {
    return organizations_.transfer_ownership(caller, org, to);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
