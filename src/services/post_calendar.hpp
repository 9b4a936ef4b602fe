#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/org_access.hpp"
#include "services/profiles.hpp"
#include "services/teams.hpp"
#include "storage/organization_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

// Which posts the calendar shows: those whose calendar instant (the scheduled instant, else
// the creation) is in [from_ms, until_ms), at most limits::calendar_range_max apart. The
// other filters are optional and combine: a target on one of `profiles`, a target on a
// profile granted to `team`, a state among `states`.
struct CalendarFilter {
  std::int64_t from_ms = 0;
  std::int64_t until_ms = 0;
  std::vector<core::ProfileId> profiles;  // at most limits::calendar_filter_profiles_max
  std::optional<core::TeamId> team;
  std::vector<storage::PostState> states;
};

// Who wrote a post, as the calendar names them (empty once the user is deleted).
struct CalendarAuthor {
  std::string display_name;
  std::string email;
};

// Posts of the calendar with the profiles and authors they refer to. A post's targets are
// only those the caller may see.
struct CalendarPosts {
  std::vector<storage::PostRecord> posts;                   // by calendar instant, then id
  std::map<std::int64_t, storage::ProfileRecord> profiles;  // the caller's profiles, by id
  std::map<std::int64_t, CalendarAuthor> authors;           // by user id
};

struct CalendarListing {
  CalendarPosts content;
  std::optional<storage::CalendarCursor> next;  // empty on the last page
};

struct CalendarExport {
  CalendarPosts content;
  bool truncated = false;  // more posts matched than the export holds
  std::int64_t exported_at_ms = 0;
};

// The calendar of an organization's posts (PRODUCT.md §4), a page at a time or whole for an
// export. Any member may look: owners and admins see every post; a member sees the posts
// with a target on a profile their teams are granted, with only those targets. An outsider
// gets 404 (the organization does not exist for them). A filter's profile the caller
// cannot see — of another organization, unknown, or not granted to their teams — is 404
// "no such profile", exactly as GET /profiles/{id} answers; a filter's team follows
// GET /teams/{id} (another organization's: 404; a member's team they are not in: 403).
// Blocking (database): call through the blocking executor.
class PostCalendar {
 public:
  PostCalendar(storage::OrganizationRepository& organizations, storage::UserRepository& users,
               storage::PostRepository& posts, Profiles& profiles, Teams& teams,
               const core::Clock& clock)
      : organizations_(organizations),
        users_(users),
        posts_(posts),
        profiles_(profiles),
        teams_(teams),
        clock_(clock) {}

  // A range of until_ms not after from_ms, or longer than limits::calendar_range_max, or
  // too many profiles: ErrorCode::invalid_request naming the field. page and export_all
  // check it once the caller is known to be a member: to anyone else every request is a
  // 404, whatever its query.
  static core::Result<void> check(const CalendarFilter& filter);
  // Whether the caller may look at the calendar at all (a member): for a handler to answer
  // a non-member 404 before it reports what is wrong with the query.
  core::Result<void> authorize(const Caller& caller, core::OrgId org);

  // `limit` posts at most (capped at limits::calendar_page_size_max), after `after`.
  core::Result<CalendarListing> page(const Caller& caller, core::OrgId org,
                                     const CalendarFilter& filter,
                                     std::optional<storage::CalendarCursor> after,
                                     std::size_t limit);
  // Every matching post, up to `posts_max` (truncated says whether more matched).
  core::Result<CalendarExport> export_all(const Caller& caller, core::OrgId org,
                                          const CalendarFilter& filter, std::size_t posts_max);

 private:
  // Authorizes the caller and checks the filter's profiles and team: the query to run and
  // the profiles the caller may see.
  core::Result<storage::CalendarQuery> prepare(const Caller& caller, core::OrgId org,
                                               const CalendarFilter& filter,
                                               CalendarPosts& content);
  core::Result<void> name_authors(CalendarPosts& content);

  storage::OrganizationRepository& organizations_;
  storage::UserRepository& users_;
  storage::PostRepository& posts_;
  Profiles& profiles_;
  Teams& teams_;
  const core::Clock& clock_;
};

}  // namespace roost::services
