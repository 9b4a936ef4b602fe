#include "core/clock.hpp"

#include <gtest/gtest.h>

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
