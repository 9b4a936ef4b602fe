#include "core/clock.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <chrono>

#include <random>

namespace roost::core {
namespace {

constexpr std::int64_t noon_utc_ms = 1'795'435'200'000;  // 2026-11-23T12:00:00Z

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T12:00:00Z"), noon_utc_ms);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23t12:00:00z"), noon_utc_ms);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T12:00:00.250Z"), noon_utc_ms + 250);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T12:00:00.5Z"), noon_utc_ms + 500);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T12:00:00.123456Z"), noon_utc_ms + 123);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T13:30:00+01:30"), noon_utc_ms);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T07:00:00-05:00"), noon_utc_ms);
  // A '+' that a query string decoded as a space.
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T13:00:00 01:00"), noon_utc_ms);
  EXPECT_EQ(parse_rfc3339_ms(format_utc_ms(noon_utc_ms + 7)), noon_utc_ms + 7);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
}

// The reference the fast formatter must match: the standard library's own calendar, at the
// precision of days (a time_point in nanoseconds would overflow past the year 2262).
std::string reference_format(std::int64_t unix_ms) {
  constexpr std::int64_t ms_per_day = 86'400'000;
  auto days = unix_ms / ms_per_day;
  auto in_day = unix_ms % ms_per_day;
  if (in_day < 0) {
    in_day += ms_per_day;
    --days;
  }
  std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", int(date.year()),
                     unsigned(date.month()), unsigned(date.day()), in_day / 3'600'000,
                     in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000);
}

TEST(FormatUtc, MatchesTheCalendarAcrossLeapYearsAndEras) {
  EXPECT_EQ(format_utc_ms(951'782'400'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(1'709'251'199'999), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(format_utc_ms(4'107'542'400'000), "2100-03-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(-62'135'596'800'000), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
  // Past four digits, ISO 8601's expanded years.
  EXPECT_EQ(format_utc_ms(253'402'300'800'000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(-62'167'219'200'001), "-0001-12-31T23:59:59.999Z");
  std::mt19937_64 random(20261123);
  std::uniform_int_distribution<std::int64_t> instants(-62'135'596'800'000, 253'402'300'799'999);
  for (int i = 0; i < 100'000; ++i) {
    auto instant = instants(random);
    ASSERT_EQ(format_utc_ms(instant), reference_format(instant)) << instant;
  }
  std::string appended = "at ";
  append_utc_ms(appended, noon_utc_ms);
  EXPECT_EQ(appended, "at 2026-11-23T12:00:00.000Z");
}

TEST(Rfc3339, RefusesWhatIsNotOne) {
  for (const auto* text :
       {"", "yesterday", "2026-11-23", "2026-11-23T12:00:00", "2026-11-23T12:00Z",
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z",
        "2026-11-23T12:00:00.Z", "2026-11-23T12:00:00+0100", "2026-11-23T12:00:00Zjunk",
        "20261123T120000Z"}) {
    EXPECT_EQ(parse_rfc3339_ms(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace roost::core
