#include "services/post_calendar.hpp"

#include <algorithm>
#include <iterator>

#include "core/limits.hpp"

namespace roost::services {
namespace {

core::Error invalid_filter(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

}  // namespace

core::Result<void> PostCalendar::check(const CalendarFilter& filter) {
  if (filter.until_ms <= filter.from_ms) return invalid_filter("until", "must be after from");
  // Written as a comparison of the difference only once it cannot overflow.
  const auto range_max_ms = core::limits::calendar_range_max.count();
  if (filter.from_ms < 0 ? filter.until_ms > filter.from_ms + range_max_ms
                         : filter.until_ms - filter.from_ms > range_max_ms) {
    return invalid_filter("until", "the range may span at most " +
                                       std::to_string(range_max_ms / (24 * 60 * 60 * 1000)) +
                                       " days");
  }
  if (filter.profiles.size() > core::limits::calendar_filter_profiles_max) {
    return invalid_filter("profile",
                          "at most " + std::to_string(core::limits::calendar_filter_profiles_max) +
                              " profiles per query");
  }
  return {};
}

core::Result<void> PostCalendar::authorize(const Caller& caller, core::OrgId org) {
  auto resource = services::authorize(organizations_, caller, org, authz::Action::list_profiles);
  if (!resource) return std::move(resource).error();
  return {};
}

core::Result<storage::CalendarQuery> PostCalendar::prepare(const Caller& caller, core::OrgId org,
                                                           const CalendarFilter& filter,
                                                           CalendarPosts& content) {
  // The profiles the caller may see, as GET /profiles lists them: this authorizes the
  // caller too (an outsider gets 404 here, before the filter is judged).
  auto visible = profiles_.list(caller, org);
  if (!visible) return std::move(visible).error();
  if (auto checked = check(filter); !checked) return std::move(checked).error();
  for (auto& entry : *visible) {
    content.profiles.emplace(entry.profile.id.value, std::move(entry.profile));
  }
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return std::move(resource).error();
  for (auto profile : filter.profiles) {
    if (!content.profiles.count(profile.value)) {
      return core::make_error(core::ErrorCode::not_found, "no such profile");
    }
  }
  if (filter.team) {
    auto team = teams_.get(caller, org, *filter.team);
    if (!team) return std::move(team).error();
  }
  storage::CalendarQuery query;
  query.org = org;
  query.from_ms = filter.from_ms;
  query.until_ms = filter.until_ms;
  query.profiles = filter.profiles;
  query.team = filter.team;
  query.states = filter.states;
  if (!authz::manages_every_profile(caller.actor, *resource)) query.visible_to = caller.user();
  return query;
}

core::Result<void> PostCalendar::name_authors(CalendarPosts& content) {
  for (const auto& post : content.posts) {
    if (!post.author || content.authors.count(post.author->value)) continue;
    auto user = users_.find(*post.author);
    if (!user) return std::move(user).error();
    CalendarAuthor author;
    if (user->has_value()) author = {(*user)->display_name, (*user)->email};
    content.authors.emplace(post.author->value, std::move(author));
  }
  return {};
}

core::Result<CalendarListing> PostCalendar::page(const Caller& caller, core::OrgId org,
                                                 const CalendarFilter& filter,
                                                 std::optional<storage::CalendarCursor> after,
                                                 std::size_t limit) {
  CalendarListing page;
  auto query = prepare(caller, org, filter, page.content);
  if (!query) return std::move(query).error();
  query->after = after;
  query->limit = std::clamp<std::size_t>(limit, 1, core::limits::calendar_page_size_max);
  auto listed = posts_.list_calendar(*query);
  if (!listed) return std::move(listed).error();
  page.content.posts = std::move(listed->posts);
  page.next = listed->next;
  if (auto named = name_authors(page.content); !named) return std::move(named).error();
  return page;
}

core::Result<CalendarExport> PostCalendar::export_all(const Caller& caller, core::OrgId org,
                                                      const CalendarFilter& filter,
                                                      std::size_t posts_max) {
  CalendarExport exported;
  exported.exported_at_ms = clock_.now_ms();
  auto query = prepare(caller, org, filter, exported.content);
  if (!query) return std::move(query).error();
  auto& posts = exported.content.posts;
  while (posts.size() < posts_max) {
    query->limit = std::min(core::limits::calendar_page_size_max, posts_max - posts.size());
    auto listed = posts_.list_calendar(*query);
    if (!listed) return std::move(listed).error();
    std::move(listed->posts.begin(), listed->posts.end(), std::back_inserter(posts));
    if (!listed->next) break;
    query->after = listed->next;
    exported.truncated = posts.size() >= posts_max;
  }
  if (auto named = name_authors(exported.content); !named) return std::move(named).error();
  return exported;
}

}  // namespace roost::services
