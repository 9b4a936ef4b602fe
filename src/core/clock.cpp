#include "core/clock.hpp"

#include <chrono>
#include <string>

namespace roost::core {

namespace {

// The Gregorian date of a day counted from 1970-01-01 (H. Hinnant's civil_from_days).
struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

void append_digits(std::string& out, std::int64_t value, int width) {
  char digits[4];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<std::size_t>(width));
}

}  // namespace

void append_utc_ms(std::string& out, std::int64_t unix_ms) {
  constexpr std::int64_t ms_per_day = 86'400'000;
  auto days = unix_ms / ms_per_day;
  auto in_day = unix_ms % ms_per_day;
  if (in_day < 0) {
    in_day += ms_per_day;
    --days;
  }
  const auto date = civil_from_days(days);
  // ISO 8601's expanded years past four digits or before year 0: a sign, at least 4 digits.
  auto year = date.year;
  if (year < 0) {
    out += '-';
    year = -year;
  }
  if (year <= 9999) {
    append_digits(out, year, 4);
  } else {
    out += std::to_string(year);
  }
  out += '-';
  append_digits(out, date.month, 2);
  out += '-';
  append_digits(out, date.day, 2);
  out += 'T';
  append_digits(out, in_day / 3'600'000, 2);
  out += ':';
  append_digits(out, in_day / 60'000 % 60, 2);
  out += ':';
  append_digits(out, in_day / 1000 % 60, 2);
  out += '.';
  append_digits(out, in_day % 1000, 3);
  out += 'Z';
}

std::string format_utc_ms(std::int64_t unix_ms) {
  std::string text;
  text.reserve(24);
  append_utc_ms(text, unix_ms);
  return text;
}

namespace {

// `count` decimal digits at `at`, or -1.
int digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t index = at; index < at + count; ++index) {
    char c = text[index];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS, at fixed positions.
  constexpr std::size_t seconds_end = 19;
  if (text.size() < seconds_end + 1 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 0 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                                   std::chrono::day{unsigned(day)}};
  if (!date.ok()) return std::nullopt;
  std::size_t at = seconds_end;
  std::int64_t milliseconds = 0;
  if (text[at] == '.') {
    ++at;
    std::size_t first = at;
    int scale = 100;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      milliseconds += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first) return std::nullopt;
  }
  if (at >= text.size()) return std::nullopt;
  std::int64_t offset_minutes = 0;
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else if (text[at] == '+' || text[at] == '-' || text[at] == ' ') {
    // ' ' is a '+' that a query string decoded as a space.
    int sign = text[at] == '-' ? -1 : 1;
    int offset_hours = digits(text, at + 1, 2), offset_minute = digits(text, at + 4, 2);
    if (offset_hours < 0 || offset_hours > 23 || offset_minute < 0 || offset_minute > 59 ||
        at + 3 >= text.size() || text[at + 3] != ':') {
      return std::nullopt;
    }
    offset_minutes = sign * (offset_hours * 60 + offset_minute);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  std::int64_t seconds_total =
      days * 86'400 + hour * 3'600 + minute * 60 + second - offset_minutes * 60;
  return seconds_total * 1'000 + milliseconds;
}

}  // namespace roost::core
