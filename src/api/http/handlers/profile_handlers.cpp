#include "api/http/handlers/profile_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view profiles_path = "/api/v1/orgs/{org_id}/profiles";
constexpr std::string_view profile_path = "/api/v1/orgs/{org_id}/profiles/{profile_id}";
constexpr std::string_view team_profiles_path = "/api/v1/orgs/{org_id}/teams/{team_id}/profiles";
constexpr std::string_view team_profile_path =
    "/api/v1/orgs/{org_id}/teams/{team_id}/profiles/{profile_id}";
constexpr std::string_view grants_path = "/api/v1/orgs/{org_id}/profile-grants";

nlohmann::json profile_json(const storage::ProfileRecord& profile) {
  nlohmann::json owner = nullptr;
  if (profile.owner) owner = profile.owner->value;
  return {{"id", profile.id.value},
          {"network", profile.network},
          {"external_id", profile.external_id},
          {"handle", profile.handle},
          {"display_name", profile.display_name},
          {"avatar_url", profile.avatar_url},
          {"status", profile.status},
          {"owner_user_id", owner},
          {"requires_confirmation", profile.requires_confirmation},
          {"created_at", core::format_utc_ms(profile.created_at_ms)}};
}

// {"profiles": [...]}, each profile with its level under `level_key` ("my_level": the
// caller's; "level": what a team grants).
nlohmann::json profiles_json(const std::vector<storage::LeveledProfile>& profiles,
                             std::string_view level_key) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& entry : profiles) {
    auto item = profile_json(entry.profile);
    item[std::string(level_key)] = domain::profile_level_name(entry.level);
    items.push_back(std::move(item));
  }
  nlohmann::json body = nlohmann::json::object();
  body["profiles"] = std::move(items);
  return body;
}

constexpr std::string_view level_names = "viewer, limited, publisher or manager";

// {"grants": [{"team_id": 1, "profile_id": 2, "level": "publisher"}, ...]}, every problem
// named by its place ("grants[3].level").
core::Result<std::vector<services::GrantRequest>> parse_grants(const nlohmann::json& body) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid grants");
  std::vector<services::GrantRequest> grants;
  auto list = body.find("grants");
  if (list == body.end() || !list->is_array()) {
    problems.details.push_back(
        {"grants", "must be an array of {team_id, profile_id, level}", 0, 0});
    return problems;
  }
  for (std::size_t index = 0; index < list->size(); ++index) {
    const auto& item = (*list)[index];
    const std::string place = "grants[" + std::to_string(index) + "]";
    if (!item.is_object()) {
      problems.details.push_back({place, "must be an object", 0, 0});
      continue;
    }
    JsonFields fields(item);
    auto team = fields.required_integer("team_id");
    auto profile = fields.required_integer("profile_id");
    auto level_name = fields.required_string("level");
    if (auto error = fields.error()) {
      for (auto& detail : error->details) {
        detail.field = place + "." + detail.field;
        problems.details.push_back(std::move(detail));
      }
      continue;
    }
    auto level = domain::parse_profile_level(level_name);
    if (!level) {
      problems.details.push_back({place + ".level", "must be " + std::string(level_names), 0, 0});
      continue;
    }
    grants.push_back({core::TeamId{team}, core::ProfileId{profile}, *level});
  }
  if (!problems.details.empty()) return problems;
  return grants;
}

}  // namespace

void ProfileHandlers::register_routes(Router& router) {
  RouteOptions signed_in;
  signed_in.auth = AuthRequirement::required;
  RouteOptions signed_in_json = signed_in;
  signed_in_json.body = BodyKind::json;
  router.add(
      Method::get, std::string(profiles_path), [this](Request r) { return list(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(profile_path), [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(team_profiles_path),
      [this](Request r) { return of_team(std::move(r)); }, signed_in);
  router.add(
      Method::put, std::string(team_profile_path),
      [this](Request r) { return set_grant(std::move(r)); }, signed_in_json);
  router.add(
      Method::delete_, std::string(team_profile_path),
      [this](Request r) { return remove_grant(std::move(r)); }, signed_in);
  router.add(
      Method::post, std::string(grants_path),
      [this](Request r) { return set_grants(std::move(r)); }, signed_in_json);
}

Awaitable<Response> ProfileHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] {
    return profiles_.list(caller, org);
  };
  auto views = co_await blocking_.run(std::move(work));
  if (!views) co_return error_response(views.error());
  co_return json_response(200, profiles_json(*views, "my_level"));
}

Awaitable<Response> ProfileHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  auto work = [this, caller = caller_of(request), org = *org, profile = *profile] {
    return profiles_.get(caller, org, profile);
  };
  auto detail = co_await blocking_.run(std::move(work));
  if (!detail) co_return error_response(detail.error());
  auto body = profile_json(detail->view.profile);
  body["my_level"] = domain::profile_level_name(detail->view.level);
  nlohmann::json grants = nlohmann::json::array();
  for (const auto& grant : detail->grants) {
    grants.push_back({{"team_id", grant.team.value},
                      {"team_name", grant.team_name},
                      {"level", domain::profile_level_name(grant.level)},
                      {"granted_at", core::format_utc_ms(grant.granted_at_ms)}});
  }
  body["teams"] = std::move(grants);
  co_return json_response(200, body);
}

Awaitable<Response> ProfileHandlers::of_team(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team] {
    return profiles_.of_team(caller, org, team);
  };
  auto profiles = co_await blocking_.run(std::move(work));
  if (!profiles) co_return error_response(profiles.error());
  co_return json_response(200, profiles_json(*profiles, "level"));
}

Awaitable<Response> ProfileHandlers::set_grant(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  JsonFields fields(request.json);
  auto level_name = fields.required_string("level");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto level = domain::parse_profile_level(level_name);
  if (!level) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid level");
    error.details.push_back({"level", "must be " + std::string(level_names), 0, 0});
    co_return error_response(error);
  }
  std::vector<services::GrantRequest> grants{{*team, *profile, *level}};
  auto work = [this, caller = caller_of(request), org = *org, grants = std::move(grants)] {
    return profiles_.set_grants(caller, org, grants);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return json_response(200, {{"team_id", team->value},
                                {"profile_id", profile->value},
                                {"level", domain::profile_level_name(*level)}});
}

Awaitable<Response> ProfileHandlers::remove_grant(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team, profile = *profile] {
    return profiles_.remove_grant(caller, org, team, profile);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> ProfileHandlers::set_grants(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto grants = parse_grants(request.json);
  if (!grants) co_return error_response(grants.error());
  const std::size_t count = grants->size();
  auto work = [this, caller = caller_of(request), org = *org, grants = std::move(*grants)] {
    return profiles_.set_grants(caller, org, grants);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return json_response(200, {{"applied", count}});
}

}  // namespace roost::api::http
