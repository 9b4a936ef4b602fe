#include "api/http/handlers/invitation_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view org_invitations_path = "/api/v1/orgs/{org_id}/invitations";
constexpr std::string_view org_invitation_path =
    "/api/v1/orgs/{org_id}/invitations/{invitation_id}";
constexpr std::string_view org_invitation_link_path =
    "/api/v1/orgs/{org_id}/invitations/{invitation_id}/link";
constexpr std::string_view my_invitations_path = "/api/v1/me/invitations";
constexpr std::string_view my_invitation_accept_path =
    "/api/v1/me/invitations/{invitation_id}/accept";
constexpr std::string_view my_invitation_decline_path =
    "/api/v1/me/invitations/{invitation_id}/decline";
constexpr std::string_view token_path = "/api/v1/invitations/{token}";
constexpr std::string_view token_accept_path = "/api/v1/invitations/{token}/accept";
constexpr std::string_view token_decline_path = "/api/v1/invitations/{token}/decline";
constexpr std::string_view member_imports_path = "/api/v1/orgs/{org_id}/member-imports";

nlohmann::json invitation_json(const services::InvitationView& view) {
  const auto& invitation = view.invitation;
  nlohmann::json teams = nlohmann::json::array();
  for (const auto& team : invitation.teams) {
    teams.push_back({{"id", team.id.value}, {"name", team.name}});
  }
  return {{"id", invitation.id},
          {"org_id", invitation.org.value},
          {"org_name", invitation.org_name},
          {"email", invitation.email},
          {"role", domain::org_role_name(invitation.role)},
          {"status", storage::invitation_status_name(view.status)},
          {"invited_by",
           {{"user_id", invitation.invited_by ? nlohmann::json(invitation.invited_by->value)
                                              : nlohmann::json(nullptr)},
            {"display_name", invitation.inviter_name}}},
          {"full_name", invitation.full_name},
          {"job_title", invitation.job_title},
          {"teams", std::move(teams)},
          {"created_at", core::format_utc_ms(invitation.created_at_ms)},
          {"expires_at", core::format_utc_ms(invitation.expires_at_ms)},
          {"answered_at", optional_time(invitation.answered_at_ms)}};
}

// What the link's landing page shows: no more than the link's holder already knows.
nlohmann::json preview_json(const services::InvitationView& view) {
  const auto& invitation = view.invitation;
  return {{"org_name", invitation.org_name},
          {"invited_by", invitation.inviter_name},
          {"email", invitation.email},
          {"role", domain::org_role_name(invitation.role)},
          {"status", storage::invitation_status_name(view.status)},
          {"expires_at", core::format_utc_ms(invitation.expires_at_ms)}};
}

nlohmann::json issued_json(const services::IssuedInvitation& issued) {
  auto body = invitation_json(issued.view);
  body["invite_url"] = issued.invite_url;
  return body;
}

nlohmann::json list_json(const std::vector<services::InvitationView>& views) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& view : views) items.push_back(invitation_json(view));
  nlohmann::json body = nlohmann::json::object();
  body["invitations"] = std::move(items);
  return body;
}

nlohmann::json detail_json(const core::ErrorDetail& detail) {
  nlohmann::json item = {{"message", detail.message}};
  if (!detail.field.empty()) item["field"] = detail.field;
  if (detail.line > 0) item["line"] = detail.line;
  if (detail.column > 0) item["column"] = detail.column;
  return item;
}

nlohmann::json report_json(const services::ImportReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  std::size_t ok_rows = 0;
  for (const auto& row : report.rows) {
    nlohmann::json item = {{"line", row.line},
                           {"email", row.email},
                           {"status", row.problems.empty() ? "ok" : "error"}};
    if (row.problems.empty()) {
      ++ok_rows;
      item["role"] = domain::org_role_name(row.role);
      item["teams"] = row.teams;
    } else {
      nlohmann::json errors = nlohmann::json::array();
      for (const auto& detail : row.problems) errors.push_back(detail_json(detail));
      item["errors"] = std::move(errors);
    }
    if (row.invitation_id) {
      item["invitation_id"] = *row.invitation_id;
      item["invite_url"] = row.invite_url;
    }
    rows.push_back(std::move(item));
  }
  nlohmann::json body = {{"dry_run", report.dry_run},
                         {"applied", report.applied},
                         {"rows_total", report.rows.size()},
                         {"rows_ok", ok_rows},
                         {"rows_with_errors", report.rows.size() - ok_rows},
                         {"teams_created", report.teams_created},
                         {"seats", {{"used", report.seats_used}, {"limit", report.seat_limit}}},
                         {"seat_limit_error", nullptr},
                         {"rows", std::move(rows)}};
  if (report.seat_problem) body["seat_limit_error"] = report.seat_problem->message;
  return body;
}

