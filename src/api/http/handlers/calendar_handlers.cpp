#include "api/http/handlers/calendar_handlers.hpp"

#include <charconv>

#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/utf8.hpp"
#include "domain/csv_writer.hpp"
#include "domain/icalendar.hpp"
#include "domain/zoned_time.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view posts_path = "/api/v1/orgs/{org_id}/posts";
constexpr std::string_view csv_path = "/api/v1/orgs/{org_id}/posts/export.csv";
constexpr std::string_view ics_path = "/api/v1/orgs/{org_id}/posts/export.ics";
constexpr std::string_view instant_rule =
    "must be milliseconds since the epoch or an RFC 3339 date-time";
constexpr std::string_view state_names =
    "draft, pending_approval, approved, rejected, scheduled, publishing, published, failed, "
    "cancelled or expired";

struct CalendarRequest {
  services::CalendarFilter filter;
  std::optional<storage::CalendarCursor> after;
  std::size_t limit = core::limits::calendar_page_size_default;
};

// "<calendar instant ms>_<post id>": the last post of the page before. Opaque to clients.
std::string cursor_text(const storage::CalendarCursor& cursor) {
  return std::to_string(cursor.at_ms) + "_" + std::to_string(cursor.post.value);
}

std::optional<storage::CalendarCursor> parse_cursor(std::string_view text) {
  auto underscore = text.find('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  std::int64_t at_ms = 0;
  auto at = text.substr(0, underscore);
  auto [end, error] = std::from_chars(at.data(), at.data() + at.size(), at_ms);
  if (at.empty() || error != std::errc{} || end != at.data() + at.size()) return std::nullopt;
  auto post = parse_id(text.substr(underscore + 1));
  if (!post) return std::nullopt;
  return storage::CalendarCursor{at_ms, core::PostId{*post}};
}

// The values of a repeatable parameter, each of which may also be a comma-separated list
// ("?state=draft&state=scheduled" or "?state=draft,scheduled").
std::vector<std::string> list_values(const Request& request, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& value : request.query_parameters(name)) {
    std::string_view rest = value;
    while (true) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      if (!item.empty()) values.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

// Every problem of the query string at once. `paged`: the JSON listing, which also takes
// cursor and limit.
std::optional<core::Error> read_query(const Request& request, bool paged, CalendarRequest& out) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid query");
  auto problem = [&problems](std::string field, std::string message) {
    problems.details.push_back({std::move(field), std::move(message), 0, 0});
  };
  for (std::string_view name : {"from", "until"}) {
    auto text = request.query_parameter(name);
    if (!text || text->empty()) {
      problem(std::string(name),
              "is required (milliseconds since the epoch or an RFC 3339 date-time)");
      continue;
    }
    auto instant = parse_instant_ms(*text);
    if (!instant) {
      problem(std::string(name), std::string(instant_rule));
    } else {
      (name == "from" ? out.filter.from_ms : out.filter.until_ms) = *instant;
    }
  }
  for (const auto& value : list_values(request, "profile")) {
    if (auto id = parse_id(value)) {
      out.filter.profiles.push_back(core::ProfileId{*id});
    } else {
      problem("profile", "must be a profile id");
    }
  }
  if (auto team = request.query_parameter("team"); team && !team->empty()) {
    if (auto id = parse_id(*team)) {
      out.filter.team = core::TeamId{*id};
    } else {
      problem("team", "must be a team id");
    }
  }
  for (const auto& value : list_values(request, "state")) {
    if (auto state = storage::parse_post_state(value)) {
      out.filter.states.push_back(*state);
    } else {
      problem("state",
              "must be " + std::string(state_names) + " (not \"" +
                  std::string(core::utf8_prefix(value, core::limits::audit_filter_text_bytes_max)) +
                  "\")");
    }
  }
  if (paged) {
    if (auto cursor = request.query_parameter("cursor"); cursor && !cursor->empty()) {
      out.after = parse_cursor(*cursor);
      if (!out.after) problem("cursor", "is not a cursor this API returned");
    }
    if (auto limit = request.query_parameter("limit")) {
      auto value = parse_id(*limit);
      if (!value || *value > static_cast<std::int64_t>(core::limits::calendar_page_size_max)) {
        problem("limit", "must be an integer from 1 to " +
                             std::to_string(core::limits::calendar_page_size_max));
      } else {
        out.limit = static_cast<std::size_t>(*value);
      }
    }
  }
  if (problems.details.empty()) return std::nullopt;
  if (problems.details.size() == 1) problems.message = "invalid " + problems.details[0].field;
  return problems;
}

// The post's instant as the wall time of its zone, with the offset; empty without either.
std::string local_time_of(const storage::PostRecord& post) {
  if (!post.schedule.at_ms || post.schedule.time_zone.empty()) return {};
  auto local = domain::format_in_zone(*post.schedule.at_ms, post.schedule.time_zone);
  return local ? *local : std::string{};
}

nlohmann::json nullable(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

nlohmann::json target_json(const storage::TargetRecord& target,
                           const services::CalendarPosts& content) {
  auto profile = content.profiles.find(target.profile.value);
  nlohmann::json approval = nullptr;
  if (target.approval) {
    approval = {
        {"decision", storage::approval_decision_name(target.approval->decision)},
        {"approver_id", target.approval->approver ? nlohmann::json(target.approval->approver->value)
                                                  : nlohmann::json(nullptr)},
        {"comment", target.approval->comment},
        {"decided_at", core::format_utc_ms(target.approval->decided_at_ms)}};
  }
  return {{"profile_id", target.profile.value},
          {"handle", profile != content.profiles.end() ? nlohmann::json(profile->second.handle)
                                                       : nlohmann::json(nullptr)},
          {"network", profile != content.profiles.end() ? nlohmann::json(profile->second.network)
                                                        : nlohmann::json(nullptr)},
          {"text",
           target.text_override ? nlohmann::json(*target.text_override) : nlohmann::json(nullptr)},
          {"state", storage::target_state_name(target.state)},
          {"approval", std::move(approval)},
          {"published_uri", nullable(target.published.uri)},
          {"published_at", optional_time(target.published_at_ms)},
          {"last_error", nullable(target.last_error)}};
}

nlohmann::json post_json(const storage::PostRecord& post, const services::CalendarPosts& content) {
  nlohmann::json author = nullptr;
  if (post.author) {
    author = {{"id", post.author->value}, {"display_name", nullptr}, {"email", nullptr}};
    if (auto found = content.authors.find(post.author->value); found != content.authors.end()) {
      author["display_name"] = nullable(found->second.display_name);
      author["email"] = nullable(found->second.email);
    }
  }
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& target : post.targets) targets.push_back(target_json(target, content));
  const auto& schedule = post.schedule;
  return {{"id", post.id.value},
          {"state", storage::post_state_name(post.state)},
          {"kind", storage::post_kind_name(post.kind)},
          {"text", post.text},
          {"langs", post.langs},
          {"author", std::move(author)},
          {"schedule",
           {{"at", optional_time(schedule.at_ms)},
            {"time_zone", nullable(schedule.time_zone)},
            {"local_time", nullable(local_time_of(post))},
            {"requested_local_time", nullable(schedule.local_time)},
            {"wall_time_rule", nullable(schedule.wall_time_rule)}}},
          {"calendar_at", core::format_utc_ms(post.calendar_at_ms)},
          {"targets", std::move(targets)},
          {"image_count", post.images.size()},
          {"created_at", core::format_utc_ms(post.created_at_ms)},
          {"updated_at", core::format_utc_ms(post.updated_at_ms)}};
}

// The handles of the post's targets, in order, separated by `separator`.
std::string handles_of(const storage::PostRecord& post, const services::CalendarPosts& content,
                       std::string_view separator) {
  std::string handles;
  for (const auto& target : post.targets) {
    if (!handles.empty()) handles += separator;
    auto profile = content.profiles.find(target.profile.value);
    handles += profile != content.profiles.end()
                   ? profile->second.handle
                   : "profile " + std::to_string(target.profile.value);
  }
  return handles;
}

std::string published_uris_of(const storage::PostRecord& post, std::string_view separator) {
  std::string uris;
  for (const auto& target : post.targets) {
    if (target.published.uri.empty()) continue;
    if (!uris.empty()) uris += separator;
    uris += target.published.uri;
  }
  return uris;
}

const services::CalendarAuthor* author_of(const storage::PostRecord& post,
                                          const services::CalendarPosts& content) {
  if (!post.author) return nullptr;
  auto found = content.authors.find(post.author->value);
  return found == content.authors.end() ? nullptr : &found->second;
}

std::string posts_csv(const services::CalendarPosts& content) {
  std::string out;
  domain::append_csv_row(
      out, {"post_id", "state", "kind", "scheduled_utc", "time_zone", "local_time", "calendar_utc",
            "profiles", "text", "author", "author_email", "published_uris"});
  for (const auto& post : content.posts) {
    const auto* author = author_of(post, content);
    domain::append_csv_row(
        out,
        {std::to_string(post.id.value), storage::post_state_name(post.state),
         storage::post_kind_name(post.kind),
         post.schedule.at_ms ? core::format_utc_ms(*post.schedule.at_ms) : "",
         post.schedule.time_zone, local_time_of(post), core::format_utc_ms(post.calendar_at_ms),
         handles_of(post, content, " "), post.text, author ? author->display_name : "",
         author ? author->email : "", published_uris_of(post, " ")});
  }
  return out;
}

// How a calendar application should show a post of this state.
domain::ICalendarStatus event_status(storage::PostState state) {
  switch (state) {
    case storage::PostState::draft:
    case storage::PostState::pending_approval: return domain::ICalendarStatus::tentative;
    case storage::PostState::approved:
    case storage::PostState::scheduled:
    case storage::PostState::publishing:
    case storage::PostState::published: return domain::ICalendarStatus::confirmed;
    case storage::PostState::rejected:
    case storage::PostState::failed:
    case storage::PostState::cancelled:
    case storage::PostState::expired: return domain::ICalendarStatus::cancelled;
  }
  return domain::ICalendarStatus::tentative;
}

// The host of the public URL ("https://roost.example.com:8443/x" -> "roost.example.com"),
// which makes the events' UIDs unique across instances; "roost" when there is none.
std::string uid_host(std::string_view public_url) {
  auto scheme = public_url.find("://");
  if (scheme != std::string_view::npos) public_url.remove_prefix(scheme + 3);
  public_url = public_url.substr(0, public_url.find('/'));
  if (!public_url.empty() && public_url.front() == '[') {
    public_url = public_url.substr(0, public_url.find(']') + 1);
  } else {
    public_url = public_url.substr(0, public_url.find(':'));
  }
  return public_url.empty() ? "roost" : std::string(public_url);
}

domain::ICalendarEvent post_event(const storage::PostRecord& post,
                                  const services::CalendarPosts& content, const std::string& host) {
  domain::ICalendarEvent event;
  event.uid = "post-" + std::to_string(post.id.value) + "@" + host;
  event.stamp_ms = post.updated_at_ms;
  event.start_ms = post.calendar_at_ms;
  event.summary =
      domain::icalendar_summary(post.text, core::limits::calendar_summary_code_points_max);
  if (event.summary.empty())
    event.summary = "(" + std::string(storage::post_kind_name(post.kind)) + ")";
  std::string description = post.text;
  description += "\n\nState: " + std::string(storage::post_state_name(post.state));
  description += "\nProfiles: " + handles_of(post, content, ", ");
  if (auto local = local_time_of(post); !local.empty()) {
    description += "\nLocal time: " + local + " (" + post.schedule.time_zone + ")";
  }
  if (const auto* author = author_of(post, content)) {
    description += "\nAuthor: " + author->display_name + " <" + author->email + ">";
  }
  if (auto uris = published_uris_of(post, "\n"); !uris.empty()) {
    description += "\nPublished: " + uris;
  }
  event.description = std::move(description);
  event.status = event_status(post.state);
  event.categories.emplace_back(storage::post_state_name(post.state));
  return event;
}

std::string posts_icalendar(const services::CalendarPosts& content, const std::string& host) {
  domain::ICalendar calendar;
  calendar.product_id = "-//Roost//Post calendar//EN";
  calendar.name = "Roost posts";
  calendar.events.reserve(content.posts.size());
  for (const auto& post : content.posts) calendar.events.push_back(post_event(post, content, host));
  return domain::write_icalendar(calendar);
}

}  // namespace

void CalendarHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  router.add(
      Method::get, std::string(posts_path), [this](Request r) { return list(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(csv_path), [this](Request r) { return export_csv(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(ics_path), [this](Request r) { return export_ics(std::move(r)); },
      signed_in);
}

Awaitable<Response> CalendarHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  CalendarRequest query;
  if (auto problems = read_query(request, true, query)) {
    co_return co_await problems_of_member(std::move(request), *org, std::move(*problems));
  }
  auto work = [this, caller = caller_of(request), org = *org, query = std::move(query)] {
    return calendar_.page(caller, org, query.filter, query.after, query.limit);
  };
  auto page = co_await blocking_.run(std::move(work));
  if (!page) co_return error_response(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& post : page->content.posts) items.push_back(post_json(post, page->content));
  nlohmann::json next = nullptr;
  if (page->next) next = cursor_text(*page->next);
  co_return json_response(200, {{"posts", std::move(items)}, {"next_cursor", std::move(next)}});
}

Awaitable<Response> CalendarHandlers::problems_of_member(Request request, core::OrgId org,
                                                         core::Error problems) {
  auto work = [this, caller = caller_of(request), org] { return calendar_.authorize(caller, org); };
  auto allowed = co_await blocking_.run(std::move(work));
  if (!allowed) co_return error_response(allowed.error());
  co_return error_response(problems);
}

Awaitable<Response> CalendarHandlers::export_csv(Request request) {
  return download(std::move(request), ExportFormat::csv);
}

Awaitable<Response> CalendarHandlers::export_ics(Request request) {
  return download(std::move(request), ExportFormat::icalendar);
}

Awaitable<Response> CalendarHandlers::download(Request request, ExportFormat format) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  CalendarRequest query;
  if (auto problems = read_query(request, false, query)) {
    co_return co_await problems_of_member(std::move(request), *org, std::move(*problems));
  }
  auto work = [this, caller = caller_of(request), org = *org, filter = std::move(query.filter)] {
    return calendar_.export_all(caller, org, filter, core::limits::calendar_export_posts_max);
  };
  auto exported = co_await blocking_.run(std::move(work));
  if (!exported) co_return error_response(exported.error());
  const bool csv = format == ExportFormat::csv;
  Response response;
  response.content_type = csv ? "text/csv; charset=utf-8" : "text/calendar; charset=utf-8";
  response.body = csv ? posts_csv(exported->content)
                      : posts_icalendar(exported->content, uid_host(outbound_.public_url));
  auto date = core::format_utc_ms(exported->exported_at_ms).substr(0, 10);
  response.headers.push_back({"content-disposition", "attachment; filename=\"posts-" +
                                                         std::to_string(org->value) + "-" + date +
                                                         (csv ? ".csv\"" : ".ics\"")});
  response.headers.push_back({"x-content-type-options", "nosniff"});
  if (exported->truncated) {
    response.headers.push_back({"x-roost-export-truncated",
                                "true; posts=" + std::to_string(exported->content.posts.size())});
  }
  co_return response;
}

}  // namespace roost::api::http
