#include "domain/zoned_time.hpp"

#include <cstdio>
#include <memory>

#include <unicode/calendar.h>
#include <unicode/gregocal.h>
#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>

namespace roost::domain {
namespace {

constexpr int year_min = 1;
constexpr int year_max = 9999;
constexpr int seconds_per_minute = 60;
constexpr int seconds_per_hour = 3600;
constexpr int millis_per_second = 1000;
// A Gregorian change before year 1 (ECMAScript's earliest date, year -271821): the calendar
// is then Gregorian for every year a user can type.
constexpr UDate proleptic_cutover_ms = -8.64e15;
// tz names are short ("America/Argentina/ComodRivadavia" is among the longest).
constexpr std::size_t zone_name_length_max = 64;

core::Error invalid(std::string message) {
  return core::make_error(core::ErrorCode::invalid_request, std::move(message));
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return days[month - 1];
}

// Reads exactly `width` ASCII digits at `text[position]`; -1 when they are not there.
int read_number(std::string_view text, std::size_t position, std::size_t width) {
  if (position + width > text.size()) return -1;
  int value = 0;
  for (std::size_t index = position; index < position + width; ++index) {
    char c = text[index];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::unique_ptr<icu::TimeZone> open_zone(std::string_view zone) {
  return std::unique_ptr<icu::TimeZone>(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(
      icu::StringPiece(zone.data(), static_cast<int32_t>(zone.size())))));
}

// A Gregorian calendar in `zone` (proleptic: ICU's default switches to Julian before 1582).
core::Result<std::unique_ptr<icu::GregorianCalendar>> open_calendar(std::string_view zone) {
  if (auto checked = check_time_zone(zone); !checked) return checked.error();
  UErrorCode status = U_ZERO_ERROR;
  auto calendar = std::make_unique<icu::GregorianCalendar>(open_zone(zone).release(), status);
  if (U_FAILURE(status)) return core::make_error(core::ErrorCode::internal, "ICU has no calendar");
  calendar->setGregorianChange(proleptic_cutover_ms, status);
  if (U_FAILURE(status)) return core::make_error(core::ErrorCode::internal, "ICU has no calendar");
  return calendar;
}

LocalDateTime wall_fields(icu::Calendar& calendar, UErrorCode& status) {
  LocalDateTime local;
  local.year = calendar.get(UCAL_EXTENDED_YEAR, status);
  local.month = calendar.get(UCAL_MONTH, status) + 1;
  local.day = calendar.get(UCAL_DATE, status);
  local.hour = calendar.get(UCAL_HOUR_OF_DAY, status);
  local.minute = calendar.get(UCAL_MINUTE, status);
  local.second = calendar.get(UCAL_SECOND, status);
  return local;
}

// The instant of `local` in the calendar's zone, where a repeated wall time takes the
// occurrence `repeated` names and a skipped one is read with the offset before the gap.
UDate instant_of(icu::Calendar& calendar, const LocalDateTime& local,
                 UCalendarWallTimeOption repeated, UErrorCode& status) {
  calendar.clear();
  calendar.setLenient(true);  // a strict calendar refuses skipped wall times outright
  calendar.setRepeatedWallTimeOption(repeated);
  calendar.setSkippedWallTimeOption(UCAL_WALLTIME_LAST);
  calendar.set(UCAL_EXTENDED_YEAR, local.year);
  calendar.set(UCAL_MONTH, local.month - 1);
  calendar.set(UCAL_DATE, local.day);
  calendar.set(UCAL_HOUR_OF_DAY, local.hour);
  calendar.set(UCAL_MINUTE, local.minute);
  calendar.set(UCAL_SECOND, local.second);
  return calendar.getTime(status);
}

std::string format_offset(int offset_seconds) {
  char sign = offset_seconds < 0 ? '-' : '+';
  int magnitude = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  int hours = magnitude / seconds_per_hour;
  int minutes = magnitude % seconds_per_hour / seconds_per_minute;
  int seconds = magnitude % seconds_per_minute;
  char buffer[16];
  if (seconds != 0) {  // local mean times before 1900 have offsets in seconds
    std::snprintf(buffer, sizeof buffer, "%c%02d:%02d:%02d", sign, hours, minutes, seconds);
  } else {
    std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", sign, hours, minutes);
  }
  return buffer;
}

// The calendar's current time as ISO 8601 with offset; sets `offset_seconds`.
std::string format_calendar(icu::Calendar& calendar, int& offset_seconds, UErrorCode& status) {
  LocalDateTime local = wall_fields(calendar, status);
  int millis = calendar.get(UCAL_MILLISECOND, status);
  offset_seconds =
      (calendar.get(UCAL_ZONE_OFFSET, status) + calendar.get(UCAL_DST_OFFSET, status)) /
      millis_per_second;
  char buffer[48];
  int length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", local.year,
                             local.month, local.day, local.hour, local.minute, local.second);
  std::string text(buffer, static_cast<std::size_t>(length));
  if (millis != 0) {
    std::snprintf(buffer, sizeof buffer, ".%03d", millis);
    text += buffer;
  }
  return text + format_offset(offset_seconds);
}

}  // namespace

std::string_view wall_time_rule_name(WallTimeRule rule) {
  switch (rule) {
    case WallTimeRule::exact: return "exact";
    case WallTimeRule::shifted_forward_over_gap: return "shifted_forward_over_gap";
    case WallTimeRule::earlier_of_two: return "earlier_of_two";
  }
  return "exact";
}

core::Result<LocalDateTime> parse_local_date_time(std::string_view text) {
  constexpr std::size_t minutes_length = 16;  // YYYY-MM-DDTHH:MM
  constexpr std::size_t seconds_length = 19;  // YYYY-MM-DDTHH:MM:SS
  auto malformed = [&] {
    return invalid(core::quoted(text.substr(0, seconds_length + 1)) +
                   " is not a date and time of the form 2026-03-29T14:30");
  };
  if (text.size() != minutes_length && text.size() != seconds_length) return malformed();
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':') return malformed();
  if (text.size() == seconds_length && text[16] != ':') return malformed();
  LocalDateTime local;
  local.year = read_number(text, 0, 4);
  local.month = read_number(text, 5, 2);
  local.day = read_number(text, 8, 2);
  local.hour = read_number(text, 11, 2);
  local.minute = read_number(text, 14, 2);
  local.second = text.size() == seconds_length ? read_number(text, 17, 2) : 0;
  if (local.year < year_min || local.month < 1 || local.month > 12 || local.day < 1 ||
      local.hour < 0 || local.hour > 23 || local.minute < 0 || local.minute > 59 ||
      local.second < 0 || local.second > 59) {
    return malformed();
  }
  if (local.day > days_in_month(local.year, local.month)) {
    return invalid(core::quoted(text) + " is not a date of the calendar");
  }
  return local;
}

