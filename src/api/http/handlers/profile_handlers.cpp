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
constexpr std::string_view reconnect_path = "/api/v1/orgs/{org_id}/profiles/{profile_id}/reconnect";

nlohmann::json profile_json(const storage::ProfileRecord& profile) {
  nlohmann::json owner = nullptr;
  if (profile.owner) owner = profile.owner->value;
  return {{"id", profile.id.value},
          {"network", profile.network},
          {"external_id", profile.external_id},
          {"handle", profile.handle},
          {"display_name", profile.display_name},
          {"avatar_url", profile.avatar_url},
          {"pds_url", profile.service_url},
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

// The settings PATCH: owner_user_id (a member's id, or null for none) and
// requires_confirmation, each optional; at least one.
core::Result<storage::ProfileSettingsChange> parse_settings(const nlohmann::json& body) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid settings");
  storage::ProfileSettingsChange change;
  bool any = false;
  if (auto owner = body.find("owner_user_id"); owner != body.end()) {
    any = true;
    if (owner->is_null()) {
      change.clear_owner = true;
    } else if (owner->is_number_integer()) {
      change.owner = core::UserId{owner->get<std::int64_t>()};
    } else {
      problems.details.push_back({"owner_user_id", "must be a member's user id, or null", 0, 0});
    }
  }
  if (auto confirm = body.find("requires_confirmation"); confirm != body.end()) {
    any = true;
    if (confirm->is_boolean()) {
      change.requires_confirmation = confirm->get<bool>();
    } else {
      problems.details.push_back({"requires_confirmation", "must be true or false", 0, 0});
    }
  }
  if (!any && problems.details.empty()) {
    problems.details.push_back({"", "give owner_user_id, requires_confirmation, or both", 0, 0});
  }
  if (!problems.details.empty()) return problems;
  return change;
}

}  // namespace

void ProfileHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
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
  router.add(
      Method::post, std::string(profiles_path), [this](Request r) { return connect(std::move(r)); },
      signed_in_json);
  router.add(
      Method::post, std::string(reconnect_path),
      [this](Request r) { return reconnect(std::move(r)); }, signed_in_json);
  router.add(
      Method::patch, std::string(profile_path),
      [this](Request r) { return update_settings(std::move(r)); }, signed_in_json);
  router.add(
      Method::delete_, std::string(profile_path),
      [this](Request r) { return remove(std::move(r)); }, signed_in);
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

Awaitable<Response> ProfileHandlers::connect(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  services::ConnectRequest connection;
  connection.network = fields.optional_string("network").value_or(connection.network);
  connection.identifier = fields.required_string("identifier");
  connection.app_password = fields.required_string("app_password");
  connection.pds_url = fields.optional_string("pds_url");
  if (auto problems = fields.error()) co_return error_response(*problems);
  // The sign-in on the network blocks (libcurl): on the blocking executor, like the database.
  auto work = [this, caller = caller_of(request), org = *org, connection = std::move(connection)] {
    return profiles_.connect(caller, org, connection);
  };
  auto connected = co_await blocking_.run(std::move(work));
  if (!connected) co_return error_response(connected.error());
  auto body = profile_json(*connected);
  body["my_level"] = domain::profile_level_name(domain::ProfileLevel::manager);
  co_return json_response(201, body);
}

Awaitable<Response> ProfileHandlers::reconnect(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  JsonFields fields(request.json);
  services::ReconnectRequest connection;
  connection.identifier = fields.optional_string("identifier");
  connection.app_password = fields.required_string("app_password");
  connection.pds_url = fields.optional_string("pds_url");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, profile = *profile,
               connection = std::move(connection)] {
    return profiles_.reconnect(caller, org, profile, connection);
  };
  auto reconnected = co_await blocking_.run(std::move(work));
  if (!reconnected) co_return error_response(reconnected.error());
  co_return json_response(200, profile_json(*reconnected));
}

Awaitable<Response> ProfileHandlers::update_settings(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  auto change = parse_settings(request.json);
  if (!change) co_return error_response(change.error());
  auto work = [this, caller = caller_of(request), org = *org, profile = *profile,
               change = std::move(*change)] {
    return profiles_.update_settings(caller, org, profile, change);
  };
  auto updated = co_await blocking_.run(std::move(work));
  if (!updated) co_return error_response(updated.error());
  co_return json_response(200, profile_json(*updated));
}

Awaitable<Response> ProfileHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  auto work = [this, caller = caller_of(request), org = *org, profile = *profile] {
    return profiles_.remove(caller, org, profile);
  };
  auto removed = co_await blocking_.run(std::move(work));
  if (!removed) co_return error_response(removed.error());
  nlohmann::json posts = nlohmann::json::array();
  for (const auto& post : removed->posts) {
    posts.push_back({{"post_id", post.post.value}, {"cancelled", post.was_cancelled}});
  }
  co_return json_response(200, {{"id", removed->profile.id.value},
                                {"handle", removed->profile.handle},
                                {"posts", std::move(posts)}});
}

}  // namespace roost::api::http
