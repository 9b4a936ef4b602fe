#include "api/http/handlers/member_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/dto/json_text.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

nlohmann::json member_json(const services::MemberView& member) {
  return {{"user_id", member.user.value},
          {"email", member.email},
          {"display_name", member.display_name},
          {"role", domain::org_role_name(member.role)},
          {"joined_at", core::format_utc_ms(member.joined_at_ms)}};
}

// A listed page as JSON text, written directly: the same bytes as json_response would make
// of {"members": [member_json...], "next_cursor": ...}, several times faster for 200 members.
std::string render_member_page(const services::MemberPage& page) {
  std::string out;
  out.reserve(32 + page.members.size() * 160);
  out += "{\"members\":[";
  for (const auto& member : page.members) {
    if (out.back() != '[') out += ',';
    out += "{\"display_name\":";
    append_json_string(out, member.display_name);
    out += ",\"email\":";
    append_json_string(out, member.email);
    out += ",\"joined_at\":\"";
    core::append_utc_ms(out, member.joined_at_ms);
    out += "\",\"role\":";
    append_json_string(out, domain::org_role_name(member.role));
    out += ",\"user_id\":";
    append_json_integer(out, member.user.value);
    out += '}';
  }
  out += "],\"next_cursor\":";
  if (page.next_after) {
    out += '"';
    append_json_integer(out, page.next_after->value);
    out += '"';
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

// The page to read: ?cursor= (the next_cursor of the previous page) and ?limit=.
struct PageRequest {
  core::UserId after{0};
  std::size_t limit = core::limits::members_page_size_default;
};

std::optional<core::Error> read_page(const Request& request, PageRequest& page) {
  if (auto cursor = request.query_parameter("cursor"); cursor && !cursor->empty()) {
    auto after = parse_id(*cursor);
    if (!after) return invalid_field("cursor", "is not a cursor this API returned");
    page.after = core::UserId{*after};
  }
  if (auto limit = request.query_parameter("limit")) {
    auto value = parse_id(*limit);
    if (!value || *value > static_cast<std::int64_t>(core::limits::members_page_size_max)) {
      return invalid_field("limit", "must be an integer from 1 to " +
                                        std::to_string(core::limits::members_page_size_max));
    }
    page.limit = static_cast<std::size_t>(*value);
  }
  return std::nullopt;
}

}  // namespace

void MemberHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  router.add(
      Method::get, "/api/v1/orgs/{org_id}/members",
      [this](Request r) { return list(std::move(r)); }, signed_in);
  router.add(
      Method::patch, "/api/v1/orgs/{org_id}/members/{user_id}",
      [this](Request r) { return change_role(std::move(r)); }, signed_in_json);
  router.add(
      Method::delete_, "/api/v1/orgs/{org_id}/members/{user_id}",
      [this](Request r) { return remove(std::move(r)); }, signed_in);
}

Awaitable<Response> MemberHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  PageRequest page;
  if (auto problem = read_page(request, page)) co_return error_response(*problem);
  // Authorized on every request; read again only when the member list changed since the
  // page was rendered.
  auto work = [this, caller = caller_of(request), org = *org,
               page]() -> core::Result<std::shared_ptr<const std::string>> {
    auto revision = members_.list_revision(caller, org);
    if (!revision) return std::move(revision).error();
    MemberListCache::Key key{org.value, page.after.value, page.limit};
    if (auto cached = pages_.find(key, *revision)) return cached;
    auto members = members_.list(caller, org, page.after, page.limit);
    if (!members) return std::move(members).error();
    auto body = std::make_shared<const std::string>(render_member_page(*members));
    pages_.store(key, members->revision, body);
    return body;
  };
  auto body = co_await blocking_.run(std::move(work));
  if (!body) co_return error_response(body.error());
  Response response;
  response.body = **body;
  co_return std::move(response);  // g++ 12 copies a named local in co_return
}

Awaitable<Response> MemberHandlers::change_role(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto user = path_id<core::UserId>(request, "user_id");
  if (!user) co_return error_response(not_found("no such member of this organization"));
  JsonFields fields(request.json);
  auto role_name = fields.required_string("role");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto role = domain::parse_org_role(role_name);
  if (!role) co_return error_response(invalid_field("role", "must be owner, admin or member"));
  auto work = [this, caller = caller_of(request), org = *org, user = *user, role = *role] {
    return members_.change_role(caller, org, user, role);
  };
  auto member = co_await blocking_.run(std::move(work));
  if (!member) co_return error_response(member.error());
  co_return json_response(200, member_json(*member));
}

Awaitable<Response> MemberHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto user = path_id<core::UserId>(request, "user_id");
  if (!user) co_return error_response(not_found("no such member of this organization"));
  auto work = [this, caller = caller_of(request), org = *org, user = *user] {
    return members_.remove(caller, org, user);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
