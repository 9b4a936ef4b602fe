#include "api/http/handlers/template_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view team_templates_path = "/api/v1/orgs/{org_id}/teams/{team_id}/templates";
constexpr std::string_view template_path = "/api/v1/orgs/{org_id}/templates/{template_id}";

nlohmann::json template_json(const storage::TemplateRecord& record) {
  return {{"id", record.id.value},
          {"team_id", record.team.value},
          {"name", record.name},
          {"body", record.body},
          {"created_by", record.created_by ? nlohmann::json(record.created_by->value) : nullptr},
          {"created_at", core::format_utc_ms(record.created_at_ms)},
          {"updated_at", core::format_utc_ms(record.updated_at_ms)}};
}

}  // namespace

void TemplateHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  router.add(
      Method::post, std::string(team_templates_path),
      [this](Request r) { return create(std::move(r)); }, signed_in_json);
  router.add(
      Method::get, std::string(team_templates_path),
      [this](Request r) { return list(std::move(r)); }, signed_in);
  router.add(
      Method::get, std::string(template_path), [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::patch, std::string(template_path), [this](Request r) { return update(std::move(r)); },
      signed_in_json);
  router.add(
      Method::delete_, std::string(template_path),
      [this](Request r) { return remove(std::move(r)); }, signed_in);
}

Awaitable<Response> TemplateHandlers::create(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  JsonFields fields(request.json);
  auto name = fields.required_string("name");
  auto body = fields.required_string("body");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, team = *team, name, body] {
    return templates_.create(caller, org, team, name, body);
  };
  auto created = co_await blocking_.run(std::move(work));
  if (!created) co_return error_response(created.error());
  auto response = json_response(201, template_json(*created));
  response.headers.push_back({"location", "/api/v1/orgs/" + std::to_string(org->value) +
                                              "/templates/" + std::to_string(created->id.value)});
  co_return response;
}

Awaitable<Response> TemplateHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team] {
    return templates_.list(caller, org, team);
  };
  auto templates = co_await blocking_.run(std::move(work));
  if (!templates) co_return error_response(templates.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& record : *templates) list.push_back(template_json(record));
  nlohmann::json body = nlohmann::json::object();
  body["templates"] = std::move(list);
  co_return json_response(200, body);
}

Awaitable<Response> TemplateHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = path_id<core::TemplateId>(request, "template_id");
  if (!id) co_return error_response(not_found("no such template"));
  auto work = [this, caller = caller_of(request), org = *org, id = *id] {
    return templates_.get(caller, org, id);
  };
  auto found = co_await blocking_.run(std::move(work));
  if (!found) co_return error_response(found.error());
  co_return json_response(200, template_json(*found));
}

Awaitable<Response> TemplateHandlers::update(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = path_id<core::TemplateId>(request, "template_id");
  if (!id) co_return error_response(not_found("no such template"));
  JsonFields fields(request.json);
  storage::TemplateChange change{fields.optional_string("name"), fields.optional_string("body")};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, id = *id, change] {
    return templates_.update(caller, org, id, change);
  };
  auto updated = co_await blocking_.run(std::move(work));
  if (!updated) co_return error_response(updated.error());
  co_return json_response(200, template_json(*updated));
}

Awaitable<Response> TemplateHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = path_id<core::TemplateId>(request, "template_id");
  if (!id) co_return error_response(not_found("no such template"));
  auto work = [this, caller = caller_of(request), org = *org, id = *id] {
    return templates_.remove(caller, org, id);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