core::Result<void> check_time_zone(std::string_view zone) {
  auto unknown = [&] {
    return invalid(core::quoted(zone.substr(0, zone_name_length_max)) +
                   " is not a known IANA time zone");
  };
  if (zone.empty() || zone.size() > zone_name_length_max) return unknown();
  // IANA's current names are Area/Location; of the rest only UTC is worth accepting.
  if (zone != "UTC" && zone.find('/') == std::string_view::npos) return unknown();
  icu::UnicodeString canonical;
  UBool is_system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                    zone.data(), static_cast<int32_t>(zone.size()))),
                                canonical, is_system, status);
  if (U_FAILURE(status) || !is_system) return unknown();
  return core::success();
}

core::Result<ResolvedWallTime> resolve_wall_time(const LocalDateTime& local,
                                                 std::string_view zone) {
  if (local.year < year_min || local.year > year_max || local.month < 1 || local.month > 12 ||
      local.day < 1 || local.day > days_in_month(local.year, local.month) || local.hour < 0 ||
      local.hour > 23 || local.minute < 0 || local.minute > 59 || local.second < 0 ||
      local.second > 59) {
    return invalid("not a date and time of the calendar");
  }
  auto opened = open_calendar(zone);
  if (!opened) return std::move(opened).error();
  icu::Calendar& calendar = **opened;
  UErrorCode status = U_ZERO_ERROR;
  UDate later = instant_of(calendar, local, UCAL_WALLTIME_LAST, status);
  UDate earlier = instant_of(calendar, local, UCAL_WALLTIME_FIRST, status);
  if (U_FAILURE(status))
    return invalid("ICU could not place this wall time in " + std::string(zone));

  ResolvedWallTime resolved;
  resolved.instant_unix_ms = static_cast<std::int64_t>(earlier);
  calendar.setTime(earlier, status);
  bool occurs = wall_fields(calendar, status) == local;
  resolved.wall_time = format_calendar(calendar, resolved.utc_offset_seconds, status);
  if (U_FAILURE(status))
    return invalid("ICU could not place this wall time in " + std::string(zone));
  if (!occurs) {
    resolved.rule = WallTimeRule::shifted_forward_over_gap;
  } else if (later != earlier) {
    resolved.rule = WallTimeRule::earlier_of_two;
  }
  return resolved;
}

core::Result<std::string> format_in_zone(std::int64_t instant_unix_ms, std::string_view zone) {
  auto opened = open_calendar(zone);
  if (!opened) return std::move(opened).error();
  icu::Calendar& calendar = **opened;
  UErrorCode status = U_ZERO_ERROR;
  calendar.setTime(static_cast<UDate>(instant_unix_ms), status);
  int year = calendar.get(UCAL_EXTENDED_YEAR, status);
  if (U_FAILURE(status) || year < year_min || year > year_max) {
    return invalid("this instant is outside the years 0001-9999");
  }
  int offset_seconds = 0;
  std::string text = format_calendar(calendar, offset_seconds, status);
  if (U_FAILURE(status)) return invalid("this instant cannot be shown in " + std::string(zone));
  return text;
}

std::string time_zone_rules_version() {
  UErrorCode status = U_ZERO_ERROR;
  const char* version = ucal_getTZDataVersion(&status);
  if (U_FAILURE(status) || version == nullptr) return "unknown";
  return version;
}

}  // namespace roost::domain
