#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

// Wall times in IANA time zones, for scheduled posts: a post is stored as a UTC instant plus
// the zone it was scheduled in. Rules come from ICU's copy of the tz database (ADR 0013).
namespace roost::domain {

// A date and time of day without a zone, as a user types it ("2026-03-29T02:30").
struct LocalDateTime {
  int year = 0;
  int month = 0;  // 1-12
  int day = 0;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool operator==(const LocalDateTime&) const = default;
};

// "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", years 0001-9999, a real calendar date;
// invalid_request for anything else.
core::Result<LocalDateTime> parse_local_date_time(std::string_view text);

// How a wall time became an instant. A wall time that a spring-forward gap skips moves
// forward by the length of the gap (02:30 in Paris on 2026-03-29 is 03:30 CEST): the post
// goes out as late after the gap's start as the user asked. A wall time that a fall-back
// overlap repeats takes the earlier instant, its first occurrence: the post is never later
// than any reading of what the user asked.
enum class WallTimeRule {
  exact,                     // the wall time occurs once
  shifted_forward_over_gap,  // it does not occur; wall_time says what it became
  earlier_of_two,            // it occurs twice; the first one is taken
};

std::string_view wall_time_rule_name(WallTimeRule rule);

struct ResolvedWallTime {
  std::int64_t instant_unix_ms = 0;
  WallTimeRule rule = WallTimeRule::exact;
  std::string wall_time;  // as resolved, ISO 8601 with offset: "2026-03-29T03:30:00+02:00"
  int utc_offset_seconds = 0;
};

// ok when `zone` is an IANA zone name that ICU knows, such as "Europe/Paris" or "UTC".
// ICU's legacy abbreviations ("PST", "EST") and custom offsets ("GMT+2") are refused: they
// are not IANA zones, and some of them do not mean what they seem.
core::Result<void> check_time_zone(std::string_view zone);

// The instant at which `local` occurs in `zone`, by the rules of WallTimeRule.
core::Result<ResolvedWallTime> resolve_wall_time(const LocalDateTime& local, std::string_view zone);

// `instant_unix_ms` as the wall time of `zone`, ISO 8601 with its offset
// ("2026-03-29T03:30:00+02:00"; milliseconds only when there are some).
core::Result<std::string> format_in_zone(std::int64_t instant_unix_ms, std::string_view zone);

// The tz database release whose rules ICU applies ("2022e" on Debian bookworm): worth showing
// operators, since zones whose rules changed after it resolve wrongly (ADR 0013).
std::string time_zone_rules_version();

}  // namespace roost::domain
