#include "api/http/handlers/team_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view teams_path = "/api/v1/orgs/{org_id}/teams";
constexpr std::string_view team_path = "/api/v1/orgs/{org_id}/teams/{team_id}";
constexpr std::string_view team_member_path =
    "/api/v1/orgs/{org_id}/teams/{team_id}/members/{user_id}";

nlohmann::json team_json(const services::TeamView& team) {
  return {{"id", team.id.value},
          {"name", team.name},
          {"created_at", core::format_utc_ms(team.created_at_ms)}};
}

nlohmann::json team_member_json(const services::TeamMemberView& member) {
  return {{"user_id", member.user.value},
          {"email", member.email},
          {"display_name", member.display_name},
          {"team_role", domain::team_role_name(member.role)},
          {"added_at", core::format_utc_ms(member.added_at_ms)}};
}

}  // namespace

void TeamHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  router.add(
      Method::post, std::string(teams_path), [this](Request r) { return create(std::move(r)); },
      signed_in_json);
  router.add(
      Method::get, std::string(teams_path), [this](Request r) { return list(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(team_path), [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::patch, std::string(team_path), [this](Request r) { return rename(std::move(r)); },
      signed_in_json);
  router.add(
      Method::delete_, std::string(team_path), [this](Request r) { return remove(std::move(r)); },
      signed_in);
  router.add(
      Method::put, std::string(team_member_path),
      [this](Request r) { return set_member(std::move(r)); }, signed_in_json);
  router.add(
      Method::delete_, std::string(team_member_path),
      [this](Request r) { return remove_member(std::move(r)); }, signed_in);
}

Awaitable<Response> TeamHandlers::create(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  auto name = fields.required_string("name");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, name] {
    return teams_.create(caller, org, name);
  };
  auto created = co_await blocking_.run(std::move(work));
  if (!created) co_return error_response(created.error());
  auto response = json_response(201, team_json(*created));
  response.headers.push_back({"location", "/api/v1/orgs/" + std::to_string(org->value) + "/teams/" +
                                              std::to_string(created->id.value)});
  co_return response;
}

Awaitable<Response> TeamHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] { return teams_.list(caller, org); };
  auto teams = co_await blocking_.run(std::move(work));
  if (!teams) co_return error_response(teams.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& team : *teams) items.push_back(team_json(team));
  nlohmann::json body = nlohmann::json::object();
  body["teams"] = std::move(items);
  co_return json_response(200, body);
}

Awaitable<Response> TeamHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team] {
    return teams_.get(caller, org, team);
  };
  auto detail = co_await blocking_.run(std::move(work));
  if (!detail) co_return error_response(detail.error());
  auto body = team_json(detail->team);
  nlohmann::json members = nlohmann::json::array();
  for (const auto& member : detail->members) members.push_back(team_member_json(member));
  body["members"] = std::move(members);
  co_return json_response(200, body);
}

Awaitable<Response> TeamHandlers::rename(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  JsonFields fields(request.json);
  auto name = fields.required_string("name");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, team = *team, name] {
    return teams_.rename(caller, org, team, name);
  };
  auto renamed = co_await blocking_.run(std::move(work));
  if (!renamed) co_return error_response(renamed.error());
  co_return json_response(200, team_json(*renamed));
}

Awaitable<Response> TeamHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team] {
    return teams_.remove(caller, org, team);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> TeamHandlers::set_member(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto user = path_id<core::UserId>(request, "user_id");
  if (!user) co_return error_response(invalid_field("user_id", "is not a user id"));
  JsonFields fields(request.json);
  auto role_name = fields.required_string("team_role");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto role = domain::parse_team_role(role_name);
  if (!role) co_return error_response(invalid_field("team_role", "must be team_admin or member"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team, user = *user,
               role = *role] { return teams_.set_member(caller, org, team, user, role); };
  auto member = co_await blocking_.run(std::move(work));
  if (!member) co_return error_response(member.error());
  co_return json_response(200, team_member_json(*member));
}

Awaitable<Response> TeamHandlers::remove_member(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto user = path_id<core::UserId>(request, "user_id");
  if (!user) co_return error_response(not_found("no such member of this team"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team, user = *user] {
    return teams_.remove_member(caller, org, team, user);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
