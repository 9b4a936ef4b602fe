#include "api/http/handlers/event_handlers.hpp"

#include <charconv>

#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "api/ws/event_grant.hpp"
#include "core/ascii.hpp"

namespace roost::api::http {
namespace {

// A browser sends the page's origin with every WebSocket handshake, and cookies with it:
// a page of another site must not open the stream with the user's session (cross-site
// WebSocket hijacking). Clients that are not browsers send no Origin.
bool same_origin(const Request& request) {
  auto origin = request.header("origin");
  if (!origin) return true;
  auto host = request.header("host");
  if (!host) return false;
  auto scheme_end = origin->find("://");
  if (scheme_end == std::string_view::npos) return false;
  return core::ascii_lower(origin->substr(scheme_end + 3)) == core::ascii_lower(*host);
}

// The presence use cases on the blocking executor (they read the database, and on PostgreSQL
// publishing goes through it).
Awaitable<core::Result<services::PresenceSeat>> announce(BlockingExecutor& blocking,
                                                         services::InboxPresence& presence,
                                                         services::Caller caller, core::OrgId org,
                                                         core::InboxItemId item,
                                                         services::PresenceState state) {
  auto work = [&presence, caller = std::move(caller), org, item, state] {
    return presence.announce(caller, org, item, state);
  };
  co_return co_await blocking.run(std::move(work));
}

Awaitable<void> leave(BlockingExecutor& blocking, services::InboxPresence& presence,
                      services::PresenceSeat seat) {
  auto work = [&presence, seat = std::move(seat)] {
    presence.leave(seat);
    return true;
  };
  co_await blocking.run(std::move(work));
}

}  // namespace

void EventHandlers::register_routes(Router& router) {
  RouteOptions options = route_options(AuthRequirement::required);
  options.websocket = true;
  router.add(
      Method::get, "/api/v1/events", [this](Request r) { return subscribe(std::move(r)); },
      options);
}

Awaitable<Response> EventHandlers::subscribe(Request request) {
  if (!same_origin(request)) {
    co_return error_response(core::make_error(
        core::ErrorCode::permission_denied,
        "missing permission: subscribe_events (the page's origin is not this server's)"));
  }
  auto org_text = request.query_parameter("org");
  auto org = parse_id(org_text ? std::optional<std::string_view>(*org_text) : std::nullopt);
  if (!org) co_return error_response(invalid_field("org", "must be an organization id"));
  std::optional<std::uint64_t> last_event_id;
  if (auto text = request.query_parameter("last_event_id"); text && !text->empty()) {
    last_event_id.emplace();
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), *last_event_id);
    if (error != std::errc{} || end != text->data() + text->size()) {
      co_return error_response(invalid_field("last_event_id", "must be an event id"));
    }
  }
  auto caller = caller_of(request);
  core::OrgId org_id{*org};
  auto work = [this, caller, org_id] { return access_.audiences(caller, org_id); };
  auto audiences = co_await blocking_.run(std::move(work));
  if (!audiences) co_return error_response(audiences.error());

  auto grant = std::make_shared<ws::EventGrant>();
  grant->audiences = std::move(*audiences);
  grant->last_event_id = last_event_id;
  grant->audiences_for = [this, org_id,
                          request_id = request.request_id](const authz::Actor& actor) {
    return access_.audiences(services::Caller{actor, request_id}, org_id);
  };
  // The member as they connected: the recheck ends the stream once the credential is gone.
  grant->announce_presence = [this, caller, org_id](core::InboxItemId item,
                                                    services::PresenceState state) {
    return announce(blocking_, presence_, caller, org_id, item, state);
  };
  grant->leave_presence = [this](services::PresenceSeat seat) {
    return leave(blocking_, presence_, std::move(seat));
  };
  Response response;
  response.status = 101;
  response.event_grant = std::move(grant);
  co_return response;
}

}  // namespace roost::api::http
