#include "domain/zoned_time.hpp"

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

constexpr std::int64_t ms_per_hour = 3'600'000;

ResolvedWallTime resolve(std::string_view local_text, std::string_view zone) {
  auto local = parse_local_date_time(local_text);
  EXPECT_TRUE(local.ok()) << local_text;
  if (!local.ok()) return {};
  auto resolved = resolve_wall_time(*local, zone);
  EXPECT_TRUE(resolved.ok()) << local_text << " in " << zone;
  return resolved.ok() ? *resolved : ResolvedWallTime{};
}

TEST(ZonedTime, ParsesWallTimesWithAndWithoutSeconds) {
  auto minutes = parse_local_date_time("2026-03-29T02:30");
  ASSERT_TRUE(minutes.ok());
  EXPECT_EQ(*minutes, (LocalDateTime{2026, 3, 29, 2, 30, 0}));
  auto seconds = parse_local_date_time("2024-02-29T23:59:58");
  ASSERT_TRUE(seconds.ok());
  EXPECT_EQ(*seconds, (LocalDateTime{2024, 2, 29, 23, 59, 58}));
}

TEST(ZonedTime, RefusesWhatIsNotADateAndTime) {
  for (std::string_view bad :
       {"", "2026-03-29", "2026-03-29 02:30", "2026-3-29T02:30", "2026-03-29T2:30",
        "2026-13-01T00:00", "2026-00-10T00:00", "2026-02-29T10:00", "2026-04-31T10:00",
        "2026-03-29T24:00", "2026-03-29T12:60", "2026-03-29T12:30:60", "0000-01-01T00:00",
        "2026-03-29T02:30Z", "2026-03-29T02:30:00+01:00", "+2026-03-29T02:30",
        "2026-03-29T02:3x"}) {
    auto parsed = parse_local_date_time(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::invalid_request);
  }
}

TEST(ZonedTime, AnOrdinaryWallTimeIsExact) {
  auto summer = resolve("2026-07-01T14:00", "Europe/Paris");
  EXPECT_EQ(summer.rule, WallTimeRule::exact);
  EXPECT_EQ(summer.instant_unix_ms, 1'782'907'200'000);  // 12:00 UTC
  EXPECT_EQ(summer.utc_offset_seconds, 7200);
  EXPECT_EQ(summer.wall_time, "2026-07-01T14:00:00+02:00");
}

TEST(ZonedTime, ParisSpringGapMovesForwardByTheGap) {
  // 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
  auto skipped = resolve("2026-03-29T02:30", "Europe/Paris");
  EXPECT_EQ(skipped.rule, WallTimeRule::shifted_forward_over_gap);
  EXPECT_EQ(skipped.wall_time, "2026-03-29T03:30:00+02:00");
  EXPECT_EQ(skipped.instant_unix_ms, 1'774'747'800'000);  // 01:30 UTC
  EXPECT_EQ(skipped.utc_offset_seconds, 7200);
  // Either side of the gap is exact, and an hour of wall time apart is an hour of time apart.
  auto before = resolve("2026-03-29T01:59:59", "Europe/Paris");
  auto after = resolve("2026-03-29T03:00", "Europe/Paris");
  EXPECT_EQ(before.rule, WallTimeRule::exact);
  EXPECT_EQ(after.rule, WallTimeRule::exact);
  EXPECT_EQ(after.instant_unix_ms - before.instant_unix_ms, 1000);
  EXPECT_EQ(resolve("2026-03-29T02:00", "Europe/Paris").wall_time, "2026-03-29T03:00:00+02:00");
}

