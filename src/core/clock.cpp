#include "core/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace roost::core {

std::string format_utc_ms(std::int64_t unix_ms) {
  constexpr std::int64_t ms_per_second = 1000;
  auto milliseconds = ((unix_ms % ms_per_second) + ms_per_second) % ms_per_second;
  std::chrono::sys_seconds seconds{std::chrono::seconds((unix_ms - milliseconds) / ms_per_second)};
  return fmt::format("{:%FT%T}.{:03}Z", seconds, milliseconds);
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