std::optional<std::int64_t> invitation_id_of(const Request& request) {
  return parse_id(request.path_parameter("invitation_id"));
}

std::string token_of(const Request& request) {
  auto token = request.path_parameter("token");
  return token ? std::string(*token) : std::string();
}

// The optional "teams" field: an array of team ids.
core::Result<std::vector<core::TeamId>> team_ids_of(const nlohmann::json& body) {
  std::vector<core::TeamId> teams;
  if (!body.is_object() || !body.contains("teams") || body["teams"].is_null()) return teams;
  const auto& items = body["teams"];
  if (!items.is_array()) return invalid_field("teams", "must be an array of team ids");
  for (const auto& item : items) {
    if (!item.is_number_integer() || item.get<std::int64_t>() <= 0) {
      return invalid_field("teams", "must be an array of team ids");
    }
    teams.push_back(core::TeamId{item.get<std::int64_t>()});
  }
  return teams;
}

}  // namespace

void InvitationHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  RouteOptions signed_in_raw = route_options(AuthRequirement::required, BodyKind::raw);
  // The invitee's side needs a login session: an API token is made for one organization,
  // and must neither see the user's invitations to others nor join them to another.
  RouteOptions invitee = route_options(AuthRequirement::user_session);
  router.add(
      Method::post, std::string(org_invitations_path),
      [this](Request r) { return invite(std::move(r)); }, signed_in_json);
  router.add(
      Method::get, std::string(org_invitations_path),
      [this](Request r) { return list(std::move(r)); }, signed_in);
  router.add(
      Method::delete_, std::string(org_invitation_path),
      [this](Request r) { return revoke(std::move(r)); }, signed_in);
  router.add(
      Method::post, std::string(org_invitation_link_path),
      [this](Request r) { return regenerate_link(std::move(r)); }, signed_in);
  router.add(
      Method::get, std::string(my_invitations_path),
      [this](Request r) { return mine(std::move(r)); }, invitee);
  router.add(
      Method::post, std::string(my_invitation_accept_path),
      [this](Request r) { return answer_by_id(std::move(r), true); }, invitee);
  router.add(
      Method::post, std::string(my_invitation_decline_path),
      [this](Request r) { return answer_by_id(std::move(r), false); }, invitee);
  router.add(Method::get, std::string(token_path),
             [this](Request r) { return preview(std::move(r)); });
  router.add(
      Method::post, std::string(token_accept_path),
      [this](Request r) { return answer_by_token(std::move(r), true); }, invitee);
  router.add(
      Method::post, std::string(token_decline_path),
      [this](Request r) { return answer_by_token(std::move(r), false); }, invitee);
  router.add(
      Method::post, std::string(member_imports_path),
      [this](Request r) { return import(std::move(r)); }, signed_in_raw);
}

Awaitable<Response> InvitationHandlers::invite(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  JsonFields fields(request.json);
  auto email = fields.required_string("email");
  auto role = fields.required_string("role");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto teams = team_ids_of(request.json);
  if (!teams) co_return error_response(teams.error());
  auto work = [this, caller = caller_of(request), org = *org, email, role, teams = *teams] {
    return invitations_.invite(caller, org, email, role, teams);
  };
  auto issued = co_await blocking_.run(std::move(work));
  if (!issued) co_return error_response(issued.error());
  auto response = json_response(201, issued_json(*issued));
  response.headers.push_back({"location", "/api/v1/orgs/" + std::to_string(org->value) +
                                              "/invitations/" +
                                              std::to_string(issued->view.invitation.id)});
  co_return response;
}

