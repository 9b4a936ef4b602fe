#include "api/http/handlers/notification_handlers.hpp"

#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

// ?cursor= (the next_cursor of the previous page), ?limit= and ?unread=true|false.
std::optional<core::Error> read_page(const Request& request,
                                     services::NotificationPageRequest& page) {
  page.limit = core::limits::notifications_page_size_default;
  if (auto cursor = request.query_parameter("cursor"); cursor && !cursor->empty()) {
    auto before = parse_id(*cursor);
    if (!before) return invalid_field("cursor", "is not a cursor this API returned");
    page.before = *before;
  }
  if (auto limit = request.query_parameter("limit")) {
    auto value = parse_id(*limit);
    if (!value || *value > static_cast<std::int64_t>(core::limits::notifications_page_size_max)) {
      return invalid_field("limit", "must be an integer from 1 to " +
                                        std::to_string(core::limits::notifications_page_size_max));
    }
    page.limit = static_cast<std::size_t>(*value);
  }
  if (auto unread = request.query_parameter("unread")) {
    if (*unread == "true") {
      page.unread_only = true;
    } else if (*unread != "false") {
      return invalid_field("unread", "must be true or false");
    }
  }
  return std::nullopt;
}

core::Error no_such_notification() {
  return core::make_error(core::ErrorCode::not_found, "no such notification");
}

}  // namespace

void NotificationHandlers::register_routes(Router& router) {
  // A user's notifications speak of every organization they belong to or are invited to:
  // not for a token made for one of them.
  RouteOptions signed_in = route_options(AuthRequirement::user_session);
  router.add(
      Method::get, "/api/v1/me/notifications", [this](Request r) { return list(std::move(r)); },
      signed_in);
  router.add(
      Method::post, "/api/v1/me/notifications/read-all",
      [this](Request r) { return mark_all_read(std::move(r)); }, signed_in);
  router.add(
      Method::post, "/api/v1/me/notifications/{notification_id}/read",
      [this](Request r) { return mark_read(std::move(r)); }, signed_in);
}

Awaitable<Response> NotificationHandlers::list(Request request) {
  services::NotificationPageRequest page;
  if (auto problem = read_page(request, page)) co_return error_response(*problem);
  auto work = [this, caller = caller_of(request), page] {
    return notifications_.list(caller, page);
  };
  auto listed = co_await blocking_.run(std::move(work));
  if (!listed) co_return error_response(listed.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& notification : listed->notifications) {
    items.push_back(notification_json(notification));
  }
  nlohmann::json next = nullptr;
  if (listed->next_before) next = std::to_string(*listed->next_before);
  auto response = json_response(200, {{"notifications", std::move(items)},
                                      {"unread_count", listed->unread_count},
                                      {"next_cursor", std::move(next)}});
  response.headers.push_back({"cache-control", "no-store"});
  co_return response;
}

Awaitable<Response> NotificationHandlers::mark_read(Request request) {
  auto id = parse_id(request.path_parameter("notification_id"));
  if (!id) co_return error_response(no_such_notification());
  auto work = [this, caller = caller_of(request), id = *id] {
    return notifications_.mark_read(caller, id);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> NotificationHandlers::mark_all_read(Request request) {
  auto work = [this, caller = caller_of(request)] { return notifications_.mark_all_read(caller); };
  auto marked = co_await blocking_.run(std::move(work));
  if (!marked) co_return error_response(marked.error());
  co_return json_response(200, {{"marked_read", *marked}});
}

}  // namespace roost::api::http