TEST(ZonedTime, ParisAutumnOverlapTakesTheFirstOccurrence) {
  // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
  auto twice = resolve("2026-10-25T02:30", "Europe/Paris");
  EXPECT_EQ(twice.rule, WallTimeRule::earlier_of_two);
  EXPECT_EQ(twice.wall_time, "2026-10-25T02:30:00+02:00");
  EXPECT_EQ(twice.instant_unix_ms, 1'792'888'200'000);  // 00:30 UTC, not 01:30
  EXPECT_EQ(twice.utc_offset_seconds, 7200);
  auto once = resolve("2026-10-25T03:00", "Europe/Paris");
  EXPECT_EQ(once.rule, WallTimeRule::exact);
  EXPECT_EQ(once.wall_time, "2026-10-25T03:00:00+01:00");
  EXPECT_EQ(once.instant_unix_ms - twice.instant_unix_ms, 2 * ms_per_hour - 30 * 60'000);
}

TEST(ZonedTime, NewYorkBothDirections) {
  // 2026-03-08: 02:00 EST becomes 03:00 EDT.
  auto skipped = resolve("2026-03-08T02:30", "America/New_York");
  EXPECT_EQ(skipped.rule, WallTimeRule::shifted_forward_over_gap);
  EXPECT_EQ(skipped.wall_time, "2026-03-08T03:30:00-04:00");
  EXPECT_EQ(skipped.instant_unix_ms, 1'772'955'000'000);  // 07:30 UTC
  EXPECT_EQ(skipped.utc_offset_seconds, -4 * 3600);
  // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
  auto twice = resolve("2026-11-01T01:30", "America/New_York");
  EXPECT_EQ(twice.rule, WallTimeRule::earlier_of_two);
  EXPECT_EQ(twice.wall_time, "2026-11-01T01:30:00-04:00");
  EXPECT_EQ(twice.instant_unix_ms, 1'793'511'000'000);  // 05:30 UTC
  EXPECT_EQ(resolve("2026-11-01T02:30", "America/New_York").wall_time, "2026-11-01T02:30:00-05:00");
}

TEST(ZonedTime, ZonesWithoutDstAreAlwaysExact) {
  auto tokyo = resolve("2026-03-29T02:30", "Asia/Tokyo");
  EXPECT_EQ(tokyo.rule, WallTimeRule::exact);
  EXPECT_EQ(tokyo.wall_time, "2026-03-29T02:30:00+09:00");
  EXPECT_EQ(tokyo.instant_unix_ms, 1'774'719'000'000);  // the day before, 17:30 UTC
  auto utc = resolve("2026-10-25T02:30", "UTC");
  EXPECT_EQ(utc.rule, WallTimeRule::exact);
  EXPECT_EQ(utc.wall_time, "2026-10-25T02:30:00+00:00");
  EXPECT_EQ(resolve("2026-03-29T02:30", "Asia/Kolkata").wall_time, "2026-03-29T02:30:00+05:30");
}

TEST(ZonedTime, UnknownZonesAreRefused) {
  EXPECT_TRUE(check_time_zone("Europe/Paris").ok());
  EXPECT_TRUE(check_time_zone("America/Argentina/Buenos_Aires").ok());
  EXPECT_TRUE(check_time_zone("UTC").ok());
  for (std::string_view bad : {"", "Mars/Olympus_Mons", "Europe/Pariss", "PST", "EST", "GMT+2",
                               "+02:00", "Paris", "Europe/Paris/", "Etc/Unknown"}) {
    auto checked = check_time_zone(bad);
    ASSERT_FALSE(checked.ok()) << bad;
    EXPECT_EQ(checked.error().code, core::ErrorCode::invalid_request);
    EXPECT_FALSE(resolve_wall_time({2026, 1, 1, 12, 0, 0}, bad).ok()) << bad;
    EXPECT_FALSE(format_in_zone(0, bad).ok()) << bad;
  }
}

TEST(ZonedTime, FormatsInstantsInAZone) {
  EXPECT_EQ(*format_in_zone(1'774'747'800'000, "Europe/Paris"), "2026-03-29T03:30:00+02:00");
  // The last millisecond before the gap, at 01:00 UTC.
  EXPECT_EQ(*format_in_zone(1'774'746'000'000 - 1, "Europe/Paris"),
            "2026-03-29T01:59:59.999+01:00");
  EXPECT_EQ(*format_in_zone(0, "America/New_York"), "1969-12-31T19:00:00-05:00");
  EXPECT_EQ(*format_in_zone(0, "UTC"), "1970-01-01T00:00:00+00:00");
  // Paris kept its mean solar time (+00:09:21) until 1911.
  EXPECT_EQ(*format_in_zone(-3'000'000'000'000, "Europe/Paris"), "1874-12-07T18:49:21+00:09:21");
  EXPECT_FALSE(format_in_zone(400'000'000'000'000, "UTC").ok());  // year 14645
}

TEST(ZonedTime, TheCalendarIsGregorianBefore1582Too) {
  // ICU's default calendar is Julian before 1582; ISO 8601 dates are proleptic Gregorian.
  EXPECT_EQ(*format_in_zone(-30'610'224'000'000, "UTC"), "1000-01-01T00:00:00+00:00");
  EXPECT_EQ(resolve("0001-01-01T00:00", "UTC").instant_unix_ms, -62'135'596'800'000);
}

TEST(ZonedTime, SaysWhichTzReleaseItApplies) {
  auto version = time_zone_rules_version();
  // A tz release is a year and a letter ("2022e"); bookworm's ICU 72 has 2022e or later.
  ASSERT_EQ(version.size(), 5u) << version;
  EXPECT_GE(version, "2022e");
  EXPECT_LE(version, "2099z");
}

TEST(ZonedTime, RuleNamesAreStable) {
  EXPECT_EQ(wall_time_rule_name(WallTimeRule::exact), "exact");
  EXPECT_EQ(wall_time_rule_name(WallTimeRule::shifted_forward_over_gap),
            "shifted_forward_over_gap");
  EXPECT_EQ(wall_time_rule_name(WallTimeRule::earlier_of_two), "earlier_of_two");
}

}  // namespace
}  // namespace roost::domain
