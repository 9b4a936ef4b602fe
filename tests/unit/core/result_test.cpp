#include "core/result.hpp"

#include <gtest/gtest.h>
#include <string>

namespace roost::core {
namespace {

Result<int> half(int value) {
  if (value % 2 != 0) return make_error(ErrorCode::invalid_request, "odd");
  return value / 2;
}

TEST(Result, HoldsValueOrError) {
  auto good = half(4);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_request);
  EXPECT_EQ(bad.error().message, "odd");
}

TEST(Result, VoidResult) {
  Result<void> fine = success();
  EXPECT_TRUE(fine.ok());
  Result<void> failed = make_error(ErrorCode::conflict, "taken");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::conflict);
}

struct Refusal {
  int reason = 0;
};

Result<std::string, Refusal> named(int value) {
  if (value < 0) return Refusal{value};
  return std::to_string(value);
}

TEST(Result, HoldsATypedError) {
  auto good = named(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "7");
  auto bad = named(-3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason, -3);
  Result<void, Refusal> fine;
  EXPECT_TRUE(fine.ok());
  Result<void, Refusal> refused = Refusal{2};
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(std::move(refused).error().reason, 2);
}

TEST(ErrorCodeName, EveryCodeHasAStableName) {
  EXPECT_EQ(error_code_name(ErrorCode::malformed_json), "malformed_json");
  EXPECT_EQ(error_code_name(ErrorCode::payload_too_large), "payload_too_large");
  EXPECT_EQ(error_code_name(ErrorCode::schema_too_new), "schema_too_new");
}

}  // namespace
}  // namespace roost::core

#include "core/clock.hpp"

namespace roost::core {
namespace {

TEST(Clock, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(1'795'441'579'123), "2026-11-23T13:46:19.123Z");
  EXPECT_EQ(format_utc_ms(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace roost::core