Awaitable<Response> InvitationHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] {
    return invitations_.list(caller, org);
  };
  auto listed = co_await blocking_.run(std::move(work));
  if (!listed) co_return error_response(listed.error());
  co_return json_response(200, list_json(*listed));
}

Awaitable<Response> InvitationHandlers::revoke(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = invitation_id_of(request);
  if (!id) co_return error_response(not_found("no such invitation"));
  auto work = [this, caller = caller_of(request), org = *org, id = *id] {
    return invitations_.revoke(caller, org, id);
  };
  auto revoked = co_await blocking_.run(std::move(work));
  if (!revoked) co_return error_response(revoked.error());
  co_return no_content();
}

Awaitable<Response> InvitationHandlers::regenerate_link(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = invitation_id_of(request);
  if (!id) co_return error_response(not_found("no such invitation"));
  auto work = [this, caller = caller_of(request), org = *org, id = *id] {
    return invitations_.regenerate_link(caller, org, id);
  };
  auto issued = co_await blocking_.run(std::move(work));
  if (!issued) co_return error_response(issued.error());
  co_return json_response(200, issued_json(*issued));
}

Awaitable<Response> InvitationHandlers::mine(Request request) {
  auto work = [this, caller = caller_of(request)] { return invitations_.mine(caller); };
  auto listed = co_await blocking_.run(std::move(work));
  if (!listed) co_return error_response(listed.error());
  co_return json_response(200, list_json(*listed));
}

Awaitable<Response> InvitationHandlers::preview(Request request) {
  auto work = [this, token = token_of(request)] { return invitations_.preview(token); };
  auto found = co_await blocking_.run(std::move(work));
  if (!found) co_return error_response(found.error());
  co_return json_response(200, preview_json(*found));
}

Awaitable<Response> InvitationHandlers::answer_by_token(Request request, bool accept) {
  auto work = [this, caller = caller_of(request), token = token_of(request), accept] {
    return invitations_.answer_by_token(caller, token, accept);
  };
  auto answered = co_await blocking_.run(std::move(work));
  if (!answered) co_return error_response(answered.error());
  co_return json_response(200, invitation_json(*answered));
}

Awaitable<Response> InvitationHandlers::answer_by_id(Request request, bool accept) {
  auto id = invitation_id_of(request);
  if (!id) co_return error_response(not_found("no such invitation"));
  auto work = [this, caller = caller_of(request), id = *id, accept] {
    return invitations_.answer_by_id(caller, id, accept);
  };
  auto answered = co_await blocking_.run(std::move(work));
  if (!answered) co_return error_response(answered.error());
  co_return json_response(200, invitation_json(*answered));
}

Awaitable<Response> InvitationHandlers::import(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto content_type = request.header("content-type");
  std::optional<core::Error> body_problem;
  if (!content_type || !std::string_view(*content_type).starts_with("text/csv")) {
    body_problem = core::make_error(core::ErrorCode::unsupported_media_type,
                                    "the body must be sent as Content-Type: text/csv");
  } else if (request.body.size() > core::limits::member_import_bytes_max) {
    body_problem =
        core::make_error(core::ErrorCode::payload_too_large,
                         "the CSV is larger than " +
                             std::to_string(core::limits::member_import_bytes_max) + " bytes");
  }
  auto dry_run_text = request.query_parameter("dry_run").value_or("true");
  if (!body_problem && dry_run_text != "true" && dry_run_text != "false") {
    body_problem = invalid_field("dry_run", "must be true or false");
  }
  if (body_problem) {
    // An outsider or a plain member gets 404 or 403 whatever they send.
    auto check = [this, caller = caller_of(request), org = *org] {
      return invitations_.may_import(caller, org);
    };
    auto allowed = co_await blocking_.run(std::move(check));
    if (!allowed) co_return error_response(allowed.error());
    co_return error_response(*body_problem);
  }
  const bool dry_run = dry_run_text == "true";
  auto work = [this, caller = caller_of(request), org = *org, csv = std::move(request.body),
               dry_run] { return invitations_.import(caller, org, csv, dry_run); };
  auto report = co_await blocking_.run(std::move(work));
  if (!report) co_return error_response(report.error());
  co_return json_response(report->applied ? 201 : 200, report_json(*report));
}

}  // namespace roost::api::http
