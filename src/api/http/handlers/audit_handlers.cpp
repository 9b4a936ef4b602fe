#include "api/http/handlers/audit_handlers.hpp"

#include <charconv>

#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"
#include "domain/csv_writer.hpp"

namespace roost::api::http {
namespace {

struct AuditQuery {
  storage::AuditFilter filter;
  std::size_t limit = core::limits::audit_page_size_default;
  bool csv = false;
};

// Every problem of the query string at once, as the JSON fields are reported.
std::optional<core::Error> read_query(const Request& request, AuditQuery& query) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid query");
  auto problem = [&](std::string field, std::string message) {
    problems.details.push_back({std::move(field), std::move(message), 0, 0});
  };
  if (auto actor = request.query_parameter("actor"); actor && !actor->empty()) {
    if (auto id = parse_id(*actor)) {
      query.filter.actor = core::UserId{*id};
    } else {
      problem("actor", "must be a user id");
    }
  }
  if (auto action = request.query_parameter("action"); action && !action->empty()) {
    if (action->size() > core::limits::audit_filter_text_bytes_max) {
      problem("action", "is too long");
    } else if (action->ends_with("*")) {
      // "member.*" (or "member.") matches every action that starts with "member.".
      query.filter.action = action->substr(0, action->size() - 1);
      query.filter.action_is_prefix = true;
    } else {
      query.filter.action = *action;
    }
  }
  for (auto name : {"since", "until"}) {
    auto text = request.query_parameter(name);
    if (!text || text->empty()) continue;
    auto instant = parse_instant_ms(*text);
    if (!instant) {
      problem(name, "must be milliseconds since the epoch or an RFC 3339 date-time");
    } else if (std::string_view(name) == "since") {
      query.filter.since_ms = *instant;
    } else {
      query.filter.until_ms = *instant;
    }
  }
  if (auto cursor = request.query_parameter("cursor"); cursor && !cursor->empty()) {
    if (auto before = parse_id(*cursor)) {
      query.filter.before_id = *before;
    } else {
      problem("cursor", "is not a cursor this API returned");
    }
  }
  if (auto limit = request.query_parameter("limit")) {
    auto value = parse_id(*limit);
    if (!value || *value > static_cast<std::int64_t>(core::limits::audit_page_size_max)) {
      problem("limit",
              "must be an integer from 1 to " + std::to_string(core::limits::audit_page_size_max));
    } else {
      query.limit = static_cast<std::size_t>(*value);
    }
  }
  auto format = request.query_parameter("format");
  if (format && *format != "csv" && *format != "json") {
    problem("format", "must be json or csv");
  }
  auto accept = request.header("accept");
  query.csv =
      format ? *format == "csv" : accept && accept->find("text/csv") != std::string_view::npos;
  if (problems.details.empty()) return std::nullopt;
  if (problems.details.size() == 1) problems.message = "invalid " + problems.details[0].field;
  return problems;
}

nlohmann::json details_json(const std::string& stored) {
  auto parsed = nlohmann::json::parse(stored, nullptr, false);
  if (parsed.is_discarded()) return nlohmann::json::object();
  return parsed;
}

nlohmann::json entry_json(const storage::AuditEntry& entry) {
  const auto& event = entry.record.event;
  nlohmann::json actor = nullptr;
  if (event.actor) {
    actor = {{"id", event.actor->value},
             {"email", entry.actor_email ? nlohmann::json(*entry.actor_email) : nullptr},
             {"display_name",
              entry.actor_display_name ? nlohmann::json(*entry.actor_display_name) : nullptr}};
  }
  return {{"id", entry.record.id},
          {"actor", std::move(actor)},
          {"action", event.action},
          {"target", event.target},
          {"details", details_json(event.details_json)},
          {"request_id", event.request_id},
          {"time", core::format_utc_ms(event.created_at_ms)},
          {"time_ms", event.created_at_ms}};
}

std::string audit_csv(const std::vector<storage::AuditEntry>& entries) {
  std::string out;
  domain::append_csv_row(out, {"id", "time", "time_ms", "actor_id", "actor_email",
                               "actor_display_name", "action", "target", "details", "request_id"});
  for (const auto& entry : entries) {
    const auto& event = entry.record.event;
    domain::append_csv_row(
        out,
        {std::to_string(entry.record.id), core::format_utc_ms(event.created_at_ms),
         std::to_string(event.created_at_ms), event.actor ? std::to_string(event.actor->value) : "",
         entry.actor_email.value_or(""), entry.actor_display_name.value_or(""), event.action,
         event.target, event.details_json, event.request_id});
  }
  return out;
}

}  // namespace

void AuditHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  router.add(
      Method::get, "/api/v1/orgs/{org_id}/audit", [this](Request r) { return list(std::move(r)); },
      signed_in);
}

Awaitable<Response> AuditHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) {
    co_return error_response(core::make_error(core::ErrorCode::not_found, "no such organization"));
  }
  AuditQuery query;
  if (auto problems = read_query(request, query)) co_return error_response(*problems);
  if (query.csv) {
    auto work = [this, caller = caller_of(request), org = *org, filter = query.filter] {
      return audit_log_.export_all(caller, org, filter, core::limits::audit_csv_rows_max);
    };
    auto exported = co_await blocking_.run(std::move(work));
    if (!exported) co_return error_response(exported.error());
    Response response;
    response.content_type = "text/csv; charset=utf-8";
    response.body = audit_csv(exported->entries);
    auto date = core::format_utc_ms(exported->exported_at_ms).substr(0, 10);
    response.headers.push_back(
        {"content-disposition",
         "attachment; filename=\"audit-" + std::to_string(org->value) + "-" + date + ".csv\""});
    response.headers.push_back({"x-content-type-options", "nosniff"});
    if (exported->truncated) {
      response.headers.push_back(
          {"x-roost-export-truncated", "true; rows=" + std::to_string(exported->entries.size())});
    }
    co_return response;
  }
  auto work = [this, caller = caller_of(request), org = *org, filter = query.filter,
               limit = query.limit] { return audit_log_.page(caller, org, filter, limit); };
  auto page = co_await blocking_.run(std::move(work));
  if (!page) co_return error_response(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& entry : page->entries) items.push_back(entry_json(entry));
  nlohmann::json next = nullptr;
  if (page->next_before_id) next = std::to_string(*page->next_before_id);
  co_return json_response(200, {{"events", std::move(items)}, {"next_cursor", std::move(next)}});
}

}  // namespace roost::api::http
